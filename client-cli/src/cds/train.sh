#!/usr/bin/env bash
# Writes the class-data archives of the CLI, the party and the dealer when the project is built (Maven's package
# phase), never at a user's first command. The servers' archives (smpc.cli.ClassDataArchives) are written by the
# dealer and one party of the training cluster when `cluster down` stops them. The training run is the seed
# `eval` against a local cluster that this script starts (mutual TLS, on four free ports) and stops, so that the
# archives hold what a computation loads: picocli, the compiler, the SDK, gRPC, Netty, protobuf and the TLS
# handshake. Where no cluster starts, the CLI's eval runs against addresses that refuse connections, which still
# loads 89 % of its classes (4,775 of 5,343), and the servers get no archive.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
for jar in client-cli party-node dealer-service; do # else ./smpc would start a build of its own
  compgen -G "$ROOT/client-cli/target/$jar-*-all.jar" >/dev/null || { echo "train.sh: $jar jar missing" >&2; exit 1; }
done
export SMPC_AGENT=off # the build starts no agent (smpc.cli.Agent)
work="$(mktemp -d)"
export SMPC_CLUSTER="$work/cluster.json"
smpc() { "$ROOT/smpc" "$@" >/dev/null 2>&1; }
servers() { SMPC_WRITE_SERVER_CDS=1 smpc "$@"; }
trap 'if [ -f "$SMPC_CLUSTER" ]; then servers cluster down || true; fi; rm -rf "$work"' EXIT
CDS="$ROOT/client-cli/target/smpc-cli.jsa"
# earlier builds' server copies go too (a cluster still running one keeps its open jar and mapped archive)
rm -f "$CDS" "$ROOT"/client-cli/target/cds/*
free_base() { # a base port with itself and the three after it free
  for _ in $(seq 20); do
    local p=$((20000 + RANDOM % 40000)) q ok=1
    for q in $p $((p + 1)) $((p + 2)) $((p + 3)); do (exec 3<>"/dev/tcp/127.0.0.1/$q") 2>/dev/null && ok=0; done
    if [ $ok = 1 ]; then echo $p; return; fi
  done
  echo 0
}
if servers cluster up --base-port "$(free_base)" && smpc input --party alice --name a 25 && smpc input --party bob --name b 50; then
  SMPC_WRITE_CDS=1 smpc eval '(a*b) - 5*(a+b)' --reveal-to alice
  smpc eval 'a < b' --reveal-to alice || true # the servers' comparison classes too
  if servers cluster down; then # each server has exited (its archive written) when `cluster down` returns
    for f in "$ROOT"/client-cli/target/cds/*.jsa.tmp; do [ -s "$f" ] && mv "$f" "${f%.tmp}"; done
  fi
  rm -f "$SMPC_CLUSTER" "$ROOT"/client-cli/target/cds/*.tmp
else
  [ -f "$SMPC_CLUSTER" ] && { smpc cluster down || true; rm -f "$SMPC_CLUSTER"; }
  smpc certs init --out "$work/certs"
  cat >"$SMPC_CLUSTER" <<JSON
{"dealer": {"name": "dealer", "address": "127.0.0.1:1"},
 "parties": [{"name": "alice", "address": "127.0.0.1:1"}, {"name": "bob", "address": "127.0.0.1:1"},
             {"name": "carol", "address": "127.0.0.1:1"}],
 "tls": {"dir": "$work/certs"}}
JSON
  # the eval fails (nothing listens): the archive is written at exit all the same
  SMPC_WRITE_CDS=1 smpc eval '(a*b) - 5*(a+b)' --reveal-to alice || true
  rm -f "$SMPC_CLUSTER"
fi
test -s "$CDS" || echo "train.sh: no class-data archive written (this JVM cannot?): the CLI starts without one" >&2
compgen -G "$ROOT/client-cli/target/cds/*.jsa" >/dev/null || echo "train.sh: no server class-data archives: clusters start without them" >&2
