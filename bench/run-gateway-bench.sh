#!/usr/bin/env bash
# The gateway path against direct jnats to the same Router, in one run (docs/PERFORMANCE.md, "Gateway path
# vs direct jnats to the same Router"). Builds nothing: run `make build` first. Starts a private nats-server
# on a free loopback port (never 4222), bin/ipc-router and bin/ipc-gateway on a private socket, runs
# GatewayPathBenchmark, then stops all three by PID.
# usage: bench/run-gateway-bench.sh [--depths 1,64,256] [--prewarm-s 10] [--warmup-s 5] [--duration-s 15] [--slices 3]
#                                   [--gateway-connections 8] [--direct-connections 1]
# GATEWAY_JAVA_OPTS / ROUTER_JAVA_OPTS (e.g. -Xlog:gc:file=/tmp/gw-gc.log) go to that JVM only.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
java_home="$("$root/scripts/find-jdk")"
nats_server="${NATS_SERVER:-/usr/sbin/nats-server}"
if [ ! -d "$root/bench/target/classes/io/beamline/ipc/bench/gateway" ] || [ ! -d "$root/bench/target/lib" ]; then
  echo "run-gateway-bench: bench is not built; run 'make build' first" >&2
  exit 1
fi
work="$(mktemp -d)"
nats_pid=""
router_pid=""
gateway_pid=""
stop() { # stop PID: TERM, then wait for it
  [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null || true
}
cleanup() {
  stop "$gateway_pid"
  stop "$router_pid"
  stop "$nats_pid"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
if [ "$port" = 4222 ]; then echo "run-gateway-bench: got port 4222, refusing" >&2; exit 1; fi
url="nats://127.0.0.1:$port"
socket="$work/gw.sock"

"$nats_server" -a 127.0.0.1 -p "$port" >"$work/nats.log" 2>&1 &
nats_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

JAVA_OPTS="${ROUTER_JAVA_OPTS:-${JAVA_OPTS:-}}" "$root/bin/ipc-router" --nats "$url" >"$work/router.out" 2>"$work/router.err" &
router_pid=$!
for _ in $(seq 1 300); do
  grep -q "serving beamline.router.v1.decide" "$work/router.out" 2>/dev/null && break
  kill -0 "$router_pid" 2>/dev/null || { echo "run-gateway-bench: router exited" >&2; cat "$work/router.err" >&2; exit 1; }
  sleep 0.1
done
grep -q "serving beamline.router.v1.decide" "$work/router.out" || { echo "run-gateway-bench: router not ready in 30 s" >&2; exit 1; }

JAVA_OPTS="${GATEWAY_JAVA_OPTS:-${JAVA_OPTS:-}}" "$root/bin/ipc-gateway" --nats "$url" --socket "$socket" >"$work/gateway.out" 2>"$work/gateway.err" &
gateway_pid=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/gateway.out" 2>/dev/null && break
  kill -0 "$gateway_pid" 2>/dev/null || { echo "run-gateway-bench: gateway exited" >&2; cat "$work/gateway.err" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$work/gateway.out" || { echo "run-gateway-bench: gateway not ready in 30 s" >&2; exit 1; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $("$nats_server" --version), $("$java_home/bin/java" -version 2>&1 | head -n 1)"
echo "# router: $(head -n 1 "$work/router.out")"
echo "# gateway: $(head -n 1 "$work/gateway.out")"
status=0
"$java_home/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
  io.beamline.ipc.bench.gateway.GatewayPathBenchmark --socket "$socket" --nats "$url" --depths 1,64,256 \
  --pids "gateway=$gateway_pid,router=$router_pid,nats=$nats_pid" "$@" || status=$?
if grep -qiE " (WARN|ERROR) " "$work/gateway.err" "$work/gateway.out" 2>/dev/null; then
  echo "# gateway log warnings/errors (first 10):"
  grep -hiE " (WARN|ERROR) " "$work/gateway.err" "$work/gateway.out" | head -n 10
fi
exit "$status"
