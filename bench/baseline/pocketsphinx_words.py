"""Offline word-timed transcription with PyPI pocketsphinx (its en-us model ships in the wheel).

Reads 16 kHz mono 16-bit WAV, splits it at pauses with the package's VAD segmenter, decodes
each speech segment and prints one JSON document on stdout:
  {"words": [{"w": str, "start": s, "end": s}], "audioSeconds": s}
Progress goes to stderr as lines "progress <fraction>" so the caller can show it.
"""
import json
import re
import sys
import wave

from pocketsphinx import Decoder, Segmenter, set_loglevel

FILLERS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+\+.*\+\+)$")
ALT_PRON = re.compile(r"\(\d+\)$")


def transcribe(path: str) -> dict:
    set_loglevel("FATAL")
    with wave.open(path, "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise SystemExit(f"expected mono 16-bit PCM WAV, got {wav.getnchannels()} ch / {wav.getsampwidth() * 8} bit")
        rate = wav.getframerate()
        total = wav.getnframes() / rate
        segmenter = Segmenter(sample_rate=rate, window=0.3, ratio=0.9, vad_mode=0)
        decoder = Decoder(samprate=rate)
        frame_rate = decoder.config["frate"]
        words = []
        last_report = 0.0
        for seg in segmenter.segment(wav.getfp()):
            decoder.start_utt()
            decoder.process_raw(seg.pcm, full_utt=True)
            decoder.end_utt()
            for item in decoder.seg():
                word = ALT_PRON.sub("", item.word)
                if FILLERS.match(word):
                    continue
                start = seg.start_time + item.start_frame / frame_rate
                end = seg.start_time + (item.end_frame + 1) / frame_rate
                words.append({"w": word, "start": round(start, 3), "end": round(end, 3)})
            if total > 0 and seg.end_time - last_report > 5:
                last_report = seg.end_time
                print(f"progress {min(1.0, seg.end_time / total):.3f}", file=sys.stderr, flush=True)
    return {"words": words, "audioSeconds": round(total, 3)}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: pocketsphinx_words.py AUDIO.wav")
    json.dump(transcribe(sys.argv[1]), sys.stdout)
