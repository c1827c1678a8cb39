"""From per-sample faces to a steady crop path: pick one subject, reset at cuts, move like a
tripod operator (hold inside a dead zone, then a smooth, speed-capped follow)."""
import math
from dataclasses import dataclass, field

from .detect import Face


@dataclass
class Sample:
    t: float
    faces: list[Face]
    cut: bool = False  # the first sample of a new shot


@dataclass
class Options:
    sample_fps: float = 5.0
    dead_zone: float = 0.12  # of the crop width: no motion while the face stays this close
    tau: float = 0.35  # seconds: how quickly a follow closes the gap
    max_speed: float = 0.6  # of the frame width per second
    settle: float = 0.004  # a follow stops once this close
    switch_after: float = 1.0  # seconds another face must dominate before the crop changes subject
    dominance: float = 1.5  # how much bigger/more confident that face must be
    same_face: float = 0.12  # centre distance (of frame width) within which a face is the same person
    min_found: float = 0.2  # below this share of samples with faces, use a static centre
    follow: tuple[float, float] | None = None  # a person chosen by hand: the face nearest this place, held


@dataclass
class Plan:
    path: list[dict]
    cuts: list[float]
    found: float
    fallback: str | None = None
    debug: dict = field(default_factory=dict)


def _nearest(faces: list[Face], ref: Face, limit: float) -> Face | None:
    best = min(faces, key=lambda f: math.hypot(f.cx - ref.cx, f.cy - ref.cy), default=None)
    if best is None or math.hypot(best.cx - ref.cx, best.cy - ref.cy) > limit:
        return None
    return best


def followed_targets(shot: list[Sample], opts: Options) -> list[tuple[float, float] | None]:
    """A person chosen by hand: the face nearest the chosen place, then the same face from sample
    to sample (never a more prominent rival); when it is lost, the face nearest the chosen place again."""
    assert opts.follow is not None
    anchor = Face(opts.follow[0], opts.follow[1], 0, 0, 1)
    subject: Face | None = None
    out: list[tuple[float, float] | None] = []
    for s in shot:
        current = _nearest(s.faces, subject, opts.same_face) if subject else None
        subject = current or _nearest(s.faces, anchor, 2.0)
        out.append((subject.cx, subject.cy) if subject and s.faces else None)
    return out


def people(samples: list[Sample], opts: Options = Options(), most: int = 4) -> list[dict]:
    """The people seen, as choices to follow: faces grouped by place across the samples (a person
    who sits still stays within `same_face` of where they sat), the most present first, at most
    `most`, each seen in at least a tenth of the samples; listed left to right."""
    groups: list[dict] = []
    for s in samples:
        seen_here: set[int] = set()
        for f in s.faces:
            near = min(range(len(groups)), key=lambda i: math.hypot(groups[i]["x"] - f.cx, groups[i]["y"] - f.cy), default=None)
            if near is None or math.hypot(groups[near]["x"] - f.cx, groups[near]["y"] - f.cy) > 1.5 * opts.same_face:
                groups.append({"x": f.cx, "y": f.cy, "n": 0, "seen": 0})
                near = len(groups) - 1
            g = groups[near]
            g["n"] += 1
            g["x"] += (f.cx - g["x"]) / g["n"]
            g["y"] += (f.cy - g["y"]) / g["n"]
            if near not in seen_here:
                g["seen"] += 1
                seen_here.add(near)
    total = max(1, len(samples))
    kept = [g for g in sorted(groups, key=lambda g: g["seen"], reverse=True)[:most] if g["seen"] / total >= 0.1]
    return [{"x": round(g["x"], 3), "y": round(g["y"], 3), "share": round(g["seen"] / total, 3)} for g in sorted(kept, key=lambda g: g["x"])]


def subject_targets(shot: list[Sample], opts: Options) -> list[tuple[float, float] | None]:
    """The subject's centre at each sample of one shot (None where no face is seen)."""
    if opts.follow is not None:
        return followed_targets(shot, opts)
    need = max(1, round(opts.switch_after * opts.sample_fps))
    subject: Face | None = None
    challenger: Face | None = None
    streak = 0
    out: list[tuple[float, float] | None] = []
    for s in shot:
        if not s.faces:
            out.append(None)
            continue
        dominant = max(s.faces, key=lambda f: f.weight)
        if subject is None:
            subject = dominant
        else:
            current = _nearest(s.faces, subject, opts.same_face)
            rival = dominant if current is None or (dominant is not current and dominant.weight > opts.dominance * current.weight) else None
            if rival is not None:
                same_rival = challenger is not None and _nearest([rival], challenger, opts.same_face) is not None
                streak = streak + 1 if same_rival else 1
                challenger = rival
                if streak >= need:
                    subject, challenger, streak = rival, None, 0
                elif current is not None:
                    subject = current
            else:
                challenger, streak = None, 0
                subject = current or subject
        out.append((subject.cx, subject.cy) if subject else None)
    return out


