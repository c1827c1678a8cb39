"""python -m facetrack VIDEO [--start S] [--end S] [--fps F] [--width W]

Prints {width, height, fps, crop: {w, h}, cuts, path: [{t, cx, cy}], fallback} on stdout;
t is seconds from the start of the video, cx/cy the crop centre as fractions of the frame."""
import argparse
import json
import sys
import time

from .cuts import is_cut, thumbnail
from .decode import frames, probe
from .path import Options, Sample, plan


def even(n: float) -> int:
    return max(2, int(n // 2) * 2)


def crop_size(width: int, height: int, aspect: float = 9 / 16) -> tuple[int, int]:
    if width / height > aspect:
        return even(height * aspect), even(height)
    return even(width), even(width / aspect)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="facetrack", description=__doc__)
    ap.add_argument("video")
    ap.add_argument("--start", type=float, default=0.0)
    ap.add_argument("--end", type=float, default=None)
    ap.add_argument("--fps", type=float, default=5.0, help="samples per second (default 5)")
    ap.add_argument("--width", type=int, default=640, help="analysis width in pixels (default 640)")
    args = ap.parse_args(argv)

    from .detect import Detector  # MediaPipe loads only when there is work to do

    started = time.monotonic()
    info = probe(args.video)
    end = args.end if args.end is not None else info.duration
    if end <= args.start:
        print(f"facetrack: empty range {args.start}-{end}", file=sys.stderr)
        return 2
    detector = Detector()
    samples: list[Sample] = []
    prev = None
    try:
        for t, rgb in frames(args.video, args.start, end, args.fps, min(args.width, info.width), info):
            thumb = thumbnail(rgb)
            samples.append(Sample(t, detector.faces(rgb), is_cut(prev, thumb)))
            prev = thumb
    finally:
        detector.close()
    cw, ch = crop_size(info.width, info.height)
    result = plan(samples, cw / info.width, ch / info.height, Options(sample_fps=args.fps))
    json.dump({
        "width": info.width, "height": info.height, "fps": args.fps,
        "crop": {"w": cw, "h": ch},
        "cuts": [round(c, 3) for c in result.cuts],
        "path": result.path,
        "fallback": result.fallback,
        "samples": len(samples),
        "facesFound": round(result.found, 3),
        "seconds": round(time.monotonic() - started, 3),
    }, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
