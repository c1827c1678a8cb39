"""Scene cuts between consecutive samples: a large change in a tiny grey thumbnail."""
import numpy as np

THUMB = (18, 32)


def thumbnail(rgb: np.ndarray) -> np.ndarray:
    grey = rgb.mean(axis=2)
    h, w = grey.shape
    ys = (np.arange(THUMB[0]) * h // THUMB[0])
    xs = (np.arange(THUMB[1]) * w // THUMB[1])
    # Block means rather than single pixels, so noise and small motion do not count.
    blocks = grey[: ys[-1] + h // THUMB[0], : xs[-1] + w // THUMB[1]]
    bh, bw = h // THUMB[0], w // THUMB[1]
    return blocks[: bh * THUMB[0], : bw * THUMB[1]].reshape(THUMB[0], bh, THUMB[1], bw).mean(axis=(1, 3))


def is_cut(prev: np.ndarray | None, cur: np.ndarray, threshold: float = 28.0) -> bool:
    return prev is not None and float(np.abs(cur - prev).mean()) > threshold
