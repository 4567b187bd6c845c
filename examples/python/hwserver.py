"""Hello World server: binds REP, answers each "Hello" with "World".

    python hwserver.py [endpoint] [count]

Runs on ferrozmq; with `import zmq` instead it runs on pyzmq unchanged.
"""

import sys

import ferrozmq as zmq


def main(endpoint="tcp://*:5555", count=None):
    with zmq.Context() as ctx, ctx.socket(zmq.REP) as socket:
        socket.bind(endpoint)
        served = 0
        while count is None or served < count:
            message = socket.recv()
            print(f"Received request: {message}")
            socket.send(b"World")
            served += 1


if __name__ == "__main__":
    main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
