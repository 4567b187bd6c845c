#!/usr/bin/env python3
"""Issue 15's churn and hostile-peer attacks on a bound socket of any libzmq.so.5.

Loads the library given with --lib (Debian's libzmq or ferrozmq's) through
ctypes, binds a ROUTER or PULL, keeps a well-behaved connection exchanging
messages, and attacks it from raw sockets in this process (connections that
close or reset at every stage of the handshake, impossible frames, ...).
Each row prints the server process's descriptors and resident memory before,
right after and a while after, and whether the good peer lost anything.

    python3 benches/churn.py --lib /usr/lib/x86_64-linux-gnu/libzmq.so.5
    python3 benches/churn.py --lib target/release/libzmq.so
    python3 benches/churn.py --lib target/release/libzmq.so --rows churn --cycles 100000

Rows (--rows, comma-separated; default all but soak):
  churn      --cycles connect/disconnect cycles (every ending) on ROUTER and PULL
  fdlimit    3,000 handshake-then-close/RST cycles with RLIMIT_NOFILE at 1,024,
             then a new client must still get through
  later      2,000 handshake-then-close/RST cycles, descriptors 1, 5, 15, 35 s later
  oneshot    1,000 one-shot pyzmq PUSH clients (a child process on Debian's
             libzmq) to a bound PULL
  reconnect  SUB (and DEALER) connecting twice to one endpoint
  hugeframe  a 2^62-byte frame declared and 256 MiB of it streamed, with and
             without MAXMSGSIZE; and a 1 GiB frame of which 64 MiB arrive
  idle       2,000 connections that never greet; 20 peers trickling 100 MB
             frames; random bytes after a valid handshake
"""

import argparse
import ctypes
import os
import random
import resource
import socket
import struct
import subprocess
import sys
import time

ZMQ_PUB, ZMQ_SUB, ZMQ_DEALER, ZMQ_ROUTER, ZMQ_PULL, ZMQ_PUSH = 1, 2, 5, 6, 7, 8
ZMQ_SUBSCRIBE, ZMQ_RCVMORE, ZMQ_LINGER, ZMQ_MAXMSGSIZE = 6, 13, 17, 22
ZMQ_RCVTIMEO, ZMQ_SNDTIMEO, ZMQ_LAST_ENDPOINT = 27, 28, 32


def fds():
    return len(os.listdir("/proc/self/fd"))


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


GREETING = b"\xff" + b"\0" * 7 + b"\x01\x7f\x03\x01" + b"NULL".ljust(20, b"\0") + b"\0" * 32


def ready(socket_type):
    body = b"\x05READY\x0bSocket-Type" + struct.pack(">I", len(socket_type)) + socket_type
    return bytes([4, len(body)]) + body


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def attack(addr, how, peer_type):
    """One raw connection ending in way `how`: 0 plain close, 1 RST, 2 greeting
    then close, 3 handshake then RST, 4 handshake + a message then close,
    5 handshake then close."""
    s = socket.create_connection(addr)
    try:
        if how == 1:
            reset(s)
        elif how == 2:
            s.sendall(GREETING)
            s.recv(64)
        elif how >= 3:
            s.sendall(GREETING + ready(peer_type))
            s.recv(64)
            if how == 4:
                s.sendall(b"\x00\x05hello")
            elif how == 3:
                reset(s)
    except OSError:
        pass
    s.close()


def handshaken(addr, peer_type):
    """A raw connection that has completed a NULL handshake as `peer_type`."""
    s = socket.create_connection(addr)
    s.sendall(GREETING + ready(peer_type))
    got = b""
    while len(got) < 64:
        chunk = s.recv(64 - len(got))
        if not chunk:
            break
        got += chunk
    return s


