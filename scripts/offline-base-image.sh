#!/usr/bin/env bash
# Builds a Java 17 runtime base image from Debian packages, for machines that cannot pull from an image
# registry (air-gapped deployments, CI). Needs root, debootstrap and a Docker engine.
#   scripts/offline-base-image.sh [TAG]        (default tag: smpc/jre:local)
# Then build the images with it:  BASE_IMAGE=smpc/jre:local docker-compose build
set -euo pipefail
TAG="${1:-smpc/jre:local}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-}"   # empty: debootstrap's default mirror, the one apt uses

if docker image inspect "$TAG" >/dev/null 2>&1 && [ "${REBUILD:-0}" != 1 ]; then
  echo "base image $TAG exists (REBUILD=1 to rebuild)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install -y debootstrap" >&2; exit 1; }
ROOTFS="$(mktemp -d /tmp/smpc-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap $SUITE into $ROOTFS ..."
# shellcheck disable=SC2086
debootstrap --variant=minbase --include=openjdk-17-jre-headless "$SUITE" "$ROOTFS" $MIRROR >/dev/null
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' - "$TAG" >/dev/null
docker run --rm --pull=never "$TAG" java -version 2>&1 | sed -n 1p
echo "built $TAG"
