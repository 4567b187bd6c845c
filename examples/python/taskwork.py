"""Pipeline worker: PULLs tasks from the ventilator, "works" (sleeps) for
their workload, PUSHes a result to the sink.

    python taskwork.py [ventilator-endpoint] [sink-endpoint] [tasks]
"""

import sys
import time

import ferrozmq as zmq


def main(ventilator="tcp://localhost:5557", sink="tcp://localhost:5558", tasks=None):
    with zmq.Context() as ctx:
        receiver = ctx.socket(zmq.PULL)
        receiver.connect(ventilator)
        sender = ctx.socket(zmq.PUSH)
        sender.connect(sink)
        done = 0
        while tasks is None or done < int(tasks):
            workload = int(receiver.recv_string())
            time.sleep(workload / 1000)
            sender.send(b"")
            done += 1
        receiver.close()
        sender.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
