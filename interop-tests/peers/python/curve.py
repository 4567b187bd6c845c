"""A pyzmq CURVE peer for interop-tests/tests/interop/curve.rs.

usage: curve.py server TYPE SECRET ALLOWED
           Binds tcp://127.0.0.1:* as a CURVE server (TYPE REP, ROUTER or PUB)
           with the Z85 secret key SECRET, and prints "endpoint <ep>". A ZAP
           handler answers 200 (user id "their-user") for the client whose Z85
           public key is ALLOWED and 400 for any other. REP and ROUTER answer
           each request BODY with "echo BODY USER-ID"; PUB publishes
           "news <n>" every 10 ms.
       curve.py client TYPE ENDPOINT SERVERKEY PUBLIC SECRET COUNT
           Connects as a CURVE client (TYPE REQ, DEALER or SUB). REQ and DEALER
           send COUNT requests "req <n>" and print "reply <text>" for each
           answer; SUB subscribes to "news" and prints "news" for each of
           COUNT messages. Then prints "done". If an answer takes over 1 s it
           prints "timeout" instead and exits 0 (a refused handshake is a
           result, not a failure).

The server runs until its stdin closes. Everything is killed after 60 s.
"""

import signal
import sys
import threading
import time

import zmq
import zmq.utils.z85

signal.alarm(60)


def say(line):
    print(line, flush=True)


def zap_handler(ctx, allowed, ready):
    handler = ctx.socket(zmq.REP)
    handler.linger = 0
    handler.bind("inproc://zeromq.zap.01")
    ready.set()
    while True:
        request = handler.recv_multipart()
        version, request_id, mechanism = request[0], request[1], request[5]
        key = request[6] if mechanism == b"CURVE" and len(request) == 7 else b""
        if key == allowed:
            reply = [version, request_id, b"200", b"OK", b"their-user", b""]
        else:
            reply = [version, request_id, b"400", b"unknown key", b"", b""]
        handler.send_multipart(reply)


def server(ctx, kind, secret, allowed):
    ready = threading.Event()
    allowed_raw = zmq.utils.z85.decode(allowed.encode())
    threading.Thread(target=zap_handler, args=(ctx, allowed_raw, ready), daemon=True).start()
    ready.wait()
    sock = ctx.socket(getattr(zmq, kind))
    sock.linger = 0
    sock.curve_secretkey = secret.encode()
    sock.curve_publickey = zmq.curve_public(secret.encode())
    sock.curve_server = True
    sock.bind("tcp://127.0.0.1:*")
    say("endpoint " + sock.last_endpoint.decode())
    threading.Thread(target=lambda: (sys.stdin.read(), signal.raise_signal(signal.SIGTERM)), daemon=True).start()
    n = 0
    while True:
        if kind == "PUB":
            sock.send(b"news %d" % n)
            n += 1
            time.sleep(0.01)
            continue
        frames = sock.recv_multipart(copy=False)
        user = frames[-1].get("User-Id") or ""
        body = b"echo " + frames[-1].bytes + b" " + user.encode()
        sock.send_multipart([f.bytes for f in frames[:-1]] + [body])


def client(ctx, kind, endpoint, serverkey, public, secret, count):
    sock = ctx.socket(getattr(zmq, kind))
    sock.linger = 0
    sock.rcvtimeo = 1000
    sock.curve_serverkey = serverkey.encode()
    sock.curve_publickey = public.encode()
    sock.curve_secretkey = secret.encode()
    if kind == "SUB":
        sock.subscribe(b"news")
    sock.connect(endpoint)
    for n in range(count):
        try:
            if kind == "SUB":
                sock.recv()
                say("news")
                continue
            body = b"req %d" % n
            if kind == "DEALER":
                sock.send_multipart([b"", body])
                reply = sock.recv_multipart()[-1]
            else:
                sock.send(body)
                reply = sock.recv()
        except zmq.Again:
            say("timeout")
            return
        say("reply " + reply.decode())
    say("done")


def main():
    ctx = zmq.Context()
    if sys.argv[1] == "server":
        server(ctx, *sys.argv[2:5])
    else:
        client(ctx, *sys.argv[2:7], int(sys.argv[7]))
    sys.stdout.flush()
    ctx.destroy(linger=0)


if __name__ == "__main__":
    main()
