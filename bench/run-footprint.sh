#!/usr/bin/env bash
# Footprint of the gateway as shipped (issue 10; docs/PERFORMANCE.md "Footprint"): bin/ipc-gateway with the
# launcher's JVM defaults and its class-data cache, against a private deployment (a nats-server on a free loopback
# port, never 4222, and bin/ipc-router). Builds nothing: run `make build` first (it also builds the caches).
#   1. ready time: --runs launches of bin/ipc-gateway, exec to its "listening" line on stdout; the median;
#   2. idle: a gateway idle for --idle-s seconds: RSS and threads;
#   3. burst: that gateway takes --connections connections x --per-connection pipelined v2 submits (all in flight
#      at once; admission.max_in_flight and ipc.max_connections(_per_pid, _per_uid) raised to fit), every answer counted by kind; its
#      RSS sampled every 200 ms during and for --after-s seconds after: peak, and RSS at the end.
# Then a table and a PASS/FAIL line per target. Load on the machine skews the ready time: the load average is
# printed with it.
# usage: bench/run-footprint.sh [--runs 5] [--idle-s 8] [--connections 1000] [--per-connection 10] [--after-s 60]
#                               [--json FILE] [--samples FILE.csv]
# GATEWAY_JAVA_OPTS go to the gateway (after the launcher's defaults: they win); BEAMLINE_* settings reach it.
set -euo pipefail
name=run-footprint
. "$(dirname "$(readlink -f "$0")")/lib/deployment.sh"
trap deployment_cleanup EXIT
trap 'exit 130' INT TERM

runs=5 idle_s=8 connections=1000 per_connection=10 after_s=60 json= samples=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --idle-s) idle_s="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --per-connection) per_connection="$2"; shift 2 ;;
    --after-s) after_s="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) fail "unknown option '$1' (--help lists them)" ;;
  esac
done

# Targets (issue 10).
target_idle_mb=80 target_ready_ms=500 target_peak_mb=200 target_after_mb=120

main=io.beamline.ipc.bench.footprint.FootprintBench
require_built "$root/bench/target/classes/${main//.//}.class" "$root/bench/target/lib" "$root/gateway/target/lib"
bench_java() {
  "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
    "$main" "$@"
}
# value KEY FILE: the value of a key=value line the Java side printed.
value() { sed -n "s/^$1=//p" "$2" | tail -n 1; }

export JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
export BEAMLINE_ADMISSION_MAX_IN_FLIGHT="${BEAMLINE_ADMISSION_MAX_IN_FLIGHT:-$((connections * per_connection * 2))}"
export BEAMLINE_IPC_MAX_CONNECTIONS="${BEAMLINE_IPC_MAX_CONNECTIONS:-$((connections + 64))}"
# One process opens every connection: the per-process and per-user caps (issue 11) are raised with the total.
export BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID="${BEAMLINE_IPC_MAX_CONNECTIONS_PER_PID:-$((connections + 64))}"
export BEAMLINE_IPC_MAX_CONNECTIONS_PER_UID="${BEAMLINE_IPC_MAX_CONNECTIONS_PER_UID:-$((connections + 64))}"
start_nats "$work/nats.log"
start_router "$work/router"

describe_machine
cache="$root/gateway/target/jvm-cache"
if ls "$cache"/gateway.* >/dev/null 2>&1; then
  echo "# gateway class-data cache: $(ls "$cache"/gateway.* | xargs -n 1 basename) ($(du -h "$cache"/gateway.* | cut -f1 | head -n 1))"
else
  echo "# gateway class-data cache: none (make build makes it)"
fi
echo "# gateway JAVA_OPTS (after the launcher's defaults): ${JAVA_OPTS:-none}"
echo "# gateway settings from the environment: $(env | grep '^BEAMLINE_' | sort | tr '\n' ' ')"
# The JVM flags the launcher chose, as the JVM saw them (from a short --version run).
echo "# launcher flags: $(JAVA_OPTS="$JAVA_OPTS -XX:+PrintCommandLineFlags" "$root/bin/ipc-gateway" --version 2>&1 | grep -o -- '-XX:.*' | head -n 1)"

# 1. Ready time.
load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
bench_java ready --runs "$runs" --stderr "$work/ready.err" -- \
  "$root/bin/ipc-gateway" --nats "$nats_url" --socket "$work/ready-{i}.sock" --admin-port 0 | tee "$work/ready.txt"
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"
ready_ms="$(value ready.median_ms "$work/ready.txt")"
echo "# load average around the launches: $load_before -> $load_after"

