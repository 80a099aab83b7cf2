#!/usr/bin/env bash
# Soak of the gateway (docs/RELIABILITY.md): a private nats-server on a free loopback port (never 4222),
# bin/ipc-router and bin/ipc-gateway, driven by io.beamline.ipc.bench.soak.Soak at a fixed rate.
# Builds nothing: run `make build` first. It runs a private copy of the built launchers, jars and
# libraries, so a rebuild in the tree during a long run cannot change classes under the running JVMs.
# Output: bench/target/soak-<UTC timestamp>/ with samples.csv, chart.png, verdict.txt and the logs (and memory.csv).
# Exit code: the soak's (0 pass, 1 fail), or 1 when the gateway printed a Netty LEAK report.
#
# usage: bench/run-soak.sh [minutes] [rate] [extra Soak options, e.g. --connections 8]
#   minutes  load time, default 30; rate  requests per second, default 300
# env: LEAK_LEVEL  Netty leak detection level of the gateway (default: SIMPLE for runs of 5 minutes or
#                  more, PARANOID below; PARANOID records every buffer and costs a lot over a long run)
#      NATS_SERVER path of nats-server (default /usr/sbin/nats-server)
#      GATEWAY_JAVA_OPTS extra JVM flags for the gateway, after the launcher's; with
#                  -XX:NativeMemoryTracking=summary memory.csv (bench/soak-memory.sh: RSS by kind and mapping every
#                  minute; `bench/soak-memory.sh --summary FILE` reads it) also holds the JVM's memory per category
set -euo pipefail
# Braces: bash reads a script while it runs it, so an edit or a checkout of this file during a two-hour run would
# change the running soak (seen: a syntax error at the end of a 40-minute run). The whole block is read first.
{
minutes="${1:-30}"
rate="${2:-300}"
shift $(( $# < 2 ? $# : 2 ))
name=run-soak
. "$(dirname "$(readlink -f "$0")")/lib/deployment.sh"
trap deployment_cleanup EXIT
trap 'exit 130' INT TERM
if [ "$minutes" -ge 5 ]; then level="${LEAK_LEVEL:-SIMPLE}"; else level="${LEAK_LEVEL:-PARANOID}"; fi
for m in gateway router; do
  ls "$root/$m/target/$m"-*.jar >/dev/null 2>&1 || fail "$m is not built; run 'make build' first"
  require_built "$root/$m/target/lib"
done
require_built "$root/bench/target/classes/io/beamline/ipc/bench/soak" "$root/bench/target/lib"

out="$root/bench/target/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# The private copy: the launchers find their jars relative to their own location.
launch_root="$work/app"
app="$launch_root"
mkdir -p "$app/bench/target"
cp -r "$root/bin" "$root/scripts" "$app/"
for m in gateway router client; do
  mkdir -p "$app/$m/target"
  cp "$(ls "$root/$m/target/$m"-*.jar | grep -v -- '-sources\|-tests' | head -n 1)" "$app/$m/target/"
  cp -r "$root/$m/target/lib" "$app/$m/target/"
done
# The class-data caches the shipped launchers use, made for the copy: a JDK's AOT cache names the class path it
# was trained with, so the tree's own caches do not fit these paths (a short training run, as `make build` does).
"$app/scripts/build-jvm-cache" >"$out/jvm-cache.log" 2>&1 || true
cp -r "$root/bench/target/classes" "$root/bench/target/lib" "$app/bench/target/"

start_nats "$out/nats.log"
JAVA_OPTS="" start_router "$out/router"
JAVA_OPTS="-Dio.netty.leakDetection.level=$level ${GATEWAY_JAVA_OPTS:-}" start_gateway "$out/gateway" "$work/gw.sock"
admin="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out/gateway.out" | head -n 1)"
# Where the memory goes, every minute (bench/soak-memory.sh -> memory.csv): RSS by kind and by mapping, and with
# Native Memory Tracking on, the JVM's own account per category.
JAVA_HOME="$java_home" "$root/bench/soak-memory.sh" "$gateway_pid" "$out/memory.csv" 60 >"$out/memory.log" 2>&1 &
track $!

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), host $(hostname), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $("$java_home/bin/java" -version 2>&1 | head -n 1); $("$nats_server" --version)"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo "gateway: pid $gateway_pid, Netty leak detection $level, admin $admin${GATEWAY_JAVA_OPTS:+, extra flags $GATEWAY_JAVA_OPTS}"
  cache="$(cd "$app/gateway/target" && ls jvm-cache/gateway.aot jvm-cache/gateway.jsa 2>/dev/null | head -n 1 || true)"
  echo "gateway class-data cache: ${cache:-none (see jvm-cache.log)}"
  echo "command: bench/run-soak.sh $minutes $rate $*"
} | tee "$out/run.txt"

set +e
"$java_home/bin/java" -Xmx256m -cp "$app/bench/target/classes:$app/bench/target/lib/*" \
  io.beamline.ipc.bench.soak.Soak --socket "$work/gw.sock" --admin-url "$admin" --pid "$gateway_pid" \
  --rate "$rate" --duration "${minutes}m" --out "$out" --gateway-log "$out/gateway.err" "$@"
code=$?
set -e

# Stop the gateway first: a leak report can still come at shutdown, and its exit code must be 0.
stop_pid "$gateway_pid"
gw_code=0
wait "$gateway_pid" || gw_code=$?
echo "gateway exit code: $gw_code" | tee -a "$out/verdict.txt"
if grep -q LEAK "$out/gateway.err"; then
  echo "run-soak: FAIL: Netty LEAK report in $out/gateway.err" | tee -a "$out/verdict.txt" >&2
  code=1
fi
if [ "$gw_code" -ne 0 ]; then code=1; fi
if [ -s "$out/memory.csv" ]; then
  # Where RSS went between the third minute and the end: RSS, NMT categories that moved, mappings that moved 512 kB.
  { echo "memory from the third minute on (bench/soak-memory.sh --summary $out/memory.csv 120):"
    "$root/bench/soak-memory.sh" --summary "$out/memory.csv" 120 \
      | awk '$1 != "smaps" && $NF != "+0" || $1 == "smaps" && ($NF >= 512 || $NF <= -512)'
  } | tee -a "$out/verdict.txt"
fi
echo "run-soak: exit $code, results in $out (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
exit "$code"
}
