"""examples/python run and do what they say."""

import subprocess
import sys
from pathlib import Path

import pytest

import ferrozmq as zmq
from conftest import free_tcp

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "python"


def start(name, *args):
    return subprocess.Popen(
        [sys.executable, str(EXAMPLES / name), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc, timeout=30):
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    return out


def test_hello_world():
    addr = free_tcp()
    server = start("hwserver.py", addr.replace("127.0.0.1", "*"), 10)
    client = start("hwclient.py", addr)
    out = finish(client)
    assert out.count("Received reply") == 10 and "[ b'World' ]" in out
    assert finish(server).count("Received request: b'Hello'") == 10


def test_weather_pub_sub_with_topic_filter():
    addr = free_tcp()
    server = start("wuserver.py", addr)
    try:
        out = finish(start("wuclient.py", addr, "10003", 20))
    finally:
        server.kill()
        server.wait()
    assert "Average temperature for zipcode '10003'" in out


def test_pipeline():
    vent, sink = free_tcp(), free_tcp()
    sink_proc = start("tasksink.py", sink)
    workers = [start("taskwork.py", vent, sink) for _ in range(2)]
    try:
        out = finish(start("taskvent.py", vent, sink, 20))
        assert "Total expected cost" in out
        assert "Total elapsed time" in finish(sink_proc)
    finally:
        for w in workers:  # workers run forever, as in the guide
            w.kill()
            w.wait()


def test_asyncio_example():
    out = finish(start("asyncio_rpc.py", free_tcp(), 4, 5))
    assert "4 clients got 5 replies each" in out


def test_ironhouse_example():
    out = finish(start("ironhouse.py", free_tcp()))
    assert "Ironhouse test OK: b'Hello'" in out


def test_graceful_shutdown_spools_and_resends(tmp_path):
    spool = str(tmp_path / "spool.bin")
    endpoint = f"ipc://{tmp_path}/jobs"
    # No worker: the grace period runs out and everything is spooled.
    out = finish(start("graceful_shutdown.py", endpoint, spool, 0, 5, 200))
    assert "5 spooled" in out and Path(spool).exists()
    with zmq.Context() as ctx:
        worker = ctx.socket(zmq.PULL)
        worker.rcvtimeo = 10_000
        worker.bind(endpoint)
        out = finish(start("graceful_shutdown.py", endpoint, spool, 5, 5, 10_000))
        assert "resent 5 spooled messages" in out and "0 spooled" in out, out
        assert not Path(spool).exists()
        got = [worker.recv_string() for _ in range(10)]
        assert got == [f"job-{i}" for i in range(10)]
        worker.rcvtimeo = 100
        with pytest.raises(zmq.Again):
            worker.recv()
        worker.close()
