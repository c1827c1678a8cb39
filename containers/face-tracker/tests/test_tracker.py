"""The tracker end to end on videos of a real face: decode, detect, cut, follow."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import H, W, face_video, ffmpeg
from test_path import at

HERE = Path(__file__).resolve().parent.parent
SHARED = HERE.parent.parent.parent / "shared" / "testdata"
PATCH = 300


def track(video, *args):
    out = subprocess.run([sys.executable, "-m", "facetrack", str(video), *args], cwd=HERE, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_a_face_moving_across_the_frame_is_followed_within_5_percent(media):
    # The patch's left edge goes from 150 to 850 px over 8 s.
    video = face_video(media, "moving.mp4", "150+t*87.5", 8)
    result = track(video)
    assert result["fallback"] is None and result["crop"] == {"w": 404, "h": 720}
    for i in range(10, 40):  # after the first 2 s, once the follow has settled
        t = i / 5
        truth = (150 + t * 87.5 + PATCH / 2) / W
        assert abs(at(result["path"], t) - truth) <= 0.05, f"t={t}: crop at {at(result['path'], t):.3f}, face at {truth:.3f}"


def test_a_cut_between_two_shots_jumps_within_one_sample(media):
    a = face_video(media, "shot-a.mp4", "80", 4)
    b = face_video(media, "shot-b.mp4", "880", 4, backdrop=media["backdrop"])
    joined = media["dir"] / "cut.mp4"
    ffmpeg("-i", str(a), "-i", str(b), "-filter_complex", "[0:v]setsar=1,fps=25[a];[1:v]setsar=1,fps=25[b];[a][b]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", str(joined))
    result = track(joined)
    assert len(result["cuts"]) == 1 and abs(result["cuts"][0] - 4.0) <= 0.2 + 1e-9
    left, right = (80 + PATCH / 2) / W, (880 + PATCH / 2) / W
    cx = [p["cx"] for p in result["path"]]
    assert all(abs(c - left) < 0.05 or abs(c - right) < 0.05 for c in cx), f"intermediate position in {cx}"
    assert abs(at(result["path"], result["cuts"][0]) - right) < 0.05
    assert abs(at(result["path"], result["cuts"][0] - 0.2) - left) < 0.05


def test_a_shot_without_a_face_is_centred(media):
    video = SHARED / "no-face-silhouette.mp4"
    if not video.exists():
        video = media["dir"] / "no-face.mp4"
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={W}x{H}:r=25", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", str(video))
    result = track(video, "--start", "2", "--end", "8")
    assert result["fallback"] is not None  # none found, or too few to trust (BlazeFace sees a head in some silhouette frames)
    assert result["path"] == [{"t": 2.0, "cx": 0.5, "cy": 0.5}]


def test_of_two_faces_the_larger_is_followed(media):
    out = media["dir"] / "two-faces.mp4"
    ffmpeg("-f", "lavfi", "-i", f"color=c=0x335566:s={W}x{H}:r=25", "-loop", "1", "-i", str(media["small"]), "-loop", "1", "-i", str(media["face"]),
           "-filter_complex", "[0][1]overlay=x=150:y=250:shortest=1[a];[a][2]overlay=x=850:y=200:shortest=1,format=yuv420p",
           "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", str(out))
    result = track(out)
    big = (850 + PATCH / 2) / W
    assert all(abs(p["cx"] - min(big, 1 - 202 / W)) < 0.05 for p in result["path"]), result["path"]


def test_only_the_requested_range_is_decoded(media):
    video = face_video(media, "range.mp4", "150+t*87.5", 8)
    result = track(video, "--start", "5", "--end", "7")
    assert result["samples"] == 10
    assert result["path"][0]["t"] == 5.0


def test_serve_mode_answers_each_request_on_one_warm_process(media):
    video = face_video(media, "serve.mp4", "150+t*87.5", 8)
    requests = [
        {"video": str(video), "start": 5, "end": 7},
        {"video": str(media["dir"] / "missing.mp4"), "start": 0, "end": 2},
        {"video": str(video), "start": 0, "end": 8},
    ]
    proc = subprocess.run([sys.executable, "-m", "facetrack", "--serve"], cwd=HERE, capture_output=True, text=True, check=True,
                          input="".join(json.dumps(r) + "\n" for r in requests))
    replies = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["ok"] for r in replies] == [True, False, True]
    assert "missing.mp4" in replies[1]["error"]
    assert replies[0]["result"]["samples"] == 10 and replies[0]["result"]["path"][0]["t"] == 5.0
    one_shot = track(video)
    assert replies[2]["result"]["path"] == one_shot["path"], "the warm process tracks exactly like a fresh one"


def test_a_video_given_by_url_is_tracked_like_the_file(media):
    # On AWS the tracker reads a presigned S3 URL (FFmpeg seeks it by range requests).
    import functools
    import http.server
    import threading

    video = face_video(media, "served.mp4", "150+t*87.5", 6)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(video.parent))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{video.name}?X-Amz-Signature=abc"
        by_url = track(url, "--start", "1", "--end", "5")
        by_file = track(video, "--start", "1", "--end", "5")
    finally:
        server.shutdown()
    assert by_url["fallback"] is None
    assert by_url["path"] == by_file["path"]
