"""A pyzmq XPUB that counts the subscriptions it receives, for the
subscription-resync interop test (interop-tests/tests/interop/resync.rs).

usage: resync.py ENDPOINT N

Binds an XPUB (SNDHWM unlimited) at ENDPOINT and prints "endpoint <ep>";
collects distinct subscriptions until it has N or none came for 3 s, then
prints "subs <count>"; publishes each topic it saw once and prints "sent";
then waits for "quit" on stdin (prints "bye" and exits 0). The program
kills itself after 120 s.

The same scenario with a pyzmq SUB (bundled libzmq 4.3.5), SNDHWM=10 and
1,000 topics, loses 990 of them when the publisher restarts: libzmq's
xsub_t::xhiccuped drops subscriptions once the fresh pipe is at SNDHWM
(libzmq issue 4064).
"""

import signal
import sys
import time

import zmq

signal.alarm(120)

endpoint, n = sys.argv[1], int(sys.argv[2])
ctx = zmq.Context()
xpub = ctx.socket(zmq.XPUB)
xpub.sndhwm = 0
xpub.linger = 0
xpub.bind(endpoint)
print("endpoint", xpub.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
seen = set()
quiet_until = time.monotonic() + 3
while len(seen) < n and time.monotonic() < quiet_until:
    if xpub.poll(50):
        msg = xpub.recv()
        if msg[:1] == b"\x01":
            seen.add(msg[1:])
            quiet_until = time.monotonic() + 3
print("subs", len(seen), flush=True)
for topic in sorted(seen):
    xpub.send(topic)
print("sent", flush=True)
if sys.stdin.readline().strip() == "quit":
    print("bye", flush=True)
xpub.close()
ctx.term()
