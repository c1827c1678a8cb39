"""python -m facetrack VIDEO [--start S] [--end S] [--fps F] [--width W]
python -m facetrack --serve

One-shot: prints {width, height, fps, crop: {w, h}, cuts, path: [{t, cx, cy}], fallback} on stdout;
t is seconds from the start of the video, cx/cy the crop centre as fractions of the frame.
--serve: reads one JSON request per line on stdin ({video, start, end, fps, width}) and answers
each with one line, {"ok": true, "result": {...}} or {"ok": false, "error": "..."}, keeping the
models loaded between requests (loading them costs about a second)."""
import argparse
import json
import sys

from .track import EmptyRange, track


def serve(detector) -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            result = track(detector, req["video"], float(req.get("start", 0.0)), req.get("end"),
                           float(req.get("fps", 5.0)), int(req.get("width", 640)), float(req.get("aspect", 9 / 16)),
                           req.get("pairAspect"), req.get("picture"), req.get("follow"))
            reply = {"ok": True, "result": result}
        except Exception as err:  # one bad request must not end the warm process
            reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="facetrack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("video", nargs="?")
    ap.add_argument("--serve", action="store_true", help="answer JSON requests on stdin, one per line")
    ap.add_argument("--start", type=float, default=0.0)
    ap.add_argument("--end", type=float, default=None)
    ap.add_argument("--fps", type=float, default=5.0, help="samples per second (default 5)")
    ap.add_argument("--width", type=int, default=640, help="analysis width in pixels (default 640)")
    ap.add_argument("--threads", type=int, default=None, help="detection threads (default: 2, or 1 on one core)")
    ap.add_argument("--aspect", type=float, default=9 / 16, help="the crop's width / height (default 9/16)")
    ap.add_argument("--pair-aspect", type=float, default=None, help="also look for two people side by side, each framed at this width / height")
    args = ap.parse_args(argv)
    if not args.serve and not args.video:
        ap.error("a VIDEO or --serve is required")

    from .track import DetectorPool

    detector = DetectorPool(args.threads)
    try:
        if args.serve:
            return serve(detector)
        try:
            result = track(detector, args.video, args.start, args.end, args.fps, args.width, args.aspect, args.pair_aspect)
        except EmptyRange as err:
            print(f"facetrack: {err}", file=sys.stderr)
            return 2
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
        return 0
    finally:
        detector.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
