"""Face detection with MediaPipe's BlazeFace models, which ship inside the 0.10.21 wheel."""
from dataclasses import dataclass

import numpy as np


@dataclass
class Face:
    cx: float  # centre, fractions of the frame
    cy: float
    w: float
    h: float
    score: float

    @property
    def weight(self) -> float:
        """How much a face claims to be the subject: big and confident wins."""
        return self.w * self.h * self.score


class Detector:
    def __init__(self, min_confidence: float = 0.5):
        import mediapipe as mp  # imported here so the pure path logic works without it

        fd = mp.solutions.face_detection
        # Full range finds faces down to a few percent of the frame; short range catches close-ups it misses.
        self.full = fd.FaceDetection(model_selection=1, min_detection_confidence=min_confidence)
        self.short = fd.FaceDetection(model_selection=0, min_detection_confidence=min_confidence)

    def faces(self, rgb: np.ndarray) -> list[Face]:
        found = [f for f in self._run(self.full, rgb) if plausible(rgb, f)]
        return found if found else [f for f in self._run(self.short, rgb) if plausible(rgb, f)]

    @staticmethod
    def _run(model, rgb: np.ndarray) -> list[Face]:
        result = model.process(rgb)
        out = []
        for d in result.detections or []:
            b = d.location_data.relative_bounding_box
            out.append(Face(b.xmin + b.width / 2, b.ymin + b.height / 2, b.width, b.height, float(d.score[0])))
        return out

    def close(self) -> None:
        self.full.close()
        self.short.close()


def plausible(rgb: np.ndarray, face: Face) -> bool:
    """Rejects what BlazeFace mistakes for faces in flat or silhouetted footage: a real face's
    inner box has texture (eyes, mouth, shading) and is not mostly black."""
    h, w, _ = rgb.shape
    x0, x1 = int((face.cx - face.w * 0.3) * w), int((face.cx + face.w * 0.3) * w)
    y0, y1 = int((face.cy - face.h * 0.3) * h), int((face.cy + face.h * 0.3) * h)
    region = rgb[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if region.size == 0:
        return False
    grey = region.mean(axis=2)
    return float(grey.std()) >= 8 and float((grey < 25).mean()) <= 0.6
