# Sourced by the bench/run-*.sh scripts: a private deployment on loopback for one measurement.
# A nats-server on a free port (never the shared 4222), the launchers started in the background, each
# awaited by its ready line, and everything stopped by PID when the script exits.
#
# Before sourcing, set: name (for messages). After: root, java_home, nats_server, work, and the functions
# below. Call `deployment_cleanup` from the script's EXIT trap (it stops what `track` registered).
# launch_root (default: root) is where bin/ is taken from: a long run may use a private copy.

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
java_home="$("$root/scripts/find-jdk")"
nats_server="${NATS_SERVER:-/usr/sbin/nats-server}"
work="$(mktemp -d)"
tracked_pids=()

fail() {
  echo "$name: $*" >&2
  exit 1
}

# require_built DIR...: each path must exist, else ask for `make build`.
require_built() {
  local p
  for p in "$@"; do
    [ -e "$p" ] || fail "$(basename "$p") is not built; run 'make build' first"
  done
}

free_port() {
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  [ "$port" != 4222 ] || fail "got port 4222 (the shared NATS), refusing"
  echo "$port"
}

track() {
  tracked_pids+=("$1")
}

# running PID: alive and not a zombie waiting to be reaped (kill -0 succeeds on those).
running() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}

# stop_pid PID: SIGTERM, then SIGKILL if it is still running after 15 s.
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do running "$pid" || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# Stops tracked processes, last started first, and removes the work directory.
deployment_cleanup() {
  local i
  for (( i=${#tracked_pids[@]}-1; i>=0; i-- )); do stop_pid "${tracked_pids[$i]}"; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# start_nats LOG: sets nats_port, nats_url, nats_pid.
start_nats() {
  nats_port="$(free_port)"
  nats_url="nats://127.0.0.1:$nats_port"
  "$nats_server" -a 127.0.0.1 -p "$nats_port" >"$1" 2>&1 &
  nats_pid=$!
  track "$nats_pid"
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "nats-server did not listen on $nats_port within 10 s; see $1"
}

# await_line OUT_FILE TEXT PID WHAT: until OUT_FILE holds TEXT; fails if the process exits or 30 s pass.
await_line() {
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "${1%.out}.err" >&2 2>/dev/null; fail "$4 exited"; }
    sleep 0.1
  done
  fail "$4 not ready in 30 s"
}

# start_router OUT_PREFIX [ARGS...]: bin/ipc-router on nats_url; sets router_pid.
start_router() {
  local out="$1"; shift
  "${launch_root:-$root}/bin/ipc-router" --nats "$nats_url" "$@" >"$out.out" 2>"$out.err" &
  router_pid=$!
  track "$router_pid"
  await_line "$out.out" "serving beamline.router.v1.decide" "$router_pid" router
}

# start_gateway OUT_PREFIX SOCKET [ARGS...]: bin/ipc-gateway on nats_url; sets gateway_pid.
start_gateway() {
  local out="$1" socket="$2"; shift 2
  "${launch_root:-$root}/bin/ipc-gateway" --nats "$nats_url" --socket "$socket" --admin-port 0 "$@" >"$out.out" 2>"$out.err" &
  gateway_pid=$!
  track "$gateway_pid"
  await_line "$out.out" "admin: http://127.0.0.1:" "$gateway_pid" gateway
}

# One line on what the numbers were measured with.
describe_machine() {
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $("$nats_server" --version), $("$java_home/bin/java" -version 2>&1 | head -n 1)"
}
