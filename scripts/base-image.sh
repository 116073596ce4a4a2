#!/usr/bin/env bash
# Chooses the Java 17 runtime base image of the smpc images and records it in .env, where docker-compose
# reads it, so that every later `docker-compose up -d --build`, `build` and `run --rm cli` uses the same:
# eclipse-temurin:17-jre when it is here or can be pulled, else smpc/jre:local, built on this machine from
# Debian packages (scripts/offline-base-image.sh: needs root, debootstrap and a Debian mirror).
#   scripts/base-image.sh            (BASE_IMAGE=IMAGE scripts/base-image.sh records IMAGE as it is)
set -euo pipefail
cd "$(dirname "$0")/.."
DEFAULT=eclipse-temurin:17-jre
IMAGE="${BASE_IMAGE:-}"
if [ -z "$IMAGE" ]; then
  if docker image inspect "$DEFAULT" >/dev/null 2>&1 || timeout 180 docker pull -q "$DEFAULT" >/dev/null 2>&1; then
    IMAGE="$DEFAULT"
  else
    echo "cannot pull $DEFAULT (no image registry?): building smpc/jre:local here" >&2
    scripts/offline-base-image.sh smpc/jre:local
    IMAGE=smpc/jre:local
  fi
fi
touch .env
{ grep -v '^BASE_IMAGE=' .env || true; echo "BASE_IMAGE=$IMAGE"; } > .env.tmp
mv .env.tmp .env
echo "base image $IMAGE (recorded in .env)"
