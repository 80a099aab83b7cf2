#!/usr/bin/env bash
# Benchmarks of the gateway against a private deployment, each path side by side in one run
# (docs/PERFORMANCE.md). Builds nothing: run `make build` first. Starts a private nats-server on a free loopback
# port (never 4222), bin/ipc-router and bin/ipc-gateway on a private socket, runs one benchmark, then stops all
# three by PID.
# usage: bench/run-gateway-bench.sh [--mode path|multiplex|stream] [--jfr-alloc FILE] [OPTIONS of that mode's class]
#   path (default)  GatewayPathBenchmark: the gateway path against direct jnats to the same Router
#                   [--depths 1,64,256] [--prewarm-s 10] [--warmup-s 5] [--duration-s 15] [--slices 3]
#                   [--gateway-connections 8] [--direct-connections 1] [--protocol auto|1|2]
#   multiplex       MultiplexingBenchmark: v2 multiplexing (1 connection) against v1 pipelining (8 connections)
#                   [--depths 256,64] [--v2-connections 1] [--v1-connections 8] [--prewarm-s 10] [--warmup-s 5] ...
#   stream          StreamThroughputBenchmark: streamed chunks/s through the gateway against a direct NATS
#                   subscription to the same Router stream; the Router gets the stream policy it writes
#                   [--chunks 100000] [--chunk-bytes 64] [--interval-ms 0] [--warmup-streams 3] [--streams 10] ...
# --help (after --mode) prints that class's options and starts nothing.
# --json FILE (every mode) also writes the results as JSON for scripts: {"machine":{nproc, cpu_model, kernel, jdk,
#   nats_server, load_average_before/after, date_utc, git_commit, git_dirty, command, gateway_settings},
#   "runs":[{depth, path, connections, requests_per_s, p50_ms, p99_ms, p999_ms, errors, cpu_us_per_request:
#   {client, gateway, router, nats}, gateway_alloc_bytes_per_request (paths through the gateway)}]}; the stream
#   mode's runs are one per path: {path, streams, chunks, chunks_per_s, mb_per_s, first_chunk_ms_median,
#   cpu_us_per_chunk: {…}}. Field names are fixed (bench/src/test/java/io/beamline/ipc/bench/load/ReportJsonTest.java).
# path and multiplex print "allocation per request (gateway)" per depth: the gateway's heap allocation
#   (ThreadMXBean total allocated bytes, read over JMX around each window) / requests in those windows.
# --jfr-alloc FILE: the gateway also runs a JFR recording (allocation samples), dumped to FILE after the run, and
#   its top allocation sites and classes are printed (from the gateway's ready line on: pre-warm, warm-ups and
#   the direct windows too). JFR's own allocation then counts in the allocation per request.
# GATEWAY_JAVA_OPTS / ROUTER_JAVA_OPTS (e.g. -Xlog:gc:file=/tmp/gw-gc.log) go to that JVM only; BEAMLINE_* settings
# (docs/CONFIGURATION.md) reach the gateway, and the run prints them.
set -euo pipefail
name=run-gateway-bench
. "$(dirname "$(readlink -f "$0")")/lib/deployment.sh"
trap deployment_cleanup EXIT
trap 'exit 130' INT TERM

command_line="$0$(printf ' %q' "$@")"
mode=path
args=()
help=
jfr_file=
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) [ $# -ge 2 ] || fail "--mode needs a value"; mode="$2"; shift 2 ;;
    --mode=*) mode="${1#--mode=}"; shift ;;
    --jfr-alloc) [ $# -ge 2 ] || fail "--jfr-alloc needs a file"; jfr_file="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) help=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$mode" in
  path) main=io.beamline.ipc.bench.gateway.GatewayPathBenchmark ;;
  multiplex) main=io.beamline.ipc.bench.gateway.MultiplexingBenchmark ;;
  stream) main=io.beamline.ipc.bench.gateway.StreamThroughputBenchmark ;;
  *) fail "unknown --mode '$mode'; use path, multiplex or stream" ;;
