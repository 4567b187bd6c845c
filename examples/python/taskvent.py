"""Pipeline ventilator: PUSHes tasks (a workload in ms) to the workers and
tells the sink, on its PUSH socket, that a batch starts.

    python taskvent.py [workers-endpoint] [sink-endpoint] [tasks]
"""

import random
import sys
import time

import ferrozmq as zmq


def main(workers="tcp://*:5557", sink="tcp://localhost:5558", tasks=100):
    with zmq.Context() as ctx:
        sender = ctx.socket(zmq.PUSH)
        sender.bind(workers)
        to_sink = ctx.socket(zmq.PUSH)
        to_sink.connect(sink)
        time.sleep(0.5)  # as in the guide: give the workers time to connect
        to_sink.send(str(tasks).encode())  # the batch starts
        total = 0
        for _ in range(int(tasks)):
            workload = random.randint(1, 10)
            total += workload
            sender.send_string(str(workload))
        print(f"Total expected cost: {total} msec")
        sender.close()
        to_sink.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