class Zmq:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.zmq_ctx_new.restype = ctypes.c_void_p
        self.lib.zmq_socket.restype = ctypes.c_void_p
        self.lib.zmq_socket.argtypes = [ctypes.c_void_p, ctypes.c_int]
        for name in ("zmq_bind", "zmq_connect"):
            getattr(self.lib, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self.lib.zmq_send.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
        self.lib.zmq_recv.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
        self.lib.zmq_setsockopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
        self.lib.zmq_getsockopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
        self.lib.zmq_close.argtypes = [ctypes.c_void_p]
        self.lib.zmq_ctx_term.argtypes = [ctypes.c_void_p]
        self.lib.zmq_ctx_new.argtypes = []
        self.lib.zmq_errno.restype = ctypes.c_int
        self.ctx = self.lib.zmq_ctx_new()

    def socket(self, kind, timeout=5000):
        s = self.lib.zmq_socket(self.ctx, kind)
        for opt, value in ((ZMQ_RCVTIMEO, timeout), (ZMQ_SNDTIMEO, timeout), (ZMQ_LINGER, 0)):
            self.setint(s, opt, value)
        return s

    def setint(self, s, opt, value):
        v = ctypes.c_int(value)
        return self.lib.zmq_setsockopt(s, opt, ctypes.byref(v), 4)

    def setint64(self, s, opt, value):
        v = ctypes.c_int64(value)
        return self.lib.zmq_setsockopt(s, opt, ctypes.byref(v), 8)

    def bind(self, s, endpoint=b"tcp://127.0.0.1:*"):
        assert self.lib.zmq_bind(s, endpoint) == 0
        buf = ctypes.create_string_buffer(256)
        size = ctypes.c_size_t(256)
        self.lib.zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, ctypes.byref(size))
        endpoint = buf.value.decode()
        host, port = endpoint[len("tcp://"):].rsplit(":", 1)
        return endpoint, (host, int(port))

    def send(self, s, msg):
        return self.lib.zmq_send(s, msg, len(msg), 0)

    def recv(self, s):
        buf = ctypes.create_string_buffer(256)
        n = self.lib.zmq_recv(s, buf, 256, 0)
        if n < 0:
            return None
        return buf.raw[:min(n, 256)]

    def recv_msg(self, s):
        """All frames of one message (None on timeout)."""
        frames = []
        while True:
            frame = self.recv(s)
            if frame is None:
                return None
            frames.append(frame)
            more, size = ctypes.c_int(0), ctypes.c_size_t(4)
            self.lib.zmq_getsockopt(s, ZMQ_RCVMORE, ctypes.byref(more), ctypes.byref(size))
            if not more.value:
                return frames

    def close(self, *sockets):
        for s in sockets:
            self.lib.zmq_close(s)


class Server:
    """A bound ROUTER or PULL with a good peer (DEALER or PUSH) connected."""

    def __init__(self, zmq, router, maxmsgsize=None):
        self.zmq, self.router = zmq, router
        self.sock = zmq.socket(ZMQ_ROUTER if router else ZMQ_PULL)
        if maxmsgsize is not None:
            zmq.setint64(self.sock, ZMQ_MAXMSGSIZE, maxmsgsize)
        self.endpoint, self.addr = zmq.bind(self.sock)
        self.good = zmq.socket(ZMQ_DEALER if router else ZMQ_PUSH)
        zmq.lib.zmq_connect(self.good, self.endpoint.encode())
        self.peer_type = b"DEALER" if router else b"PUSH"
        self.sent = self.received = 0

    def exchange(self):
        """The good peer sends one message; the server reads until it arrives
        (raw clients' "hello" messages are set aside)."""
        msg = b"m%d" % self.sent
        self.zmq.send(self.good, msg)
        self.sent += 1
        while True:
            frames = self.zmq.recv_msg(self.sock)
            if frames is None:
                return
            if frames[-1] == msg and len(frames) == (2 if self.router else 1):
                self.received += 1
                return

    def close(self):
        self.zmq.close(self.sock, self.good)

    def lost(self):
        return f"good peer {self.received}/{self.sent}"


def settle(before, seconds=10.0):
    """Waits (up to `seconds`) for the descriptors to come back to `before`."""
    deadline = time.time() + seconds
    while fds() > before and time.time() < deadline:
        time.sleep(0.05)


def row_churn(zmq, cycles):
    for router in (True, False):
        server = Server(zmq, router)
        for how in range(5):
            attack(server.addr, how, server.peer_type)
        server.exchange()
        time.sleep(0.2)
        before = (fds(), rss_mib())
        start = time.time()
        for i in range(cycles):
            attack(server.addr, i % 5, server.peer_type)
            if i % 100 == 0:
                server.exchange()
        server.exchange()
        after = (fds(), rss_mib())
        elapsed = time.time() - start
        time.sleep(5)
        later = (fds(), rss_mib())
        name = "ROUTER" if router else "PULL"
        print(
            f"churn {name}: {cycles} cycles in {elapsed:.1f} s: fds {before[0]} -> {after[0]} -> "
            f"{later[0]} (5 s later), RSS {before[1]:.1f} -> {after[1]:.1f} -> {later[1]:.1f} MiB, "
            f"{server.lost()}",
            flush=True,
        )
        server.close()


