"""ferrozmq's Python module against pyzmq, interleaved in one run.

PUSH/PULL throughput between two processes (64 B and 64 KiB frames; copy=True,
copy=False, and send_multipart with 2 frames) and REQ/REP round-trip latency,
over tcp on loopback. Each case runs for both libraries in turn, `--rounds`
times; the medians and the ratio ferrozmq/pyzmq are printed.

    python benches/python/bench.py [--rounds 3] [--quick]

Needs ferrozmq (pip install ./bindings/python) and pyzmq installed.
"""

import argparse
import importlib
import socket
import statistics
import subprocess
import sys
import time

LIBS = ("ferrozmq", "pyzmq")


def load(lib):
    return importlib.import_module("zmq" if lib == "pyzmq" else "ferrozmq")


def free_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


# --- the other process -------------------------------------------------------


def role_push(lib, endpoint, count, size, mode):
    zmq = load(lib)
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.connect(endpoint)
    payload = b"x" * size
    if mode == "multipart":
        half = b"x" * (size // 2)
        for _ in range(count):
            s.send_multipart([half, half])
    else:
        copy = mode == "copy"
        for _ in range(count):
            s.send(payload, copy=copy)
    s.close()  # linger: everything is delivered
    ctx.term()


def role_rep(lib, endpoint, count, size, mode):
    zmq = load(lib)
    ctx = zmq.Context()
    s = ctx.socket(zmq.REP)
    s.connect(endpoint)
    for _ in range(count):
        s.send(s.recv())
    s.close()
    ctx.term()


# --- measurements ------------------------------------------------------------


def spawn(role, lib, endpoint, count, size, mode):
    return subprocess.Popen(
        [sys.executable, __file__, "--role", role, lib, endpoint, str(count), str(size), mode]
    )


def throughput(lib, count, size, mode):
    """Messages per second received by PULL (in this process) from PUSH (another)."""
    zmq = load(lib)
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    endpoint = free_endpoint()
    pull.bind(endpoint)
    child = spawn("push", lib, endpoint, count, size, mode)
    copy = mode == "copy"
    if mode == "multipart":
        pull.recv_multipart()
        start = time.perf_counter()
        for _ in range(count - 1):
            pull.recv_multipart()
    else:
        pull.recv(copy=copy)
        start = time.perf_counter()
        for _ in range(count - 1):
            pull.recv(copy=copy)
    elapsed = time.perf_counter() - start
    child.wait()
    pull.close()
    ctx.term()
    return (count - 1) / elapsed


def roundtrip(lib, count, size):
    """Average REQ/REP round trip in microseconds."""
    zmq = load(lib)
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    endpoint = free_endpoint()
    req.bind(endpoint)
    child = spawn("rep", lib, endpoint, count, size, "copy")
    payload = b"x" * size
    req.send(payload)
    req.recv()
    start = time.perf_counter()
    for _ in range(count - 1):
        req.send(payload)
        req.recv()
    elapsed = time.perf_counter() - start
    child.wait()
    req.close()
    ctx.term()
    return elapsed / (count - 1) * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="fewer messages (a smoke run)")
    ap.add_argument("--role", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.role:
        role, lib, endpoint, count, size, mode = (
            args.role[0],
            args.role[1],
            args.role[2],
            int(args.role[3]),
            int(args.role[4]),
            args.role[5],
        )
        {"push": role_push, "rep": role_rep}[role](lib, endpoint, count, size, mode)
        return
    scale = 10 if args.quick else 1
    cases = [
        (f"PUSH/PULL {size_name} {mode}", "thr", count // scale, size, mode)
        for size_name, size, count in (("64 B", 64, 200_000), ("64 KiB", 65536, 20_000))
        for mode in ("copy", "nocopy", "multipart")
    ] + [("REQ/REP 64 B round trip", "lat", 20_000 // scale, 64, "copy")]
    results = {(name, lib): [] for name, *_ in cases for lib in LIBS}
    for r in range(args.rounds):
        for name, kind, count, size, mode in cases:
            for lib in LIBS if r % 2 == 0 else reversed(LIBS):
                if kind == "thr":
                    value = throughput(lib, count, size, mode)
                else:
                    value = roundtrip(lib, count, size)
                results[(name, lib)].append(value)
                print(f"  round {r + 1} {name:32} {lib:9} {value:12.1f}", file=sys.stderr)
    print(f"| case | ferrozmq | pyzmq | ferrozmq / pyzmq |")
    print(f"| --- | ---: | ---: | ---: |")
    for name, kind, *_ in cases:
        ours = statistics.median(results[(name, "ferrozmq")])
        theirs = statistics.median(results[(name, "pyzmq")])
        unit = "msg/s" if kind == "thr" else "µs"
        print(f"| {name} | {ours:,.0f} {unit} | {theirs:,.0f} {unit} | {ours / theirs:.2f}× |")


if __name__ == "__main__":
    main()
