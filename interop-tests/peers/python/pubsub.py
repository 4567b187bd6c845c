"""A scripted pyzmq PUB, SUB, XPUB or XSUB for the ferrozmq pub-sub interop
tests (interop-tests/tests/interop/pubsub.rs).

usage: pubsub.py TYPE (bind|connect) ENDPOINT

Prints "endpoint <ep>" once bound (or "connected"), then runs commands read
from stdin, one a line. Frames are written in hex, "-" for an empty frame.
Same commands and output as peers/c/pubsub.c:

  sub HEX        SUB: ZMQ_SUBSCRIBE; XSUB: sends the message 0x01 + topic
  unsub HEX      SUB: ZMQ_UNSUBSCRIBE; XSUB: sends 0x00 + topic
  send HEX...    sends one message, a frame per argument
  recv           receives one message; prints "msg HEX..."
  wait HEX       receives until a message whose first frame is HEX, skipping
                 control messages (first frame starting 0x7f); any other
                 message fails; prints "synced"
  collect HEX    prints "msg HEX..." for each message received until one
                 whose first frame is HEX, skipping other control messages;
                 prints "end"
  probe HEX      sends [HEX, "probe"] every 5 ms until a line comes on stdin
                 (which must be "stop"); prints "stopped"
  quit           closes the socket and the context; prints "bye", exits 0

While waiting for a command it reads ZMQ_EVENTS every 10 ms, as an
application's event loop would: libzmq attaches a new connection only when
the socket's own thread looks at it, so an idle bound SUB would never send its
subscriptions to a publisher that connects.

Every receive times out after 20 s; any failure prints the reason to stderr
and exits 1. The program kills itself after 120 s.
"""

import os
import select
import signal
import sys
import time

import zmq

signal.alarm(120)

TIMEOUT_MS = 20_000


class Stdin:
    """Lines from fd 0 with a timeout (no buffering behind select's back);
    the socket processes its commands while we wait."""

    def __init__(self, sock):
        self.buf = b""
        self.sock = sock

    def line(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buf:
            self.sock.getsockopt(zmq.EVENTS)
            wait = 0.01
            if deadline is not None:
                wait = min(wait, max(0.0, deadline - time.monotonic()))
            ready, _, _ = select.select([0], [], [], wait)
            if not ready:
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                sys.exit(0)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


def fail(why):
    print("FAIL: " + why, file=sys.stderr, flush=True)
    sys.exit(1)


def unhex(text):
    return b"" if text == "-" else bytes.fromhex(text)


def show(frames):
    print("msg " + " ".join(f.hex() if f else "-" for f in frames), flush=True)


def is_control(frames):
    return frames[0][:1] == b"\x7f"


def main():
    kind, how, endpoint = sys.argv[1:4]
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind))
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.SNDTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.LINGER, 2000)
    if how == "bind":
        sock.bind(endpoint)
        print("endpoint " + sock.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
    else:
        sock.connect(endpoint)
        print("connected", flush=True)

    def recv():
        try:
            return sock.recv_multipart()
        except zmq.Again:
            fail("receive timed out")

    def subscription(subscribe, topic):
        if kind == "SUB":
            sock.setsockopt(zmq.SUBSCRIBE if subscribe else zmq.UNSUBSCRIBE, topic)
        elif kind == "XSUB":
            sock.send((b"\x01" if subscribe else b"\x00") + topic)
        else:
            fail("sub/unsub on a " + kind)

    stdin = Stdin(sock)
    while True:
        words = stdin.line().split()
        if not words:
            continue
        cmd, args = words[0], words[1:]
        if cmd in ("sub", "unsub"):
            subscription(cmd == "sub", unhex(args[0]))
        elif cmd == "send":
            sock.send_multipart([unhex(a) for a in args])
        elif cmd == "recv":
            show(recv())
        elif cmd in ("wait", "collect"):
            until = unhex(args[0])
            while True:
                frames = recv()
                if frames[0] == until:
                    break
                if is_control(frames):
                    continue
                if cmd == "wait":
                    fail("unexpected message while waiting: %r" % frames)
                show(frames)
            print("end" if cmd == "collect" else "synced", flush=True)
        elif cmd == "probe":
            probe = [unhex(args[0]), b"probe"]
            while True:
                sock.send_multipart(probe)
                line = stdin.line(0.005)
                if line is not None:
                    break
            if line != "stop":
                fail("expected stop, got " + line)
            print("stopped", flush=True)
        elif cmd == "quit":
            sock.close()
            ctx.term()
            print("bye", flush=True)
            return
        else:
            fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
