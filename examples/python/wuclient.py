"""Weather update client: SUB with a topic filter (one zipcode); averages
the temperature of a few updates.

    python wuclient.py [endpoint] [zipcode] [updates]
"""

import sys

import ferrozmq as zmq


def main(endpoint="tcp://localhost:5556", zipcode="10001", updates=5):
    with zmq.Context() as ctx, ctx.socket(zmq.SUB) as subscriber:
        subscriber.connect(endpoint)
        subscriber.subscribe(zipcode)  # only messages starting with it
        total = 0
        for _ in range(int(updates)):
            code, temperature, _humidity = subscriber.recv_string().split()
            assert code == zipcode
            total += int(temperature)
        print(f"Average temperature for zipcode '{zipcode}' was {total / int(updates):.1f}F")


if __name__ == "__main__":
    main(*sys.argv[1:4])
