#!/bin/bash
# The reference recipe by hand: the same Dockerfile lines with the component's three steps as RUN lines,
# `buildah bud`, the test step in a container from the result, push. One run; used by
# bench/container-pipeline.sh.
#   plain.sh STORAGE_ROOT RUN_ROOT REGISTRY_HOST TAG
set -euo pipefail
S=(--root "$1" --runroot "$2" --storage-driver overlay)
REGISTRY=$3 TAG=$4
CONTEXT=$(mktemp -d)
trap 'rm -rf "$CONTEXT"' EXIT
cat > "$CONTEXT/Dockerfile" <<DOCKERFILE
FROM $REGISTRY/kiln/debian-12-container:2026.11.0
LABEL org.opencontainers.image.title="kiln-bench"
ENV APP_HOME=/opt/app
RUN echo "Hello from a Kiln container build" > /etc/kiln-hello
RUN useradd --system --no-create-home --shell /usr/sbin/nologin kiln-app
RUN mkdir -p /opt/app && echo "built \$(date -u +%Y-%m-%dT%H:%M:%SZ) on \$(cat /etc/debian_version)" > /opt/app/BUILD
WORKDIR /opt/app
CMD ["cat", "/etc/kiln-hello"]
DOCKERFILE
buildah "${S[@]}" bud -q --isolation chroot --tls-verify=false --pull=true -t "localhost/plain:$TAG" "$CONTEXT" >/dev/null
c=$(buildah "${S[@]}" from "localhost/plain:$TAG")
buildah "${S[@]}" run --isolation chroot --network host "$c" -- bash -c \
  'grep -q Hello /etc/kiln-hello && id kiln-app && test -s /opt/app/BUILD' >/dev/null
buildah "${S[@]}" rm "$c" >/dev/null
buildah "${S[@]}" push -q --tls-verify=false "localhost/plain:$TAG" "docker://$REGISTRY/plain/app:$TAG"
buildah "${S[@]}" rmi "localhost/plain:$TAG" >/dev/null
