"""Pipeline sink: waits for the start of a batch, then collects one result
per task and prints the time the batch took.

    python tasksink.py [endpoint]
"""

import sys
import time

import ferrozmq as zmq


def main(endpoint="tcp://*:5558"):
    with zmq.Context() as ctx, ctx.socket(zmq.PULL) as receiver:
        receiver.bind(endpoint)
        tasks = int(receiver.recv())  # the ventilator's "batch starts"
        start = time.monotonic()
        for task in range(tasks):
            receiver.recv()
            print(":" if task % 10 == 0 else ".", end="", flush=True)
        print(f"\nTotal elapsed time: {(time.monotonic() - start) * 1000:.0f} msec")


if __name__ == "__main__":
    main(*sys.argv[1:2])
