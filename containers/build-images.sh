#!/usr/bin/env bash
# Builds the four task images from containers/Dockerfile as `cdk deploy` would, with buildah
# (no Docker daemon), tagged localhost/clipforge-<target>:test. Layers are cached between runs in
# buildah's storage, so an unchanged image rebuilds in seconds. Where no registry can be pulled
# from, containers/stand-in-bases.sh provides the base images first (CLIPFORGE_STAND_IN_BASES=1,
# what CI sets). A host CA bundle (SSL_CERT_FILE) is mounted for npm and pip during the build only.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${CLIPFORGE_STAND_IN_BASES:-0}" = 1 ] && bash containers/stand-in-bases.sh
npm run --silent bundle:task >/dev/null # not needed by the build (it bundles inside), but checks the entry compiles first
ca=()
if [ -n "${SSL_CERT_FILE:-}" ] && [ -f "$SSL_CERT_FILE" ]; then
  ca=(--volume "$SSL_CERT_FILE:/etc/clipforge-build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/etc/clipforge-build-ca.crt --build-arg PIP_CERT=/etc/clipforge-build-ca.crt)
fi
for target in ${*:-render track ingest transcribe}; do
  start=$(date +%s)
  buildah build --quiet --layers --pull=never --platform linux/amd64 "${ca[@]}" -f containers/Dockerfile --target "$target" -t "localhost/clipforge-$target:test" . >/dev/null
  echo "build-images: clipforge-$target in $(($(date +%s) - start)) s, $(podman image inspect --format '{{.Size}}' "localhost/clipforge-$target:test" | awk '{printf "%d MB", $1/1e6}')"
done
