# What a systemd .socket unit does for its .service, for SocketActivationIT: holds the listening socket for the
# whole run, starts the service when a connection is waiting and none runs, passes the socket as fd 3 with
# LISTEN_PID (the child's own pid), LISTEN_FDS=1 and LISTEN_FDNAMES, and starts it again after it exits.
# (systemd-socket-activate execs itself into the service once and keeps nothing.)
# usage: socket-unit.py SOCKET_PATH COMMAND [ARGS...]; prints "listening", then "started PID", "exited PID CODE".
import os
import select
import socket
import sys

path, command = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o600)
s.listen(128)
print("listening", flush=True)
while True:
    select.select([s], [], [])  # a connection waits in the backlog
    pid = os.fork()
    if pid == 0:
        if s.fileno() != 3:
            os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        env = dict(os.environ, LISTEN_PID=str(os.getpid()), LISTEN_FDS="1", LISTEN_FDNAMES="gateway.socket")
        os.execve(command[0], command, env)
    print("started", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("exited", pid, os.waitstatus_to_exitcode(status), flush=True)
