#!/usr/bin/env bash
# Writes the CLI's class-data archive when the project is built (Maven's package phase), never at a user's first
# command. The training run is the seed `eval` against a local cluster that this script starts (mutual TLS, on
# four free ports) and stops, so that the archive holds what a computation loads: picocli, the compiler, the
# SDK, gRPC, Netty, protobuf and the TLS handshake. Where no cluster starts, the eval runs against addresses
# that refuse connections, which still loads 89 % of those classes (4,775 of 5,343); the rest load from the jar.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
for jar in client-cli party-node dealer-service; do # else ./smpc would start a build of its own
  compgen -G "$ROOT/client-cli/target/$jar-*-all.jar" >/dev/null || { echo "train.sh: $jar jar missing" >&2; exit 1; }
done
work="$(mktemp -d)"
export SMPC_CLUSTER="$work/cluster.json"
smpc() { "$ROOT/smpc" "$@" >/dev/null 2>&1; }
trap 'if [ -f "$SMPC_CLUSTER" ]; then smpc cluster down || true; fi; rm -rf "$work"' EXIT
CDS="$ROOT/client-cli/target/smpc-cli.jsa"
rm -f "$CDS"
free_base() { # a base port with itself and the three after it free
  for _ in $(seq 20); do
    local p=$((20000 + RANDOM % 40000)) q ok=1
    for q in $p $((p + 1)) $((p + 2)) $((p + 3)); do (exec 3<>"/dev/tcp/127.0.0.1/$q") 2>/dev/null && ok=0; done
    if [ $ok = 1 ]; then echo $p; return; fi
  done
  echo 0
}
if smpc cluster up --base-port "$(free_base)" && smpc input --party alice --name a 25 && smpc input --party bob --name b 50; then
  SMPC_WRITE_CDS=1 smpc eval '(a*b) - 5*(a+b)' --reveal-to alice
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
