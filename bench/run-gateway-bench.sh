#!/usr/bin/env bash
# The gateway path against direct jnats to the same Router, in one run (docs/PERFORMANCE.md, "Gateway path
# vs direct jnats to the same Router"). Builds nothing: run `make build` first. Starts a private nats-server
# on a free loopback port (never 4222), bin/ipc-router and bin/ipc-gateway on a private socket, runs
# GatewayPathBenchmark, then stops all three by PID.
# usage: bench/run-gateway-bench.sh [--depths 1,64,256] [--prewarm-s 10] [--warmup-s 5] [--duration-s 15] [--slices 3]
#                                   [--gateway-connections 8] [--direct-connections 1] [--protocol auto|1|2]
# GATEWAY_JAVA_OPTS / ROUTER_JAVA_OPTS (e.g. -Xlog:gc:file=/tmp/gw-gc.log) go to that JVM only.
set -euo pipefail
name=run-gateway-bench
. "$(dirname "$(readlink -f "$0")")/lib/deployment.sh"
trap deployment_cleanup EXIT
trap 'exit 130' INT TERM
require_built "$root/bench/target/classes/io/beamline/ipc/bench/gateway" "$root/bench/target/lib"
socket="$work/gw.sock"

start_nats "$work/nats.log"
JAVA_OPTS="${ROUTER_JAVA_OPTS:-${JAVA_OPTS:-}}" start_router "$work/router"
JAVA_OPTS="${GATEWAY_JAVA_OPTS:-${JAVA_OPTS:-}}" start_gateway "$work/gateway" "$socket"

describe_machine
echo "# router: $(head -n 1 "$work/router.out")"
echo "# gateway: $(head -n 1 "$work/gateway.out")"
status=0
"$java_home/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
  io.beamline.ipc.bench.gateway.GatewayPathBenchmark --socket "$socket" --nats "$nats_url" \
  --pids "gateway=$gateway_pid,router=$router_pid,nats=$nats_pid" "$@" || status=$?
if grep -qiE " (WARN|ERROR) " "$work/gateway.err" "$work/gateway.out" 2>/dev/null; then
  echo "# gateway log warnings/errors (first 10):"
  grep -hiE " (WARN|ERROR) " "$work/gateway.err" "$work/gateway.out" | head -n 10
fi
exit "$status"
