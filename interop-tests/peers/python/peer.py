"""A pyzmq peer for the ferrozmq interop tests.

usage: peer.py TYPE OTHER_TYPE (bind|connect) ENDPOINT COUNT [ROUTING_ID]

TYPE is this peer's socket type, OTHER_TYPE ours. The role follows from the
types (see interop-tests/src/exchange.rs): PUSH sends, PULL receives, REQ and
DEALER ask, REP and ROUTER answer, PAIR does both. Messages are the ones
described in interop-tests/src/payload.rs; every byte is checked.

Prints "endpoint <ep>" once bound (or "connected"), then
"done sent=<n> received=<m>" and exits 0; on any mismatch or timeout it
prints the reason to stderr and exits 1. It kills itself after 120 s.

ROUTING_ID, if given, is set as this socket's ZMQ_ROUTING_ID, except for a
ROUTER, which instead checks that every request comes from that routing id.
"""

import signal
import sys

import zmq

signal.alarm(120)

PERIOD = 251
LARGE = 100_000
PATTERN = bytes(x % PERIOD for x in range(PERIOD + LARGE + 1))
WINDOW = 64
TIMEOUT_MS = 20_000


def message(i, tag):
    frames = []
    for j in range(1 + (3 * i + tag) % 4):
        if j == 0 and i % 1000 == 500:
            size = LARGE + tag
        elif (7 * i + 13 * j + 5 * tag) % 23 == 0:
            size = 0
        else:
            size = (37 * i + 101 * j + 11 * tag) % 700
        start = (31 * i + 7 * j + 3 * tag) % PERIOD
        frames.append(PATTERN[start:start + size])
    return frames


def fail(why):
    print("FAIL: " + why, file=sys.stderr, flush=True)
    sys.exit(1)


def main():
    kind, other, how, endpoint, count = sys.argv[1:6]
    count = int(count)
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind))
    routing_id = sys.argv[6].encode() if len(sys.argv) > 6 else None
    if routing_id is not None and kind != "ROUTER":
        sock.setsockopt(zmq.ROUTING_ID, routing_id)
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.SNDTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.LINGER, 5000)
    if how == "bind":
        sock.bind(endpoint)
        print("endpoint " + sock.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    else:
        sock.connect(endpoint)
        print("connected", flush=True)
    # The binder sends tag 0 (requests), the connecter tag 1, except in
    # request-reply, where requests are tag 0 and replies tag 1 whoever binds.
    state = {"checked_type": False}

    def recv():
        try:
            parts = sock.recv_multipart(copy=False)
        except zmq.Again:
            fail("timed out receiving")
        if not state["checked_type"]:
            state["checked_type"] = True
            got = parts[0].get("Socket-Type")
            if got != other:
                fail("peer Socket-Type %r, expected %r" % (got, other))
        return [p.bytes for p in parts]

    def send(frames):
        try:
            sock.send_multipart(frames)
        except zmq.Again:
            fail("timed out sending")

    def expect(i, tag, frames):
        want = message(i, tag)
        if frames != want:
            fail("message %d: got %s, expected %s" % (i, describe(frames), describe(want)))

    sent = received = 0
    if kind == "PUSH":
        for i in range(count):
            send(message(i, 0))
            sent += 1
    elif kind == "PULL":
        for i in range(count):
            expect(i, 0, recv())
            received += 1
    elif kind == "REQ":
        for i in range(count):
            send(message(i, 0))
            sent += 1
            expect(i, 1, recv())
            received += 1
    elif kind == "DEALER":
        env = [b""] if other == "REP" else []
        while received < count:
            while sent < count and sent - received < WINDOW:
                send(env + message(sent, 0))
                sent += 1
            frames = recv()
            if frames[:len(env)] != env:
                fail("reply %d lacks the empty delimiter" % received)
            expect(received, 1, frames[len(env):])
            received += 1
    elif kind == "REP":
        for i in range(count):
            expect(i, 0, recv())
            received += 1
            send(message(i, 1))
            sent += 1
    elif kind == "ROUTER":
        env = 2 if other == "REQ" else 1
        for i in range(count):
            frames = recv()
            if len(frames) < env or (env == 2 and frames[1] != b""):
                fail("request %d has a bad envelope: %s" % (i, describe(frames)))
            if routing_id is not None and frames[0] != routing_id:
                fail("request %d from routing id %r, expected %r" % (i, frames[0], routing_id))
            expect(i, 0, frames[env:])
            received += 1
            send(frames[:env] + message(i, 1))
            sent += 1
    elif kind == "PAIR":
        mine, theirs = (0, 1) if how == "bind" else (1, 0)
        while received < count:
            while sent < count and sent - received < WINDOW:
                send(message(sent, mine))
                sent += 1
            expect(received, theirs, recv())
            received += 1
    else:
        fail("unknown socket type " + kind)
    print("done sent=%d received=%d" % (sent, received), flush=True)
    sock.close()
    ctx.term()


def describe(frames):
    return "[" + ", ".join("%d bytes" % len(f) for f in frames) + "]"


if __name__ == "__main__":
    main()