def row_fdlimit(zmq):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        server = Server(zmq, False)
        server.exchange()
        before = fds()
        for i in range(3000):
            attack(server.addr, 3 if i % 2 else 5, server.peer_type)
            if i % 100 == 0:
                server.exchange()
        after = fds()
        settle(before, 5)
        settled = fds()
        # A new client still gets through.
        fresh = zmq.socket(ZMQ_PUSH)
        zmq.lib.zmq_connect(fresh, server.endpoint.encode())
        zmq.send(fresh, b"fresh")
        got = zmq.recv_msg(server.sock)
        while got == [b"hello"]:
            got = zmq.recv_msg(server.sock)
        got = got and got[-1]
        server.exchange()
        print(
            f"fdlimit PULL (RLIMIT_NOFILE 1024): 3000 handshake-then-close/RST: fds {before} -> "
            f"{after} -> {settled}; a new client {'got through' if got == b'fresh' else 'was NOT served'}; "
            f"{server.lost()}",
            flush=True,
        )
        zmq.close(fresh)
        server.close()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def row_later(zmq):
    for router in (True, False):
        server = Server(zmq, router)
        server.exchange()
        before = fds()
        start = time.time()
        for i in range(2000):
            attack(server.addr, 3 if i % 2 else 5, server.peer_type)
            if i % 100 == 0:
                server.exchange()
        server.exchange()
        counts = []
        for at in (1, 5, 15, 35):
            time.sleep(max(0.0, start + at - time.time()))
            counts.append(fds())
        name = "ROUTER" if router else "PULL"
        print(
            f"later {name}: 2000 handshake-then-close/RST: fds before {before}, then at 1/5/15/35 s "
            f"{', '.join(map(str, counts))}; {server.lost()}",
            flush=True,
        )
        server.close()


ONESHOT = r"""
import sys, zmq
ctx = zmq.Context()
for i in range(int(sys.argv[2])):
    s = ctx.socket(zmq.PUSH)
    s.connect(sys.argv[1])
    s.send(b"one-shot %d" % i)
    s.close(linger=-1)
ctx.term()
print(zmq.zmq_version())
"""


def row_oneshot(zmq):
    pull = zmq.socket(ZMQ_PULL)
    endpoint, _ = zmq.bind(pull)
    time.sleep(0.2)
    before = fds()
    child = subprocess.Popen(
        [sys.executable, "-c", ONESHOT, endpoint, "1000"], stdout=subprocess.PIPE, text=True
    )
    got, peak = 0, before
    while got < 1000:
        if zmq.recv(pull) is None:
            break
        got += 1
        if got % 10 == 0:
            peak = max(peak, fds())
    child_lib = child.communicate()[0].strip()
    after = fds()
    settle(before, 5)
    print(
        f"oneshot PULL: 1000 pyzmq PUSH clients (pyzmq on libzmq {child_lib}): fds {before} -> "
        f"{peak} (peak) -> {after} (at the end) -> {fds()} (settled); {got}/1000 messages",
        flush=True,
    )
    zmq.close(pull)


def row_reconnect(zmq):
    pub = zmq.socket(ZMQ_PUB)
    endpoint, _ = zmq.bind(pub)
    sub = zmq.socket(ZMQ_SUB, timeout=300)
    zmq.lib.zmq_setsockopt(sub, ZMQ_SUBSCRIBE, b"", 0)
    rc1 = zmq.lib.zmq_connect(sub, endpoint.encode())
    rc2 = zmq.lib.zmq_connect(sub, endpoint.encode())
    # Wait for the subscription(s) to arrive.
    while True:
        zmq.send(pub, b"probe")
        if zmq.recv(sub) == b"probe":
            break
    time.sleep(0.3)
    while zmq.recv(sub) is not None:
        pass
    for i in range(100):
        zmq.send(pub, b"m%d" % i)
    received = 0
    while zmq.recv(sub) is not None:
        received += 1
    router = zmq.socket(ZMQ_ROUTER)
    endpoint, _ = zmq.bind(router)
    dealer = zmq.socket(ZMQ_DEALER)
    rc3 = zmq.lib.zmq_connect(dealer, endpoint.encode())
    rc4 = zmq.lib.zmq_connect(dealer, endpoint.encode())
    ids = set()
    for i in range(10):
        zmq.send(dealer, b"d%d" % i)
        ids.add(zmq.recv(router))
        zmq.recv(router)
    print(
        f"reconnect: SUB connect x2 -> rc {rc1}, {rc2}: {received} of 100 received; "
        f"DEALER connect x2 -> rc {rc3}, {rc4}: its 10 messages came over {len(ids)} connection(s)",
        flush=True,
    )
    zmq.close(pub, sub, router, dealer)


def stream_frame(addr, declared, body_bytes, rss_peak):
    """A PUSH peer declares a `declared`-byte frame and streams up to
    `body_bytes` of it; returns (bytes accepted, dropped?, peak RSS)."""
    s = handshaken(addr, b"PUSH")
    s.settimeout(5)
    chunk = b"\xab" * (1 << 20)
    sent, dropped = 0, False
    try:
        s.sendall(b"\x02" + struct.pack(">Q", declared))
        while sent < body_bytes:
            s.sendall(chunk)
            sent += len(chunk)
            if sent % (16 << 20) == 0:
                rss_peak = max(rss_peak, rss_mib())
    except OSError:
        dropped = True
    rss_peak = max(rss_peak, rss_mib())
    if not dropped:
        # Dropped later? (the server closes once it sees the frame is bad)
        try:
            s.settimeout(1)
            dropped = s.recv(1) == b""
        except OSError as e:
            dropped = not isinstance(e, socket.timeout)
    s.close()
    return sent, dropped, rss_peak