def _fill(targets: list[tuple[float, float] | None]) -> list[tuple[float, float]] | None:
    """Frames without a face hold the last position; before the first face, use the first."""
    first = next((t for t in targets if t is not None), None)
    if first is None:
        return None
    last = first
    filled = []
    for t in targets:
        last = t or last
        filled.append(last)
    return filled


def _clamp(v: float, half: float) -> float:
    return min(1 - half, max(half, v)) if half < 0.5 else 0.5


def smooth(targets: list[tuple[float, float]], times: list[float], crop_w: float, crop_h: float, opts: Options) -> list[tuple[float, float]]:
    pos = (_clamp(targets[0][0], crop_w / 2), _clamp(targets[0][1], crop_h / 2))
    out = [pos]
    following = [False, False]
    for i in range(1, len(targets)):
        dt = times[i] - times[i - 1]
        nxt = list(pos)
        for axis, size in ((0, crop_w), (1, crop_h)):
            goal = _clamp(targets[i][axis], size / 2)
            gap = goal - pos[axis]
            if not following[axis] and abs(gap) > opts.dead_zone * size:
                following[axis] = True
            if following[axis]:
                step = gap * (1 - math.exp(-dt / opts.tau))
                cap = opts.max_speed * dt
                nxt[axis] = pos[axis] + max(-cap, min(cap, step))
                if abs(goal - nxt[axis]) < opts.settle:
                    following[axis] = False
        pos = (nxt[0], nxt[1])
        out.append(pos)
    return out


def _reduce(points: list[dict]) -> list[dict]:
    """Keyframes only: drop points lying on the straight line between their neighbours."""
    if len(points) <= 2:
        return points
    kept = [points[0]]
    for i in range(1, len(points) - 1):
        a, b, c = kept[-1], points[i], points[i + 1]
        span = c["t"] - a["t"]
        if span <= 0:
            kept.append(b)
            continue
        k = (b["t"] - a["t"]) / span
        if any(abs(a[x] + (c[x] - a[x]) * k - b[x]) > 0.002 for x in ("cx", "cy")):
            kept.append(b)
    kept.append(points[-1])
    return kept


def plan(samples: list[Sample], crop_w: float, crop_h: float, opts: Options = Options()) -> Plan:
    """crop_w / crop_h: the crop's size as fractions of the frame."""
    if not samples:
        return Plan([{"t": 0.0, "cx": 0.5, "cy": 0.5}], [], 0.0, "no frames could be sampled")
    found = sum(1 for s in samples if s.faces) / len(samples)
    cuts = [s.t for s in samples[1:] if s.cut]
    if found < opts.min_found:
        reason = "no face found" if found == 0 else f"faces in only {found:.0%} of samples"
        return Plan([{"t": round(samples[0].t, 3), "cx": 0.5, "cy": 0.5}], cuts, found, reason)

    shots: list[list[Sample]] = []
    for s in samples:
        if s.cut or not shots:
            shots.append([])
        shots[-1].append(s)
    points: list[dict] = []
    for shot in shots:
        filled = _fill(subject_targets(shot, opts))
        times = [s.t for s in shot]
        positions = smooth(filled, times, crop_w, crop_h, opts) if filled else [(0.5, 0.5)] * len(shot)
        if points:
            # Hold the old framing up to the cut, then jump: never a pan across a cut.
            points.append({**points[-1], "t": round(shot[0].t - 0.001, 3)})
        points.extend({"t": round(t, 3), "cx": round(x, 4), "cy": round(y, 4)} for t, (x, y) in zip(times, positions))
    return Plan(_reduce(points), cuts, found)


def pair_plan(samples: list[Sample], crop_w: float, crop_h: float, opts: Options = Options()) -> dict:
    """Two people side by side, for a split layout: the share of samples in which the two most
    prominent faces are held apart (further than one part's crop could frame both), and a steady
    path for each, left and right. crop_w / crop_h: one part's crop, as fractions of the frame."""
    apart = max(0.2, 0.8 * crop_w)
    pairs: list[tuple[tuple[float, float], tuple[float, float]] | None] = []
    for s in samples:
        two = sorted(s.faces, key=lambda f: f.weight, reverse=True)[:2]
        if len(two) == 2 and abs(two[0].cx - two[1].cx) >= apart:
            left, right = sorted(two, key=lambda f: f.cx)
            pairs.append(((left.cx, left.cy), (right.cx, right.cy)))
        else:
            pairs.append(None)
    share = sum(1 for p in pairs if p is not None) / len(samples) if samples else 0.0
    if share == 0:
        return {"share": 0.0}
    times = [s.t for s in samples]
    paths = []
    for side in (0, 1):
        filled = _fill([p[side] if p else None for p in pairs])
        positions = smooth(filled, times, crop_w, crop_h, opts)
        paths.append(_reduce([{"t": round(t, 3), "cx": round(x, 4), "cy": round(y, 4)} for t, (x, y) in zip(times, positions)]))
    return {"share": round(share, 3), "left": paths[0], "right": paths[1]}