esac
require_built "$root/bench/target/classes/${main//.//}.class" "$root/bench/target/lib"
bench_java() {
  "$java_home/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" "$main" "$@"
}
if [ -n "$help" ]; then
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  echo
  bench_java --help
  exit 0
fi

router_args=()
if [ "$mode" = stream ]; then
  # The stream's shape is the benchmark's options: it writes the policy the Router then loads.
  bench_java --write-policy "$work/policies" "${args[@]}" >/dev/null
  router_args=(--policies "$work/policies")
fi
socket="$work/gw.sock"
start_nats "$work/nats.log"
JAVA_OPTS="${ROUTER_JAVA_OPTS:-${JAVA_OPTS:-}}" start_router "$work/router" "${router_args[@]}"
JAVA_OPTS="${GATEWAY_JAVA_OPTS:-${JAVA_OPTS:-}}" start_gateway "$work/gateway" "$socket"
if [ -n "$jfr_file" ]; then
  # Started once the gateway is ready, not with -XX:StartFlightRecording: the JVM's start-up (class loading) would
  # top the sites. The default settings (low overhead) with allocation samples at up to 1000/s instead of 150/s:
  # the sites are sums of sample weights, steadier with more samples.
  "$java_home/bin/jcmd" "$gateway_pid" JFR.start name=alloc settings=default 'jdk.ObjectAllocationSample#throttle=1000/s' \
    >/dev/null
fi

describe_machine
echo "# load average: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "# router: $(head -n 1 "$work/router.out")"
echo "# gateway: $(head -n 1 "$work/gateway.out")"
if env | grep -q '^BEAMLINE_'; then echo "# gateway settings from the environment: $(env | grep '^BEAMLINE_' | sort | tr '\n' ' ')"; fi
status=0
case "$mode" in
  path) target=(--socket "$socket" --nats "$nats_url" --alloc-pids "gateway=$gateway_pid") ;;
  multiplex) target=(--socket "$socket" --alloc-pids "gateway=$gateway_pid") ;;
  *) target=(--socket "$socket" --nats "$nats_url") ;;
esac
# What only this script knows, for the JSON's machine facts (the class ignores them without --json).
facts=(--nats-server-version "$("$nats_server" --version)" --command-line "$command_line")
if commit="$(git -C "$root" rev-parse HEAD 2>/dev/null)"; then
  dirty=false
  [ -z "$(git -C "$root" status --porcelain 2>/dev/null)" ] || dirty=true
  facts+=(--git-commit "$commit" --git-dirty "$dirty")
fi
bench_java "${target[@]}" --pids "gateway=$gateway_pid,router=$router_pid,nats=$nats_pid" "${facts[@]}" "${args[@]}" \
  || status=$?
echo "# load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
if [ -n "$jfr_file" ]; then
  "$java_home/bin/jcmd" "$gateway_pid" JFR.dump name=alloc filename="$jfr_file" >/dev/null
  echo "# gateway JFR recording: $jfr_file; its top allocation sites and classes (sampled, by weight):"
  "$java_home/bin/jfr" view --width 160 allocation-by-site "$jfr_file" | head -n 14
  "$java_home/bin/jfr" view --width 160 allocation-by-class "$jfr_file" | head -n 14
fi
if grep -qiE " (WARN|ERROR) " "$work/gateway.err" "$work/gateway.out" 2>/dev/null; then
  echo "# gateway log warnings/errors (first 10):"
  grep -hiE " (WARN|ERROR) " "$work/gateway.err" "$work/gateway.out" | head -n 10
fi
if grep -qiE " (WARN|ERROR) " "$work/router.err" 2>/dev/null; then
  echo "# router log warnings/errors (first 10):"
  grep -hiE " (WARN|ERROR) " "$work/router.err" | head -n 10
fi
exit "$status"
