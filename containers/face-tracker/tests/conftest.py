"""Test videos with a real face (from Debian's opencv-doc photos), made with FFmpeg."""
import os
import subprocess
from pathlib import Path

import pytest

PHOTOS = Path("/usr/share/doc/opencv-doc/examples/data")
W, H = 1280, 720


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    if not (PHOTOS / "messi5.jpg").exists():
        pytest.skip("opencv-doc is not installed (apt-get install opencv-doc)")
    d = tmp_path_factory.mktemp("media")
    face = d / "face.png"
    # The player's head and shoulders from messi5.jpg, enlarged like a presenter in a talk video.
    ffmpeg("-i", str(PHOTOS / "messi5.jpg"), "-vf", "crop=120:120:182:63,scale=300:300", str(face))
    small = d / "face-small.png"
    ffmpeg("-i", str(face), "-vf", "scale=150:150", str(small))
    backdrop = d / "backdrop.png"
    ffmpeg("-i", str(PHOTOS / "building.jpg"), "-vf", f"scale={W}:{H}", str(backdrop))
    return {"dir": d, "face": face, "small": small, "backdrop": backdrop}


def face_video(media, name: str, overlay_x: str, seconds: float, backdrop: Path | None = None) -> Path:
    """The face over a plain colour or a photo, its left edge at overlay_x (an FFmpeg expression in t)."""
    out = media["dir"] / name
    background = ["-loop", "1", "-framerate", "25", "-i", str(backdrop)] if backdrop else ["-f", "lavfi", "-i", f"color=c=0x335566:s={W}x{H}:r=25"]
    ffmpeg(*background, "-loop", "1", "-i", str(media["face"]),
           "-filter_complex", f"[0][1]overlay=x='{overlay_x}':y=200:shortest=1,format=yuv420p",
           "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", str(out))
    return out
