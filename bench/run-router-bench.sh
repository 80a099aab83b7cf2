#!/usr/bin/env bash
# The Router alone, driven over NATS by direct jnats clients (docs/PERFORMANCE.md, "Reference Router
# alone"). Builds nothing: run `make build` first. Starts a private nats-server on a free loopback port
# (never 4222) and bin/ipc-router, runs RouterThroughput at depths 1, 64 and 256, then stops both by PID.
# usage: bench/run-router-bench.sh [--depths 1,64,256] [--duration-s 20] [--warmup-s 5]
set -euo pipefail
name=run-router-bench
. "$(dirname "$(readlink -f "$0")")/lib/deployment.sh"
trap deployment_cleanup EXIT
trap 'exit 130' INT TERM
require_built "$root/bench/target/classes/io/beamline/ipc/bench/router" "$root/bench/target/lib"

start_nats "$work/nats.log"
start_router "$work/router"

describe_machine
echo "# router: $(head -n 1 "$work/router.out")"
"$java_home/bin/java" -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
  io.beamline.ipc.bench.router.RouterThroughput --nats "$nats_url" "$@"
