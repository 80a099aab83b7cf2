"""Real processes for the tests: a private nats-server, the reference Router (with fault injection and the
policies of clients/testdata/policies) and the gateway, from the repository's built launchers (make build)."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NATS_SERVER = os.environ.get("NATS_SERVER", "/usr/sbin/nats-server")
START_TIMEOUT_S = 60.0  # two busy cores shared with other builds


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(name, args, ready, log_dir, env=None):
    """Starts a process and returns it once a line of its output matches ``ready``."""
    log = open(os.path.join(log_dir, name + ".log"), "ab")
    proc = subprocess.Popen(args, cwd=REPO, env=dict(os.environ, **(env or {})),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    seen = threading.Event()

    def pump():
        for line in proc.stdout:
            log.write(line)
            log.flush()
            if not seen.is_set() and re.search(ready, line.decode("utf-8", "replace")):
                seen.set()
        log.close()
        proc.stdout.close()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not seen.wait(0.05):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc, signal.SIGKILL)
            raise RuntimeError("%s did not start; see %s/%s.log" % (name, log_dir, name))
    return proc


def _stop(proc, sig=signal.SIGTERM):
    """Stops one process this harness started, by its PID, and waits for it."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Deployment:
    def __init__(self):
        for launcher in ("bin/ipc-gateway", "bin/ipc-router", "gateway/target/lib"):
            if not os.path.exists(os.path.join(REPO, launcher)):
                raise RuntimeError("%s is not built: run make build first" % launcher)
        self.dir = tempfile.mkdtemp(prefix="beamline-py-client-")
        self.socket_path = os.path.join(self.dir, "gw.sock")
        port = _free_port()
        self.nats_url = "nats://127.0.0.1:%d" % port
        self.gateway = self.router = self.nats = None
        try:
            self.nats = _start("nats", [NATS_SERVER, "-a", "127.0.0.1", "-p", str(port)], r"Server is ready", self.dir)
            self.router = _start("router", [os.path.join(REPO, "bin/ipc-router"), "--nats", self.nats_url, "--policies",
                                            os.path.join(REPO, "clients/testdata/policies"), "--enable-faults"],
                                 r"serving", self.dir)
            self.start_gateway()
        except BaseException:
            self.stop()
            raise

    def start_gateway(self):
        self.gateway = _start("gateway", [os.path.join(REPO, "bin/ipc-gateway"), "--socket", self.socket_path,
                                          "--nats", self.nats_url, "--admin-port", "0"], r"listening on", self.dir, {
            # The tests provoke timeouts on purpose: a breaker opening on them would answer circuit_open.
            "BEAMLINE_BREAKER_WINDOW_SIZE": "1000", "BEAMLINE_BREAKER_MINIMUM_CALLS": "1000",
            "BEAMLINE_BACKPRESSURE_POLL_INTERVAL_MS": "0",
        })

    def kill_gateway(self):
        """The gateway goes away at once (SIGKILL), as a crash would."""
        _stop(self.gateway, signal.SIGKILL)

    def stop(self):
        _stop(self.gateway)
        _stop(self.router)
        _stop(self.nats)
        shutil.rmtree(self.dir, ignore_errors=True)
