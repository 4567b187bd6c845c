"""Weather update server: publishes "zipcode temperature humidity" on PUB.

    python wuserver.py [endpoint] [updates]   (updates: forever by default)
"""

import random
import sys
import time

import ferrozmq as zmq


def main(endpoint="tcp://*:5556", updates=None):
    with zmq.Context() as ctx, ctx.socket(zmq.PUB) as publisher:
        publisher.bind(endpoint)
        sent = 0
        while updates is None or sent < updates:
            zipcode = random.randrange(10000, 10010)
            temperature = random.randrange(-80, 135)
            humidity = random.randrange(10, 60)
            publisher.send_string(f"{zipcode} {temperature} {humidity}")
            sent += 1
            if sent % 1000 == 0:
                time.sleep(0.001)  # let slow subscribers keep up


if __name__ == "__main__":
    main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
