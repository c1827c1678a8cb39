"""One time range of one video → the crop path JSON the Node side reads."""
import os
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from .cuts import is_cut, thumbnail
from .decode import VideoInfo, frames, probe
from .path import people, pair_plan, Options, Sample, plan


def even(n: float) -> int:
    return max(2, int(n // 2) * 2)


# A split part's crop against the largest of its shape (0.7: chest-up framing for two seated people in a 16:9 shot).
PAIR_ZOOM = 0.7


def crop_size(width: int, height: int, aspect: float = 9 / 16) -> tuple[int, int]:
    if width / height > aspect:
        return even(height * aspect), even(height)
    return even(width), even(width / aspect)


class EmptyRange(ValueError):
    pass


class DetectorPool:
    """Face detection on several threads: MediaPipe releases the GIL while its graph runs, so
    each thread's own detector (graphs are not shared between threads) uses its own core."""

    def __init__(self, threads: int | None = None):
        from .detect import Detector  # MediaPipe loads only when there is work to do

        self._make = Detector
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        self.threads = threads or max(1, min(2, os.cpu_count() or 1))
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="detect")

    def _detector(self):
        d = getattr(self._local, "detector", None)
        if d is None:
            d = self._make()
            self._local.detector = d
            with self._lock:
                self._all.append(d)
        return d

    def submit(self, rgb) -> Future:
        return self._pool.submit(lambda: self._detector().faces(rgb))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        for d in self._all:
            d.close()


def track(detector: DetectorPool, video: str, start: float = 0.0, end: float | None = None, fps: float = 5.0, width: int = 640,
          aspect: float = 9 / 16, pair_aspect: float | None = None, picture: dict | None = None,
          follow: dict | None = None) -> dict:
    """aspect: the output frame's width / height (9/16, 1, 4/5, 16/9); the crop has that shape.
    pair_aspect: the shape of one part of a split frame; given, two people side by side are looked for too.
    picture: {"crop": "w:h:x:y", "width", "height"}: the picture inside black bars, cut before detection.
    follow: {"x", "y"}: a person chosen by hand (one of `people` of an earlier run), followed instead of the most prominent face."""
    started = time.monotonic()
    info = probe(video)
    crop = None
    if picture:
        crop = str(picture["crop"])
        info = VideoInfo(int(picture["width"]), int(picture["height"]), info.fps, info.duration)
    stop = end if end is not None else info.duration
    if stop <= start:
        raise EmptyRange(f"empty range {start}-{stop}")
    samples: list[Sample] = []
    pending: deque = deque()  # (t, future, cut), in order; a few frames ahead at most
    prev = None
    for t, rgb in frames(video, start, stop, fps, min(width, info.width), info, crop):
        thumb = thumbnail(rgb)
        pending.append((t, detector.submit(rgb), is_cut(prev, thumb)))
        prev = thumb
        while len(pending) > 2 * detector.threads:
            pt, fut, cut = pending.popleft()
            samples.append(Sample(pt, fut.result(), cut))
    while pending:
        pt, fut, cut = pending.popleft()
        samples.append(Sample(pt, fut.result(), cut))
    cw, ch = crop_size(info.width, info.height, aspect)
    chosen = (float(follow["x"]), float(follow["y"])) if follow else None
    result = plan(samples, cw / info.width, ch / info.height, Options(sample_fps=fps, follow=chosen))
    pair = None
    if pair_aspect:
        # Each part frames its person, not half the room: a tighter crop than the largest that fits.
        pw, ph = crop_size(info.width, info.height, pair_aspect)
        pw, ph = even(pw * PAIR_ZOOM), even(ph * PAIR_ZOOM)
        pair = {**pair_plan(samples, pw / info.width, ph / info.height, Options(sample_fps=fps)), "crop": {"w": pw, "h": ph}}
    return {
        "width": info.width, "height": info.height, "fps": fps,
        "crop": {"w": cw, "h": ch},
        "cuts": [round(c, 3) for c in result.cuts],
        "path": result.path,
        "fallback": result.fallback,
        "samples": len(samples),
        "facesFound": round(result.found, 3),
        "people": people(samples),
        "seconds": round(time.monotonic() - started, 3),
        **({"pair": pair} if pair else {}),
    }
