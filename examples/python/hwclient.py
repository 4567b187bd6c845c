"""Hello World client: connects REQ, sends "Hello" 10 times, prints the replies.

    python hwclient.py [endpoint]
"""

import sys

import ferrozmq as zmq


def main(endpoint="tcp://localhost:5555"):
    with zmq.Context() as ctx, ctx.socket(zmq.REQ) as socket:
        socket.connect(endpoint)
        for request in range(10):
            print(f"Sending request {request} ...")
            socket.send(b"Hello")
            reply = socket.recv()
            print(f"Received reply {request} [ {reply} ]")


if __name__ == "__main__":
    main(*sys.argv[1:2])
