"""ferrozmq's Python module against pyzmq, interleaved in one run.

PUSH/PULL throughput between two processes (64 B and 64 KiB frames; copy=True,
copy=False, and send_multipart with 2 frames) and REQ/REP round-trip latency,
over tcp on loopback. Each case runs for both libraries in turn (the order
alternating by round), `--rounds` times. Printed: the median of each, the
median and [min..max] of the per-round ratios ferrozmq/pyzmq, the CPU time
(user+sys, both processes, all their threads) per message, and the load
average. A receive waits at most 30 s: a lost message fails the run
instead of hanging it.

    python benches/python/bench.py [--rounds 5] [--quick] [--only '64 B copy']

Needs ferrozmq (pip install ./bindings/python) and pyzmq installed.
"""

import argparse
import importlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import time

LIBS = ("ferrozmq", "pyzmq")
#: Longest wait for one message (ms): a lost message is an error, not a hang.
RECV_TIMEOUT_MS = 30_000


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
    cpu0 = cpu_self()
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
    print(cpu_self() - cpu0)  # for the parent: this side's CPU seconds


def role_rep(lib, endpoint, count, size, mode):
    zmq = load(lib)
    ctx = zmq.Context()
    s = ctx.socket(zmq.REP)
    s.rcvtimeo = RECV_TIMEOUT_MS
    s.connect(endpoint)
    s.send(s.recv())
    cpu0 = cpu_self()  # from the first round trip, as the other side measures
    for _ in range(count - 1):
        s.send(s.recv())
    s.close()
    ctx.term()
    print(cpu_self() - cpu0)


# --- measurements ------------------------------------------------------------


def spawn(role, lib, endpoint, count, size, mode):
    return subprocess.Popen(
        [sys.executable, __file__, "--role", role, lib, endpoint, str(count), str(size), mode],
        stdout=subprocess.PIPE,
        text=True,
    )


def cpu_self():
    """User+sys seconds of this process so far (all its threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def reap(child):
    """Waits for the child; returns the user+sys seconds it spent on the
    messages (it measures them itself, start-up excluded). Fails if it failed."""
    out, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the other process failed ({child.returncode})")
    return float(out)


def throughput(lib, count, size, mode):
    """Messages per second received by PULL (in this process) from PUSH (another)."""
    zmq = load(lib)
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = RECV_TIMEOUT_MS
    endpoint = free_endpoint()
    pull.bind(endpoint)
    child = spawn("push", lib, endpoint, count, size, mode)
    copy = mode == "copy"
    if mode == "multipart":
        pull.recv_multipart()
        start, cpu0 = time.perf_counter(), cpu_self()
        for _ in range(count - 1):
            pull.recv_multipart()
    else:
        pull.recv(copy=copy)
        start, cpu0 = time.perf_counter(), cpu_self()
        for _ in range(count - 1):
            pull.recv(copy=copy)
    elapsed = time.perf_counter() - start
    cpu = cpu_self() - cpu0
    cpu += reap(child)
    pull.close()
    ctx.term()
    return (count - 1) / elapsed, cpu / count * 1e6


def roundtrip(lib, count, size):
    """Average REQ/REP round trip in microseconds."""
    zmq = load(lib)
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.rcvtimeo = RECV_TIMEOUT_MS
    endpoint = free_endpoint()
    req.bind(endpoint)
    child = spawn("rep", lib, endpoint, count, size, "copy")
    payload = b"x" * size
    req.send(payload)
    req.recv()
    start, cpu0 = time.perf_counter(), cpu_self()
    for _ in range(count - 1):
        req.send(payload)
        req.recv()
    elapsed = time.perf_counter() - start
    cpu = cpu_self() - cpu0
    cpu += reap(child)
    req.close()
    ctx.term()
    return elapsed / (count - 1) * 1e6, cpu / count * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="fewer messages (a smoke run)")
    ap.add_argument(
        "--only", metavar="TEXT", help="run only the cases whose name contains TEXT (e.g. '64 B copy')"
    )
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
    if args.only:
        cases = [c for c in cases if args.only in c[0]]
        if not cases:
            ap.error(f"no case name contains {args.only!r}")
    results = {(name, lib): [] for name, *_ in cases for lib in LIBS}
    cpu = {(name, lib): [] for name, *_ in cases for lib in LIBS}
    loads = [os.getloadavg()[0]]
    for r in range(args.rounds):
        for name, kind, count, size, mode in cases:
            for lib in LIBS if r % 2 == 0 else reversed(LIBS):
                if kind == "thr":
                    value, us = throughput(lib, count, size, mode)
                else:
                    value, us = roundtrip(lib, count, size)
                results[(name, lib)].append(value)
                cpu[(name, lib)].append(us)
                print(
                    f"  round {r + 1} {name:32} {lib:9} {value:12.1f}  cpu {us:6.2f} µs/msg",
                    file=sys.stderr,
                )
        loads.append(os.getloadavg()[0])
    print(f"{args.rounds} rounds; load average (1 min) {min(loads):.1f} to {max(loads):.1f}")
    print()
    print("| case | ferrozmq | pyzmq | ferrozmq / pyzmq [min..max] | CPU µs/msg ferrozmq / pyzmq |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, kind, *_ in cases:
        ours, theirs = results[(name, "ferrozmq")], results[(name, "pyzmq")]
        ratios = [a / b for a, b in zip(ours, theirs)]
        unit = "msg/s" if kind == "thr" else "µs"
        c_ours = statistics.median(cpu[(name, "ferrozmq")])
        c_theirs = statistics.median(cpu[(name, "pyzmq")])
        print(
            f"| {name} | {statistics.median(ours):,.0f} {unit} | {statistics.median(theirs):,.0f} {unit}"
            f" | {statistics.median(ratios):.2f}× [{min(ratios):.2f}..{max(ratios):.2f}]"
            f" | {c_ours:.2f} / {c_theirs:.2f} |"
        )


if __name__ == "__main__":
    main()
