"""A pyzmq DEALER that reports its handshake monitor events, for the ferrozmq
security and monitor interop tests (interop-tests/tests/interop/security.rs).

usage: security.py server STATUS    binds tcp://127.0.0.1:* with ZAP domain
                                    "test" and a ZAP handler answering every
                                    request with STATUS; prints "endpoint <ep>"
       security.py client ENDPOINT  connects; prints "connected"

Then prints "event <number> <value>" for each handshake event of its socket
(ZMQ_EVENT_HANDSHAKE_*), and "msg <text>" for each message received. Reads
commands from stdin, one a line:

  send TEXT   sends TEXT
  quit        prints "bye" and exits 0

Any failure prints the reason to stderr and exits 1. The program kills itself
after 60 s.
"""

import os
import select
import signal
import sys
import threading

import zmq
from zmq.utils.monitor import recv_monitor_message

signal.alarm(60)

HANDSHAKE_EVENTS = (
    zmq.EVENT_HANDSHAKE_SUCCEEDED
    | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
    | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
    | zmq.EVENT_HANDSHAKE_FAILED_AUTH
)


def say(line):
    print(line, flush=True)


def zap_handler(ctx, status, ready):
    handler = ctx.socket(zmq.REP)
    handler.linger = 0
    handler.bind("inproc://zeromq.zap.01")
    ready.set()
    while True:
        request = handler.recv_multipart()
        version, request_id = request[0], request[1]
        handler.send_multipart([version, request_id, status.encode(), b"", b"", b""])


def main():
    role, arg = sys.argv[1], sys.argv[2]
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    monitor = sock.get_monitor_socket(HANDSHAKE_EVENTS)
    if role == "server":
        ready = threading.Event()
        threading.Thread(target=zap_handler, args=(ctx, arg, ready), daemon=True).start()
        ready.wait()
        sock.zap_domain = b"test"
        sock.bind("tcp://127.0.0.1:*")
        say("endpoint " + sock.getsockopt_string(zmq.LAST_ENDPOINT))
    else:
        sock.connect(arg)
        say("connected")
    poller = zmq.Poller()
    poller.register(monitor, zmq.POLLIN)
    poller.register(sock, zmq.POLLIN)
    while True:
        for ready_socket, _ in poller.poll(10):
            if ready_socket is monitor:
                event = recv_monitor_message(monitor)
                say("event %d %d" % (event["event"], event["value"]))
            else:
                say("msg " + sock.recv_string())
        readable, _, _ = select.select([sys.stdin], [], [], 0)
        if not readable:
            continue
        line = sys.stdin.readline().strip()
        if line.startswith("send "):
            sock.send_string(line[len("send "):])
        elif line in ("quit", ""):
            say("bye")
            os._exit(0)
        else:
            sys.stderr.write("unknown command %r\n" % line)
            os._exit(1)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report any failure and exit 1
        sys.stderr.write("security.py: %r\n" % (e,))
        os._exit(1)
