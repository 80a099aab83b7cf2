#!/usr/bin/env python3
"""A hostile local process against the IPC gateway's socket (docs/SECURITY.md, issue 11).

One workload per process, so that each is one peer (one pid) to the gateway:
  lockout    open --connections connections and send one byte on each, then hold them
  slowloris  --connections connections each sending a frame one byte per --interval seconds
  bigframes  4 MiB frames (a 4 MiB JSON string in a TASK_SUBMIT) in a loop, reading each answer
  storm      connect and close as fast as it can (--rate per second at most)
  random     frames with random types and random payloads, and raw random bytes, in a loop

Runs until --duration seconds have passed (0: until killed) and prints one JSON line of counters every second
on stdout, e.g. {"workload": "lockout", "t": 3.0, "connected": 64, "refused": {"connection_limit_pid": 1036},
"closed_by_gateway": 0, ...}. Standard library only.
"""
import argparse
import json
import os
import random
import selectors
import socket
import struct
import sys
import threading
import time

MAX_FRAME = 4 * 1024 * 1024


def frame_v1(msg_type, payload=b""):
    return struct.pack(">IBB", 6 + len(payload), 1, msg_type) + payload


def read_frames(buf):
    """Splits complete v1/v2 frames off buf; returns (frames, rest). A frame is (version, type, payload)."""
    frames = []
    while len(buf) >= 6:
        length, version, msg_type = struct.unpack(">IBB", buf[:6])
        header = 10 if version == 2 else 6
        if length < header or len(buf) < length:
            break
        frames.append((version, msg_type, bytes(buf[header:length])))
        buf = buf[length:]
    return frames, buf


def reason_of(payload):
    try:
        doc = json.loads(payload.decode("utf-8"))
        return doc.get("error", {}).get("reason") or doc.get("reason") or "unknown"
    except (ValueError, UnicodeDecodeError, AttributeError):
        return "unparsable"


class Counters:
    def __init__(self, workload):
        self.lock = threading.Lock()
        self.values = {"workload": workload}

    def add(self, key, n=1):
        with self.lock:
            self.values[key] = self.values.get(key, 0) + n

    def add_reason(self, key, reason):
        with self.lock:
            d = self.values.setdefault(key, {})
            d[reason] = d.get(reason, 0) + 1

    def snapshot(self, t):
        with self.lock:
            return json.dumps(dict(self.values, t=round(t, 1)), sort_keys=True)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def hold_connections(args, c, first_bytes, trickle):
    """lockout and slowloris: many connections in one selector; answers and closes counted per connection."""
    sel = selectors.DefaultSelector()
    pending = {}
    for _ in range(args.connections):
        try:
            s = connect(args.socket)
        except OSError as e:
            c.add_reason("connect_failed", type(e).__name__)
            continue
        c.add("connected")
        s.setblocking(False)
        try:
            s.send(first_bytes)
        except OSError:
            pass
        pending[s] = bytearray()
        sel.register(s, selectors.EVENT_READ)
    last_trickle = time.monotonic()
    while not stopped(args):
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if data:
                frames, pending[s] = read_frames(pending[s] + data)
                for _, msg_type, payload in frames:
                    c.add_reason("answers", reason_of(payload) if msg_type == 0x11 else "type_%x" % msg_type)
                continue
            sel.unregister(s)
            s.close()
            del pending[s]
            c.add("closed_by_gateway")
        if trickle and time.monotonic() - last_trickle >= args.interval:
            last_trickle = time.monotonic()
            for s in list(pending):
                try:
                    s.send(b"x")
                    c.add("trickled_bytes")
                except OSError:
                    pass
    c.add("held_at_end", len(pending))


def lockout(args, c):
    hold_connections(args, c, b"\x00", trickle=False)


def slowloris(args, c):
    # A header announcing a 1 MiB v1 TASK_SUBMIT; the body then comes one byte at a time.
    hold_connections(args, c, struct.pack(">IBB", 1024 * 1024, 1, 0x01), trickle=True)


def request(s, data, pending):
    s.sendall(data)
    while True:
        frames, pending = read_frames(pending)
        if frames:
            return frames[0], pending
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        pending += chunk


def drain(s):
    """The frames a closed connection still holds for us."""
    data = bytearray()
    try:
        s.settimeout(2)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return read_frames(data)[0]


def bigframes(args, c):
    body = b'{"task_type":"t","payload":{"blob":"' + b"a" * (MAX_FRAME - 6 - 48) + b'"}}'
    frame = frame_v1(0x01, body)
    assert len(frame) <= MAX_FRAME, len(frame)
    while not stopped(args):
        try:
            s = connect(args.socket)
            pending = bytearray()
            for _ in range(8):
                (_, msg_type, payload), pending = request(s, frame, pending)
                c.add_reason("answers", reason_of(payload) if msg_type == 0x11 else "type_%x" % msg_type)
                c.add("bytes_sent", len(frame))
                if stopped(args):
                    break
            s.close()
        except (BrokenPipeError, ConnectionResetError):
            # The gateway refused the frame at its header and closed: its answer is still there to read.
            for _, msg_type, payload in drain(s):
                c.add_reason("answers", reason_of(payload) if msg_type == 0x11 else "type_%x" % msg_type)
            s.close()
        except OSError as e:
            c.add_reason("errors", type(e).__name__)
            time.sleep(0.05)


def storm(args, c):
    spacing = 1.0 / args.rate if args.rate > 0 else 0.0
    next_at = time.monotonic()
    while not stopped(args):
        try:
            s = connect(args.socket)
            c.add("connects")
            s.close()
        except OSError as e:
            c.add_reason("errors", type(e).__name__)
        next_at += spacing
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_at = time.monotonic()


def random_frames(args, c):
    rnd = random.Random(args.seed)
    while not stopped(args):
        try:
            s = connect(args.socket)
            s.settimeout(5)
            pending = bytearray()
            for _ in range(50):
                kind = rnd.random()
                if kind < 0.8:
                    payload = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 512)))
                    data = frame_v1(rnd.choice([0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x33, 0xF0, 0xF2]), payload)
                    (_, msg_type, answer), pending = request(s, data, pending)
                    c.add_reason("answers", reason_of(answer) if msg_type == 0x11 else "type_%x" % msg_type)
                else:
                    # Raw random bytes: a bad header closes the connection, so this one ends here.
                    s.sendall(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 64))))
                    c.add("raw_sent")
                    break
            s.close()
        except (OSError, ConnectionError) as e:
            c.add_reason("errors", type(e).__name__)


WORKLOADS = {"lockout": lockout, "slowloris": slowloris, "bigframes": bigframes, "storm": storm,
             "random": random_frames}
_deadline = [None]


def stopped(args):
    return _deadline[0] is not None and time.monotonic() >= _deadline[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--socket", required=True)
    p.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    p.add_argument("--duration", type=float, default=0, help="seconds; 0 = until killed")
    p.add_argument("--connections", type=int, default=1100, help="lockout, slowloris")
    p.add_argument("--interval", type=float, default=1.0, help="slowloris: seconds between bytes")
    p.add_argument("--rate", type=float, default=2000, help="storm: connects per second at most")
    p.add_argument("--seed", type=int, default=1, help="random")
    args = p.parse_args()
    start = time.monotonic()
    if args.duration > 0:
        _deadline[0] = start + args.duration
    c = Counters(args.workload)
    c.add("pid", os.getpid())
    worker = threading.Thread(target=WORKLOADS[args.workload], args=(args, c), daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(timeout=1.0)
        print(c.snapshot(time.monotonic() - start), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