# 2. Idle.
socket="$work/gw.sock"
start_gateway "$work/gateway" "$socket"
sleep "$idle_s"
idle_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$gateway_pid/status")"
idle_anon_kb="$(awk '/^RssAnon:/ {print $2}' "/proc/$gateway_pid/status")"
idle_threads="$(awk '/^Threads:/ {print $2}' "/proc/$gateway_pid/status")"
idle_mb="$(awk -v k="$idle_kb" 'BEGIN {printf "%.1f", k / 1024}')"
idle_anon_mb="$(awk -v k="$idle_anon_kb" 'BEGIN {printf "%.1f", k / 1024}')"
echo "# idle after ${idle_s} s: RSS $idle_mb MB (anonymous $idle_anon_mb MB), $idle_threads threads"

# 3. Burst.
burst_args=(burst --socket "$socket" --pid "$gateway_pid" --connections "$connections"
  --per-connection "$per_connection" --after-s "$after_s" --settle-mb "$target_after_mb")
[ -z "$samples" ] || burst_args+=(--samples "$samples")
bench_java "${burst_args[@]}" | tee "$work/burst.txt"
expected="$(value burst.expected "$work/burst.txt")"
answered="$(value burst.answered "$work/burst.txt")"
ok="$(value burst.ok "$work/burst.txt")"
answers="$(value burst.answers "$work/burst.txt")"
peak_mb="$(value burst.peak_rss_mb "$work/burst.txt")"
after_mb="$(value burst.rss_after_mb "$work/burst.txt")"
settle_s="$(value burst.settle_s "$work/burst.txt")"
peak_threads="$(value burst.peak_threads "$work/burst.txt")"
if grep -qiE " (WARN|ERROR) " "$work/gateway.err" 2>/dev/null; then
  echo "# gateway log warnings/errors (first 5):"
  grep -hiE " (WARN|ERROR) " "$work/gateway.err" | head -n 5
fi

verdict() { if awk -v v="$1" -v t="$2" 'BEGIN {exit !(v != "" && v + 0 <= t + 0)}'; then echo PASS; else echo FAIL; fi; }
v_idle="$(verdict "$idle_mb" "$target_idle_mb")"
v_ready="$(verdict "$ready_ms" "$target_ready_ms")"
v_answered=FAIL; [ "$ok" = "$expected" ] && v_answered=PASS
v_peak="$(verdict "$peak_mb" "$target_peak_mb")"
v_after="$(verdict "$after_mb" "$target_after_mb")"

echo
echo "| figure | measured | target | verdict |"
echo "|---|---|---|---|"
echo "| idle RSS (after ${idle_s} s) | $idle_mb MB ($idle_threads threads) | <= $target_idle_mb MB | $v_idle |"
echo "| ready, exec to 'listening' (median of $runs) | $ready_ms ms | <= $target_ready_ms ms | $v_ready |"
echo "| $connections connections x $per_connection submits answered ok | $ok of $expected ($answers) | all | $v_answered |"
echo "| peak RSS during the burst | $peak_mb MB ($peak_threads threads) | <= $target_peak_mb MB | $v_peak |"
echo "| RSS ${after_s} s after the burst (first under $target_after_mb MB after ${settle_s} s) | $after_mb MB | <= $target_after_mb MB | $v_after |"
echo
echo "idle RSS: $v_idle"
echo "ready time: $v_ready"
echo "burst answered: $v_answered"
echo "burst peak RSS: $v_peak"
echo "RSS after the burst: $v_after"

if [ -n "$json" ]; then
  cat >"$json" <<EOF
{
  "date": "$(date -u '+%Y-%m-%dT%H:%M:%SZ')",
  "commit": "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)",
  "nproc": $(nproc),
  "java": "$("$java_home/bin/java" -version 2>&1 | head -n 1 | sed 's/"/\\"/g')",
  "gateway_java_opts": "${JAVA_OPTS:-}",
  "load_average": "$load_before -> $load_after",
  "idle": {"seconds": $idle_s, "rss_mb": $idle_mb, "rss_anon_mb": $idle_anon_mb, "threads": $idle_threads, "target_mb": $target_idle_mb, "verdict": "$v_idle"},
  "ready": {"runs": $runs, "median_ms": $ready_ms, "min_ms": $(value ready.min_ms "$work/ready.txt"), "max_ms": $(value ready.max_ms "$work/ready.txt"), "target_ms": $target_ready_ms, "verdict": "$v_ready"},
  "burst": {"connections": $connections, "per_connection": $per_connection, "expected": $expected, "answered": $answered, "ok": $ok,
            "answers": "$answers", "seconds": $(value burst.seconds "$work/burst.txt"), "verdict_answered": "$v_answered",
            "peak_rss_mb": $peak_mb, "peak_threads": $peak_threads, "target_peak_mb": $target_peak_mb, "verdict_peak": "$v_peak",
            "after_s": $after_s, "rss_after_mb": $after_mb, "settle_s": "$settle_s", "target_after_mb": $target_after_mb, "verdict_after": "$v_after"}
}
EOF
  echo "# written: $json"
fi
