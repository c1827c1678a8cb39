"""One time range of one video → the crop path JSON the Node side reads."""
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


class EmptyRange(ValueError):
    pass


def track(detector, video: str, start: float = 0.0, end: float | None = None, fps: float = 5.0, width: int = 640) -> dict:
    started = time.monotonic()
    info = probe(video)
    stop = end if end is not None else info.duration
    if stop <= start:
        raise EmptyRange(f"empty range {start}-{stop}")
    samples: list[Sample] = []
    prev = None
    for t, rgb in frames(video, start, stop, fps, min(width, info.width), info):
        thumb = thumbnail(rgb)
        samples.append(Sample(t, detector.faces(rgb), is_cut(prev, thumb)))
        prev = thumb
    cw, ch = crop_size(info.width, info.height)
    result = plan(samples, cw / info.width, ch / info.height, Options(sample_fps=fps))
    return {
        "width": info.width, "height": info.height, "fps": fps,
        "crop": {"w": cw, "h": ch},
        "cuts": [round(c, 3) for c in result.cuts],
        "path": result.path,
        "fallback": result.fallback,
        "samples": len(samples),
        "facesFound": round(result.found, 3),
        "seconds": round(time.monotonic() - started, 3),
    }
