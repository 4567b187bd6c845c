"""Graceful shutdown that loses nothing: a producer PUSHes numbered jobs to
workers; asked to stop, it gives its queues a grace period to empty, then
drains the socket (no new messages in, the undelivered ones handed back)
and writes what is left to a spool file. Started again, it sends the
spooled messages first.

    python graceful_shutdown.py ENDPOINT SPOOL FIRST COUNT [GRACE_MS]

Connects to ENDPOINT (the workers bind), resends what SPOOL holds, then
sends job-FIRST .. job-(FIRST+COUNT-1) and stops (Ctrl-C stops it sooner).
Spool format (as the Rust and C versions): per message, its frame count,
then each frame's length and bytes, all u32 little-endian.

drain() and queue_stats() are ferrozmq extensions (pyzmq has neither).
Delivery is at least once: a crash between resending the spool and
removing it sends those messages again on the next start.
"""

import os
import struct
import sys
import time

import ferrozmq as zmq


def read_spool(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    messages, at = [], 0
    while at < len(data):
        (frames,) = struct.unpack_from("<I", data, at)
        at += 4
        message = []
        for _ in range(frames):
            (size,) = struct.unpack_from("<I", data, at)
            message.append(data[at + 4 : at + 4 + size])
            at += 4 + size
        messages.append(message)
    return messages


def write_spool(path, messages):
    """Beside the final name, then renamed: a crash leaves the old spool
    or the new one, never half of one."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        for message in messages:
            f.write(struct.pack("<I", len(message)))
            for frame in message:
                f.write(struct.pack("<I", len(frame)) + frame)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(endpoint, spool, first, count, grace_ms=1000):
    first, count, grace = int(first), int(count), int(grace_ms) / 1000
    with zmq.Context() as ctx:
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.SNDHWM, 0)  # queue while no worker is there
        push.connect(endpoint)

        resent = read_spool(spool)
        for message in resent:
            push.send_multipart(message)
        print(f"resent {len(resent)} spooled messages", flush=True)
        if os.path.exists(spool):
            os.remove(spool)

        try:
            for i in range(first, first + count):
                push.send_string(f"job-{i}")
        except KeyboardInterrupt:
            pass  # asked to stop

        # A grace period for the workers to take what is queued.
        deadline = time.monotonic() + grace
        while push.queue_stats()["outbound"] and time.monotonic() < deadline:
            time.sleep(0.01)
        drained = push.drain()
        left = drained["messages"]
        if left:
            write_spool(spool, left)
        queued = drained["stats"]["outbound"]
        print(f"stopped: {queued} messages were queued, {len(left)} spooled to {spool}")
        push.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
