#!/usr/bin/env bash
# Runs `smpc bench` over an emulated wide-area link: a fresh network namespace whose only interface,
# its own loopback, delays every packet by $DELAY (tc netem; where the kernel lacks netem, TCP relays in
# the namespace, bench/delay_relay.py, delay each direction instead). Nothing outside it is touched.
# netem on lo delays each packet once, on its one way through lo: the round-trip time is 2 x $DELAY.
# Needs root (ip netns, tc). Arguments go to `smpc bench`, e.g.
#   DELAY=20ms bench/wan.sh --workload W1,W2,W3 --repeat 3 --warmup 1
# PARTIES (default alice,bob,carol) names the cluster's parties; the bench starts it (mutual TLS) on
# 127.0.0.1, dealer at BASE_PORT (default 50050), parties after it, inside the namespace only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NS="smpc-wan-$$"
TMP="$(mktemp -d)"

cleanup() {
  # Processes left in our namespace (a bench interrupted before it stopped its cluster) are ours: stop them by PID.
  local pids
  pids="$(ip netns pids "$NS" 2>/dev/null || true)"
  [ -n "$pids" ] && kill $pids 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/smpc" --version >/dev/null # builds the jars on the host first: the namespace has no network for Maven

# A cluster file of our own, so that no other (e.g. ~/.smpc/cluster.json) is used inside the namespace.
IFS=, read -r -a names <<<"${PARTIES:-alice,bob,carol}"
base="${BASE_PORT:-50050}"
{
  printf '{"dealer": {"name": "dealer", "address": "127.0.0.1:%d"}, "parties": [' "$base"
  for i in "${!names[@]}"; do
    [ "$i" -gt 0 ] && printf ', '
    printf '{"name": "%s", "address": "127.0.0.1:%d"}' "${names[$i]}" "$((base + 1 + i))"
  done
  printf '], "fracBits": 16}\n'
} >"$TMP/cluster.json"

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
delay="${DELAY:-20ms}"
declare -a env_extra=()
if ip netns exec "$NS" tc qdisc add dev lo root netem delay "$delay" 2>/dev/null; then
  echo "wan.sh: namespace $NS, tc netem on its lo: every packet delayed $delay (RTT 2 x $delay)" >&2
else
  # This kernel has no sch_netem: the processes listen on 127.0.0.2 (BIND_ADDRESS, which dealer and parties
  # read) and relays on the cluster file's 127.0.0.1 ports delay each direction by $delay, in the namespace.
  secs="$(python3 -c 'import sys; d = sys.argv[1]; print(float(d[:-2]) / 1000 if d.endswith("ms") else float(d.rstrip("s")))' "$delay")"
  ports=("$base")
  for i in "${!names[@]}"; do ports+=("$((base + 1 + i))"); done
  ip netns exec "$NS" python3 "$ROOT/bench/delay_relay.py" "$secs" 127.0.0.1 127.0.0.2 "${ports[@]}" &
  env_extra=(BIND_ADDRESS=127.0.0.2)
  echo "wan.sh: namespace $NS, no tc netem in this kernel: TCP relays delay each direction $delay (RTT 2 x $delay)" >&2
  sleep 1
fi
cd "$ROOT" # W5 reads examples/ from the working directory
ip netns exec "$NS" env SMPC_CLUSTER="$TMP/cluster.json" "${env_extra[@]}" "$ROOT/smpc" --timeout "${TIMEOUT:-600}" bench "$@"
