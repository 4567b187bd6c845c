"""How pyzmq's libzmq resolves tcp bind addresses, for the ferrozmq interop
tests: interface names, IP literals, host names, with and without
ZMQ_IPV6.

usage: bind_names.py ENDPOINT...

For each endpoint (its port `*`), then with ZMQ_IPV6 off and on, prints one
line "ENDPOINT IPV6 -> RESULT", RESULT being "ok LAST_ENDPOINT" with the
port replaced by `*`, or "errno N".
"""

import sys

import zmq


def outcome(ctx, endpoint, ipv6):
    sock = ctx.socket(zmq.PULL)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.IPV6, ipv6)
    try:
        sock.bind(endpoint)
    except zmq.ZMQError as e:
        return "errno %d" % e.errno
    finally:
        last = sock.getsockopt(zmq.LAST_ENDPOINT).decode()
        sock.close()
    return "ok " + last.rsplit(":", 1)[0] + ":*"


def main():
    ctx = zmq.Context()
    for endpoint in sys.argv[1:]:
        for ipv6 in (0, 1):
            print("%s %d -> %s" % (endpoint, ipv6, outcome(ctx, endpoint, ipv6)))
    ctx.term()


main()
