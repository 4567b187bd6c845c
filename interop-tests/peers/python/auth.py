"""A pyzmq REQ client for interop-tests/tests/interop/auth.rs (ferrozmq's
ready-made authenticator against pyzmq's libzmq).

usage: auth.py null ENDPOINT
       auth.py plain ENDPOINT USER PASSWORD

Connects a REQ socket with that mechanism, sends "hi" and prints
"reply <text>", or "timeout" if no answer comes within 1 s (a refused
handshake is a result, not a failure). The program kills itself after 60 s.
"""

import signal
import sys

import zmq

signal.alarm(60)


def main():
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.rcvtimeo = 1000
    mechanism, endpoint = sys.argv[1], sys.argv[2]
    if mechanism == "plain":
        sock.plain_username = sys.argv[3].encode()
        sock.plain_password = sys.argv[4].encode()
    sock.connect(endpoint)
    sock.send(b"hi")
    try:
        print("reply " + sock.recv().decode(), flush=True)
    except zmq.Again:
        print("timeout", flush=True)
    sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
