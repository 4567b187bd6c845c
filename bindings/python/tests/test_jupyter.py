"""A Jupyter kernel (ipykernel) and its client (jupyter_client), the largest
real pyzmq programs, run unchanged on ferrozmq (`FERROZMQ_AS_ZMQ=1`): the
kernel on ferrozmq with a client on real pyzmq, and both on ferrozmq."""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("ipykernel")
pytest.importorskip("jupyter_client.manager")

# Run in the client's process: executes cells, prints what came back.
SESSION = textwrap.dedent(
    """
    import os, sys
    import zmq
    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ, FERROZMQ_AS_ZMQ="1")
    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=90, env=env)
    try:
        for code in ["import zmq; zmq.__name__", "print('out' * 3)", "sum(range(10))", "1/0"]:
            seen = []
            reply = kc.execute_interactive(code, timeout=60, output_hook=seen.append)
            texts = [
                m["content"].get("text") or m["content"].get("data", {}).get("text/plain")
                for m in seen
                if m["msg_type"] in ("stream", "execute_result")
            ]
            print(repr(code), reply["content"]["status"], texts)
        print("client", zmq.__name__, "kernel alive", km.is_alive())
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    print("kernel stopped", not km.is_alive())
    """
)

EXPECTED = [
    "'import zmq; zmq.__name__' ok [\"'ferrozmq'\"]",
    "\"print('out' * 3)\" ok ['outoutout\\n']",
    "'sum(range(10))' ok ['45']",
    "'1/0' error []",
    "kernel alive True",
    "kernel stopped True",
]


def run_session(tmp_path, client_on_ferrozmq):
    (tmp_path / "session.py").write_text(SESSION)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    env.pop("FERROZMQ_AS_ZMQ", None)
    if client_on_ferrozmq:
        env["FERROZMQ_AS_ZMQ"] = "1"
    done = subprocess.run(
        [sys.executable, "session.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for line in EXPECTED:
        assert line in done.stdout, done.stdout + done.stderr
    return done.stdout


def test_a_kernel_on_ferrozmq_serves_a_client_on_real_pyzmq(tmp_path):
    assert "client zmq kernel alive" in run_session(tmp_path, client_on_ferrozmq=False)


def test_kernel_and_client_both_on_ferrozmq(tmp_path):
    assert "client ferrozmq kernel alive" in run_session(tmp_path, client_on_ferrozmq=True)
