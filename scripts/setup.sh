#!/usr/bin/env bash
# Installs what clipforge needs on a fresh Debian/Ubuntu machine: system packages (FFmpeg,
# espeak-ng, fonts, test media), the Python virtualenv for the offline transcriber, and the npm
# packages (which bring Node 22 as node_modules/.bin/node). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(ffmpeg espeak-ng fonts-dejavu-core pocketsphinx-testdata python3-venv)
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

# The Python the pocketsphinx wheels exist for (3.9-3.12 here); a stale venv is rebuilt.
if ! .venv/bin/python -c "import pocketsphinx" >/dev/null 2>&1; then
  echo "setup: creating .venv with the offline transcriber"
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r speech/requirements.txt
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
echo "setup: ready (node $(node_modules/.bin/node --version), $(ffmpeg -version | head -1 | cut -d' ' -f1-3))"
