"""Ctrl-C (SIGINT) interrupts blocking calls with KeyboardInterrupt."""

import os
import signal
import subprocess
import sys
import time

import pytest

CHILD = """
import signal, sys, time
import ferrozmq as zmq

# Python's own Ctrl-C handler, even when this test runs in the background
# of a shell without job control (which starts it with SIGINT ignored).
signal.signal(signal.SIGINT, signal.default_int_handler)

ctx = zmq.Context()
s = ctx.socket(zmq.PULL)
s.bind("inproc://nobody-sends")
call = sys.argv[1]
print("ready", flush=True)
t0 = time.monotonic()
try:
    if call == "recv":
        s.recv()
    elif call == "poll":
        p = zmq.Poller(); p.register(s, zmq.POLLIN); p.poll()
    elif call == "send":
        push = ctx.socket(zmq.PUSH)
        push.sndhwm = 1
        push.linger = 0
        push.connect("tcp://127.0.0.1:9")
        while True:
            push.send(b"x")
    elif call == "socket-poll":
        s.poll()
except KeyboardInterrupt:
    print("interrupted after %.3f s" % (time.monotonic() - t0), flush=True)
    ctx.destroy(linger=0)
    sys.exit(0)
print("returned", flush=True)
sys.exit(1)
"""


@pytest.mark.parametrize("call", ["recv", "poll", "send", "socket-poll"])
def test_sigint_interrupts_blocking_call(call):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, call],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # let it block
        os.kill(child.pid, signal.SIGINT)
        out, _ = child.communicate(timeout=5)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, out
    assert out.startswith("interrupted"), out
