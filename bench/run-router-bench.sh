#!/usr/bin/env bash
# The Router alone, driven over NATS by direct jnats clients (docs/PERFORMANCE.md, "Reference Router
# alone"). Builds nothing: run `make build` first. Starts a private nats-server on a free loopback port
# (never 4222) and bin/ipc-router, runs RouterThroughput at depths 1, 64 and 256, then stops both by PID.
# usage: bench/run-router-bench.sh [--depths 1,64,256] [--duration-s 20] [--warmup-s 5]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
java_home="$("$root/scripts/find-jdk")"
nats_server="${NATS_SERVER:-/usr/sbin/nats-server}"
if [ ! -d "$root/bench/target/classes/io/beamline/ipc/bench/router" ] || [ ! -d "$root/bench/target/lib" ]; then
  echo "run-router-bench: bench is not built; run 'make build' first" >&2
  exit 1
fi
work="$(mktemp -d)"
nats_pid=""
router_pid=""
cleanup() {
  [ -n "$router_pid" ] && kill "$router_pid" 2>/dev/null && wait "$router_pid" 2>/dev/null || true
  [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
if [ "$port" = 4222 ]; then echo "run-router-bench: got port 4222, refusing" >&2; exit 1; fi
url="nats://127.0.0.1:$port"

"$nats_server" -a 127.0.0.1 -p "$port" >"$work/nats.log" 2>&1 &
nats_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

"$root/bin/ipc-router" --nats "$url" >"$work/router.out" 2>"$work/router.err" &
router_pid=$!
for _ in $(seq 1 300); do
  grep -q "serving beamline.router.v1.decide" "$work/router.out" 2>/dev/null && break
  kill -0 "$router_pid" 2>/dev/null || { echo "run-router-bench: router exited" >&2; cat "$work/router.err" >&2; exit 1; }
  sleep 0.1
done
grep -q "serving beamline.router.v1.decide" "$work/router.out" || { echo "run-router-bench: router not ready in 30 s" >&2; exit 1; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $("$nats_server" --version), $("$java_home/bin/java" -version 2>&1 | head -n 1)"
echo "# router: $(head -n 1 "$work/router.out")"
"$java_home/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
  io.beamline.ipc.bench.router.RouterThroughput --nats "$url" --depths 1,64,256 "$@"
