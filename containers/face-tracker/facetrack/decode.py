"""Sampled, downscaled frames of a time range, straight from an FFmpeg pipe (nothing on disk)."""
import json
import os
import subprocess
import threading
from queue import Empty, Queue
from dataclasses import dataclass
from typing import Iterator

import numpy as np

FFMPEG = os.environ.get("CLIPFORGE_FFMPEG", "ffmpeg")
FFPROBE = os.environ.get("CLIPFORGE_FFPROBE", "ffprobe")


def source_options(path: str) -> list[str]:
    """Input options that let FFmpeg read a source as media only (src/media/sourceRead.ts sets
    CLIPFORGE_SOURCE_FORMATS): no playlist or list of other files, only its own protocols."""
    formats = os.environ.get("CLIPFORGE_SOURCE_FORMATS")
    if not formats:
        return []
    protocols = "http,https,tcp,tls" if path.lower().startswith(("http://", "https://")) else "file"
    return ["-protocol_whitelist", protocols, "-format_whitelist", formats]


@dataclass
class VideoInfo:
    width: int
    height: int
    fps: float
    duration: float


_probed: dict[tuple[str, int, float], VideoInfo] = {}


def probe(path: str) -> VideoInfo:
    """ffprobe once per file version: a warm tracker gets several clips of one video."""
    if "://" in path:
        # A URL (on AWS, a presigned S3 URL that FFmpeg reads by range): the same object whatever
        # its signature, so the query string is not part of the key.
        key = (path.split("?", 1)[0], 0, 0.0)
    else:
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime)
    if key not in _probed:
        _probed.clear()
        _probed[key] = _probe(path)
    return _probed[key]


def displayed(stream: dict) -> tuple[int, int]:
    """The picture as players show it (the same rule as src/media/probeParse.ts): stored pixels
    widened by their aspect, then turned by the display rotation. FFmpeg turns the decoded frames
    itself; frames() scales them to this shape, so a phone video is not squeezed sideways."""
    w, h = int(stream["width"]), int(stream["height"])
    a, _, b = str(stream.get("sample_aspect_ratio") or "1:1").partition(":")
    try:
        sar = float(a) / float(b) if float(a) > 0 and float(b or 0) > 0 else 1.0
    except ValueError:
        sar = 1.0
    if sar != 1.0:
        w = max(2, round(w * sar / 2) * 2)
    rotation = next((float(d["rotation"]) for d in stream.get("side_data_list") or [] if "rotation" in d), None)
    if rotation is None:
        rotation = float((stream.get("tags") or {}).get("rotate", 0) or 0)
    return (h, w) if abs(round(rotation / 90)) % 2 == 1 else (w, h)


def _probe(path: str) -> VideoInfo:
    out = subprocess.run(
        [FFPROBE, "-v", "error", *source_options(path), "-select_streams", "v:0", "-show_entries",
         "stream=width,height,avg_frame_rate,sample_aspect_ratio:stream_side_data=rotation:stream_tags=rotate:format=duration",
         "-of", "json", path],
        check=True, capture_output=True, text=True,
    ).stdout
    data = json.loads(out)
    stream = data["streams"][0]
    num, _, den = stream.get("avg_frame_rate", "0/1").partition("/")
    fps = float(num) / float(den or 1) if float(den or 1) else 0.0
    width, height = displayed(stream)
    return VideoInfo(width, height, fps or 30.0, float(data["format"].get("duration", 0)))


def frames(path: str, start: float, end: float, sample_fps: float, width: int, info: VideoInfo,
           crop: str | None = None) -> Iterator[tuple[float, np.ndarray]]:
    """Yields (t seconds from the start of the video, RGB frame) at sample_fps over [start, end).
    crop: "w:h:x:y" of the picture inside black bars, cut first; info then has the picture's size."""
    height = max(2, int(round(info.height * width / info.width / 2)) * 2)
    cmd = [FFMPEG, "-v", "error", "-nostdin", "-threads", "1", "-ss", f"{start:.3f}", "-t", f"{end - start:.3f}", *source_options(path), "-i", path,
           "-an", "-sn", "-vf", f"{'crop=' + crop + ',' if crop else ''}fps={sample_fps},scale={width}:{height}:flags=fast_bilinear",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    size = width * height * 3
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # A reader thread keeps FFmpeg decoding the next frames while the caller runs detection on this
    # one (the pipe alone holds less than one frame). The bounded queue caps memory at a few frames.
    queue: Queue[bytes | None] = Queue(maxsize=8)
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                buf = proc.stdout.read(size)
                if len(buf) < size:
                    break
                queue.put(buf)
        finally:
            queue.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        i = 0
        while (buf := queue.get()) is not None:
            yield start + i / sample_fps, np.frombuffer(buf, np.uint8).reshape(height, width, 3)
            i += 1
    finally:
        stop.set()
        killed = reader.is_alive() and proc.poll() is None
        if killed:
            proc.kill()  # the caller stopped early; do not wait for the rest of the range
        while reader.is_alive():
            try:
                queue.get(timeout=0.1)
            except Empty:
                pass
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0 and not killed:
            raise RuntimeError(f"ffmpeg failed decoding {path}: {err[-500:]}")