def row_hugeframe(zmq):
    for maxmsgsize, declared, body, what in (
        (None, 1 << 62, 256 << 20, "2^62-byte frame, 256 MiB streamed, MAXMSGSIZE unset"),
        (1 << 20, 1 << 62, 256 << 20, "2^62-byte frame, 256 MiB streamed, MAXMSGSIZE 1 MiB"),
        (None, 1 << 30, 64 << 20, "1 GiB frame of which 64 MiB arrive, MAXMSGSIZE unset"),
    ):
        server = Server(zmq, False, maxmsgsize)
        server.exchange()
        time.sleep(0.2)
        before = (fds(), rss_mib())
        sent, dropped, peak = stream_frame(server.addr, declared, body, before[1])
        server.exchange()
        settle(before[0], 5)
        print(
            f"hugeframe PULL: {what}: {sent >> 20} MiB accepted before the "
            f"{'drop' if dropped else 'end (connection still open)'}; RSS {before[1]:.1f} -> "
            f"{peak:.1f} (peak) -> {rss_mib():.1f} MiB; fds {before[0]} -> {fds()}; {server.lost()}",
            flush=True,
        )
        server.close()


def row_idle(zmq):
    server = Server(zmq, True)
    server.exchange()
    time.sleep(0.2)
    before = (fds(), rss_mib())
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 8192), hard))
    idle = [socket.create_connection(server.addr) for _ in range(2000)]
    for _ in range(10):
        server.exchange()
    during = (fds(), rss_mib())
    for s in idle:
        s.close()
    server.exchange()
    settle(before[0])
    print(
        f"idle ROUTER: 2000 connections that never greet: fds {before[0]} -> {during[0]} -> {fds()}, "
        f"RSS {before[1]:.1f} -> {during[1]:.1f} -> {rss_mib():.1f} MiB; {server.lost()}",
        flush=True,
    )
    # 20 peers trickling 100 MB frames: 64 KiB each per round, 40 rounds.
    tricklers = [handshaken(server.addr, b"DEALER") for _ in range(20)]
    for t in tricklers:
        t.sendall(b"\x02" + struct.pack(">Q", 100_000_000))
    chunk = b"\xcd" * (64 << 10)
    peak = rss_mib()
    for _ in range(40):
        for t in tricklers:
            try:
                t.sendall(chunk)
            except OSError:
                pass
        server.exchange()
        peak = max(peak, rss_mib())
    for t in tricklers:
        t.close()
    server.exchange()
    settle(before[0])
    print(
        f"idle ROUTER: 20 peers trickling 100 MB frames (2.5 MiB each sent): RSS peak {peak:.1f} MiB, "
        f"after {rss_mib():.1f} MiB, fds {fds()} (before {before[0]}); {server.lost()}",
        flush=True,
    )
    rng = random.Random(15)
    for _ in range(200):
        s = handshaken(server.addr, b"DEALER")
        try:
            s.sendall(bytes(rng.getrandbits(8) for _ in range(256)))
        except OSError:
            pass
        s.close()
        server.exchange()
    settle(before[0])
    print(
        f"idle ROUTER: 200 peers sending 256 random bytes after a valid handshake: fds {fds()} "
        f"(before {before[0]}), RSS {rss_mib():.1f} MiB; {server.lost()}",
        flush=True,
    )
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    server.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lib", required=True)
    parser.add_argument("--rows", default="churn,fdlimit,later,oneshot,reconnect,hugeframe,idle")
    parser.add_argument("--cycles", type=int, default=10000)
    args = parser.parse_args()
    zmq = Zmq(args.lib)
    version = [ctypes.c_int() for _ in range(3)]
    zmq.lib.zmq_version(*map(ctypes.byref, version))
    print(f"== {args.lib} (zmq_version {'.'.join(str(v.value) for v in version)})", flush=True)
    rows = {
        "churn": lambda: row_churn(zmq, args.cycles),
        "fdlimit": lambda: row_fdlimit(zmq),
        "later": lambda: row_later(zmq),
        "oneshot": lambda: row_oneshot(zmq),
        "reconnect": lambda: row_reconnect(zmq),
        "hugeframe": lambda: row_hugeframe(zmq),
        "idle": lambda: row_idle(zmq),
    }
    for name in args.rows.split(","):
        rows[name]()


if __name__ == "__main__":
    main()
