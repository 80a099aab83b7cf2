#!/usr/bin/env bash
# Soak of the gateway (docs/RELIABILITY.md): a private nats-server on a free loopback port (never 4222),
# bin/ipc-router and bin/ipc-gateway, driven by io.beamline.ipc.bench.soak.Soak at a fixed rate.
# Builds nothing: run `make build` first. It runs a private copy of the built launchers, jars and
# libraries, so a rebuild in the tree during a long run cannot change classes under the running JVMs.
# Output: bench/target/soak-<UTC timestamp>/ with samples.csv, chart.png, verdict.txt and the logs.
# Exit code: the soak's (0 pass, 1 fail), or 1 when the gateway printed a Netty LEAK report.
#
# usage: bench/run-soak.sh [minutes] [rate] [extra Soak options, e.g. --connections 8]
#   minutes  load time, default 30; rate  requests per second, default 300
# env: LEAK_LEVEL  Netty leak detection level of the gateway (default: SIMPLE for runs of 5 minutes or
#                  more, PARANOID below; PARANOID records every buffer and costs a lot over a long run)
#      NATS_SERVER path of nats-server (default /usr/sbin/nats-server)
set -euo pipefail
minutes="${1:-30}"
rate="${2:-300}"
shift $(( $# < 2 ? $# : 2 ))
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
java_home="$("$root/scripts/find-jdk")"
nats_server="${NATS_SERVER:-/usr/sbin/nats-server}"
if [ "$minutes" -ge 5 ]; then level="${LEAK_LEVEL:-SIMPLE}"; else level="${LEAK_LEVEL:-PARANOID}"; fi
for m in gateway router; do
  if ! ls "$root/$m/target/$m"-*.jar >/dev/null 2>&1 || [ ! -d "$root/$m/target/lib" ]; then
    echo "run-soak: $m is not built; run 'make build' first" >&2; exit 1
  fi
done
if [ ! -d "$root/bench/target/classes/io/beamline/ipc/bench/soak" ] || [ ! -d "$root/bench/target/lib" ]; then
  echo "run-soak: bench is not built; run 'make build' first" >&2; exit 1
fi

out="$root/bench/target/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
work="$(mktemp -d)"
nats_pid=""; router_pid=""; gateway_pid=""
stop() { # stop PID by SIGTERM, then SIGKILL after 15 s
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$gateway_pid"; stop "$router_pid"; stop "$nats_pid"
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The private copy: the launchers find their jars relative to their own location.
app="$work/app"
mkdir -p "$app/bench/target"
cp -r "$root/bin" "$root/scripts" "$app/"
for m in gateway router; do
  mkdir -p "$app/$m/target"
  cp "$(ls "$root/$m/target/$m"-*.jar | grep -v -- '-sources\|-tests' | head -n 1)" "$app/$m/target/"
  cp -r "$root/$m/target/lib" "$app/$m/target/"
done
cp -r "$root/bench/target/classes" "$root/bench/target/lib" "$app/bench/target/"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
if [ "$port" = 4222 ]; then echo "run-soak: got port 4222, refusing" >&2; exit 1; fi
url="nats://127.0.0.1:$port"
"$nats_server" -a 127.0.0.1 -p "$port" >"$out/nats.log" 2>&1 &
nats_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

await_line() { # await_line FILE TEXT PID NAME
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "run-soak: $4 exited" >&2; cat "${1%.out}.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "run-soak: $4 not ready in 30 s" >&2; exit 1
}

env -u JAVA_OPTS "$app/bin/ipc-router" --nats "$url" >"$out/router.out" 2>"$out/router.err" &
router_pid=$!
await_line "$out/router.out" "serving beamline.router.v1.decide" "$router_pid" router

JAVA_OPTS="-Dio.netty.leakDetection.level=$level" "$app/bin/ipc-gateway" --nats "$url" --admin-port 0 \
  --socket "$work/gw.sock" >"$out/gateway.out" 2>"$out/gateway.err" &
gateway_pid=$!
await_line "$out/gateway.out" "admin: http://127.0.0.1:" "$gateway_pid" gateway
admin="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out/gateway.out" | head -n 1)"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), host $(hostname), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $("$java_home/bin/java" -version 2>&1 | head -n 1); $("$nats_server" --version)"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo "gateway: pid $gateway_pid, Netty leak detection $level, admin $admin"
  echo "command: bench/run-soak.sh $minutes $rate $*"
} | tee "$out/run.txt"

set +e
"$java_home/bin/java" -Xmx256m -cp "$app/bench/target/classes:$app/bench/target/lib/*" \
  io.beamline.ipc.bench.soak.Soak --socket "$work/gw.sock" --admin-url "$admin" --pid "$gateway_pid" \
  --rate "$rate" --duration "${minutes}m" --out "$out" --gateway-log "$out/gateway.err" "$@"
code=$?
set -e

# Stop the gateway first: a leak report can still come at shutdown, and its exit code must be 0.
stop "$gateway_pid"
gw_code=0
wait "$gateway_pid" || gw_code=$?
gateway_pid=""
echo "gateway exit code: $gw_code" | tee -a "$out/verdict.txt"
if grep -q LEAK "$out/gateway.err"; then
  echo "run-soak: FAIL: Netty LEAK report in $out/gateway.err" | tee -a "$out/verdict.txt" >&2
  code=1
fi
if [ "$gw_code" -ne 0 ]; then code=1; fi
echo "run-soak: exit $code, results in $out (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
exit "$code"
