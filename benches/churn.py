#!/usr/bin/env python3
"""Churn and hostile-peer attacks on a bound socket of any libzmq.so.5.

Loads the library given with --lib (Debian's libzmq or ferrozmq's) through
ctypes, binds a ROUTER or PULL, keeps a well-behaved connection exchanging
messages, and attacks it from raw sockets in this process: connections that
close or reset at every stage of the handshake. Prints the descriptors and
resident memory before, right after and a while after, and whether the good
peer lost anything.

    python3 benches/churn.py --lib /usr/lib/x86_64-linux-gnu/libzmq.so.5
    python3 benches/churn.py --lib target/release/libzmq.so --cycles 100000
"""

import argparse
import ctypes
import os
import socket
import struct
import time

ZMQ_PAIR, ZMQ_ROUTER, ZMQ_DEALER, ZMQ_PULL, ZMQ_PUSH = 0, 6, 5, 7, 8
ZMQ_LAST_ENDPOINT, ZMQ_RCVTIMEO, ZMQ_LINGER = 32, 27, 17
ZMQ_SNDMORE, ZMQ_RCVMORE = 2, 13


def fds():
    return len(os.listdir("/proc/self/fd"))


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


GREETING = b"\xff" + b"\0" * 7 + b"\x01\x7f\x03\x01" + b"NULL".ljust(20, b"\0") + b"\0" * 32


def ready(socket_type):
    body = b"\x05READY\x0bSocket-Type" + struct.pack(">I", len(socket_type)) + socket_type
    return bytes([4, len(body)]) + body


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def attack(addr, how, peer_type):
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
            else:
                reset(s)
    except OSError:
        pass
    s.close()


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
        self.ctx = self.lib.zmq_ctx_new()

    def socket(self, kind):
        s = self.lib.zmq_socket(self.ctx, kind)
        for opt, value in ((ZMQ_RCVTIMEO, 5000), (ZMQ_LINGER, 0)):
            v = ctypes.c_int(value)
            self.lib.zmq_setsockopt(s, opt, ctypes.byref(v), 4)
        return s

    def last_endpoint(self, s):
        buf = ctypes.create_string_buffer(256)
        size = ctypes.c_size_t(256)
        self.lib.zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, ctypes.byref(size))
        return buf.value.decode()

    def recv(self, s):
        buf = ctypes.create_string_buffer(256)
        n = self.lib.zmq_recv(s, buf, 256, 0)
        if n < 0:
            raise RuntimeError("recv failed")
        return buf.raw[:n]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lib", required=True)
    parser.add_argument("--type", choices=("router", "pull"), default="router")
    parser.add_argument("--cycles", type=int, default=10000)
    args = parser.parse_args()
    zmq = Zmq(args.lib)
    router = args.type == "router"
    server = zmq.socket(ZMQ_ROUTER if router else ZMQ_PULL)
    zmq.lib.zmq_bind(server, b"tcp://127.0.0.1:*")
    endpoint = zmq.last_endpoint(server)
    good = zmq.socket(ZMQ_DEALER if router else ZMQ_PUSH)
    zmq.lib.zmq_connect(good, endpoint.encode())
    host, port = endpoint[len("tcp://"):].rsplit(":", 1)
    addr = (host, int(port))
    peer_type = b"DEALER" if router else b"PUSH"
    sent = received = 0

    def exchange():
        nonlocal sent, received
        msg = b"m%d" % sent
        zmq.lib.zmq_send(good, msg, len(msg), 0)
        sent += 1
        while True:
            if router:
                zmq.recv(server)
            if zmq.recv(server) != b"hello":
                received += 1
                return

    exchange()
    before = (fds(), rss_kib())
    start = time.time()
    for i in range(args.cycles):
        attack(addr, i % 5, peer_type)
        if i % 100 == 0:
            exchange()
    exchange()
    after = (fds(), rss_kib())
    time.sleep(5)
    later = (fds(), rss_kib())
    print(
        f"{os.path.basename(args.lib)} {args.type} {args.cycles} cycles in {time.time() - start:.1f} s: "
        f"fds {before[0]} -> {after[0]} -> {later[0]} (5 s later), "
        f"RSS {before[1] // 1024} -> {after[1] // 1024} -> {later[1] // 1024} MiB, "
        f"good peer {received}/{sent} messages"
    )


if __name__ == "__main__":
    main()
