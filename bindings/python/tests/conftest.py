"""Fixtures: a ferrozmq context per test, fresh endpoints."""

import os
import socket as pysocket
import uuid

import pytest

import ferrozmq


@pytest.fixture
def ctx():
    """A ferrozmq context; its leftover sockets are closed at the end."""
    context = ferrozmq.Context()
    yield context
    context.destroy(linger=0)


def free_tcp():
    """A tcp endpoint on a port free right now."""
    with pysocket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def fresh_ipc(tmp_path):
    """An ipc endpoint in the test's temporary directory."""
    return f"ipc://{os.path.join(tmp_path, uuid.uuid4().hex[:8])}"


@pytest.fixture(params=["tcp", "ipc"])
def endpoint(request, tmp_path):
    """A tcp or an ipc endpoint."""
    if request.param == "tcp":
        return free_tcp()
    return fresh_ipc(tmp_path)
