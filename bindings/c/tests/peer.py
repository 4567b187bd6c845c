#!/usr/bin/env python3
"""A pyzmq peer (pyzmq's own bundled libzmq) for the C ABI tests.

Usage: peer.py MODE ENDPOINT COUNT
  rep   bind a REP socket; answer COUNT requests with b"reply:" + request
  req   connect a REQ socket; send COUNT requests, expect b"reply:" + request
  push  bind a PUSH socket; send COUNT messages b"item N", then b"END"
  pull  bind a PULL socket; receive COUNT messages and check them
  pub   bind an XPUB socket; once a subscriber comes, publish b"sport N" and
        b"weather N" until it leaves (COUNT is unused)
Prints one line per step, and the libzmq version it runs on.
"""
import sys
import time

import zmq


def main():
    mode, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = zmq.Context()
    print(f"peer: pyzmq {zmq.__version__} on libzmq {zmq.zmq_version()}, {mode} {endpoint}",
          flush=True)
    timeout = 10000
    if mode == "rep":
        s = ctx.socket(zmq.REP)
        s.rcvtimeo = timeout
        s.bind(endpoint)
        for _ in range(count):
            request = s.recv()
            s.send(b"reply:" + request)
        print(f"peer: answered {count} requests", flush=True)
    elif mode == "req":
        s = ctx.socket(zmq.REQ)
        s.rcvtimeo = timeout
        s.connect(endpoint)
        for i in range(count):
            request = f"request {i}".encode()
            s.send(request)
            reply = s.recv()
            assert reply == b"reply:" + request, reply
        print(f"peer: {count} replies ok", flush=True)
    elif mode == "push":
        s = ctx.socket(zmq.PUSH)
        s.sndtimeo = timeout
        s.bind(endpoint)
        for i in range(count):
            s.send(f"item {i}".encode())
        s.send(b"END")
        print(f"peer: pushed {count} items", flush=True)
    elif mode == "pull":
        s = ctx.socket(zmq.PULL)
        s.rcvtimeo = timeout
        s.bind(endpoint)
        for i in range(count):
            item = s.recv()
            assert item == f"item {i}".encode(), item
        print(f"peer: pulled {count} items", flush=True)
    elif mode == "pub":
        # XPUB, so we see the subscriber come (subscribe) and go (its
        # subscriptions are dropped when it disconnects): publish in between.
        s = ctx.socket(zmq.XPUB)
        s.rcvtimeo = timeout
        s.bind(endpoint)
        assert s.recv().startswith(b"\x01"), "expected a subscription"
        deadline = time.monotonic() + timeout / 1000
        i = 0
        while time.monotonic() < deadline:
            s.send(f"sport {i}".encode())
            s.send(f"weather {i}".encode())
            i += 1
            if s.poll(2, zmq.POLLIN) and s.recv().startswith(b"\x00"):
                break
        print(f"peer: published {i} updates until the subscriber left", flush=True)
    else:
        sys.exit(f"unknown mode {mode}")
    s.close(linger=2000)
    ctx.term()


if __name__ == "__main__":
    main()
