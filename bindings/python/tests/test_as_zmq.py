"""`python -m ferrozmq.as_zmq`: a program written for pyzmq (`import zmq`)
runs on ferrozmq unchanged, here against a real pyzmq peer."""

import os
import subprocess
import sys
import textwrap

import zmq as pyzmq

from conftest import free_tcp

# A pyzmq program: `import zmq` and its submodules, a REQ client that asks
# the peer at argv[1] which library answered, and prints what it learnt.
PROGRAM = textwrap.dedent(
    """
    import sys
    import zmq
    import zmq.asyncio
    from zmq.utils import z85

    import ferrozmq

    assert zmq is ferrozmq and zmq.Context is ferrozmq.Context
    assert zmq.asyncio is ferrozmq.asyncio
    assert "pyzmq" not in repr(sys.modules.get("zmq.backend"))
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.connect(sys.argv[1])
    for i in range(int(sys.argv[2])):
        req.send_multipart([b"ping", str(i).encode()])
        print(req.recv_multipart())
    print("name", __name__, "argv", sys.argv[1:], "z85", z85.encode(b"1234"))
    req.close()
    ctx.term()
    """
)


def serve(rep, count):
    """Answers `count` requests on a pyzmq REP with the library's name."""
    for _ in range(count):
        assert rep.poll(20000), "the program's request never came"
        frames = rep.recv_multipart()
        rep.send_multipart([b"pong from pyzmq", frames[1]])


def run(args, cwd):
    return subprocess.Popen(
        [sys.executable, "-m", "ferrozmq.as_zmq", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc):
    try:
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    return out


def run_against_pyzmq(tmp_path, filename, args, count):
    """Runs PROGRAM (as `filename`) under the alias, as `args` with the
    endpoint and `count` appended, against a pyzmq REP; returns its output."""
    (tmp_path / filename).write_text(PROGRAM)
    addr = free_tcp()
    ctx = pyzmq.Context()
    try:
        rep = ctx.socket(pyzmq.REP)
        rep.bind(addr)
        proc = run([*args, addr, str(count)], cwd=tmp_path)
        serve(rep, count)
        return addr, finish(proc)
    finally:
        ctx.destroy(linger=0)


def test_a_pyzmq_program_runs_on_ferrozmq_against_real_pyzmq(tmp_path):
    addr, out = run_against_pyzmq(tmp_path, "client.py", ["client.py"], 3)
    assert out.count("[b'pong from pyzmq', b") == 3 and "b'2']" in out
    assert f"name __main__ argv ['{addr}', '3'] z85 b'f!$Kw'" in out


def test_dash_m_runs_a_module_from_the_current_directory(tmp_path):
    addr, out = run_against_pyzmq(tmp_path, "client_mod.py", ["-m", "client_mod"], 1)
    assert f"name __main__ argv ['{addr}', '1']" in out


def test_install_refuses_once_pyzmq_is_imported(tmp_path):
    # This test process has imported pyzmq as `zmq`: install() must refuse
    # rather than leave two libraries behind one name.
    code = "import zmq, ferrozmq.as_zmq as a\ntry:\n    a.install()\nexcept RuntimeError as e:\n    print('refused:', e)\nprint(a.installed())\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=tmp_path
    ).stdout
    assert out.startswith("refused: zmq (pyzmq) was imported before") and "False" in out


def test_usage_without_a_program():
    done = subprocess.run(
        [sys.executable, "-m", "ferrozmq.as_zmq"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "usage: python -m ferrozmq.as_zmq" in done.stderr


# Checks in a child Python started with multiprocessing's "spawn" (a fresh
# interpreter, as forkserver and macOS use): its `import zmq` is ferrozmq
# too, through the wheel's start-up hook and FERROZMQ_AS_ZMQ.
SPAWNING = textwrap.dedent(
    """
    import multiprocessing

    def child(queue):
        import zmq
        queue.put(zmq.__name__)

    if __name__ == "__main__":
        import zmq
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        proc = context.Process(target=child, args=(queue,))
        proc.start()
        print("parent", zmq.__name__, "child", queue.get(timeout=20))
        proc.join()
    """
)


def test_spawned_children_get_ferrozmq_too(tmp_path):
    (tmp_path / "spawning.py").write_text(SPAWNING)
    out = finish(run(["spawning.py"], cwd=tmp_path))
    assert "parent ferrozmq child ferrozmq" in out


def test_the_environment_variable_alone_gives_ferrozmq(tmp_path):
    env = dict(os.environ, FERROZMQ_AS_ZMQ="1")
    code = "import zmq, ferrozmq; print(zmq is ferrozmq)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=tmp_path, env=env
    )
    assert done.stdout.strip() == "True", done.stderr
