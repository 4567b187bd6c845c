"""zmq.devices: proxies in a thread and in a process."""

import pytest

import ferrozmq as zmq
from ferrozmq import devices

from conftest import free_tcp, fresh_ipc


@pytest.mark.parametrize("kind", ["ThreadDevice", "ProcessDevice"])
def test_queue_device(ctx, kind):
    front, back = free_tcp(), free_tcp()
    dev = getattr(devices, kind)(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    dev.bind_in(front)
    dev.bind_out(back)
    dev.setsockopt_in(zmq.LINGER, 0)
    dev.setsockopt_out(zmq.LINGER, 0)
    dev.start()
    client = ctx.socket(zmq.REQ)
    client.connect(front)
    worker = ctx.socket(zmq.REP)
    worker.connect(back)
    for s in (client, worker):
        s.rcvtimeo = 5000
    client.send(b"job")
    assert worker.recv() == b"job"
    worker.send(b"done")
    assert client.recv() == b"done"


def test_thread_proxy_with_monitor(ctx, tmp_path):
    # ipc: the device binds in its thread while the test already connects,
    # and a tcp port chosen in advance can meanwhile be taken as the source
    # port of a connect (then the device's bind fails).
    front, back, mon = (fresh_ipc(tmp_path) for _ in range(3))
    dev = devices.ThreadProxy(zmq.PULL, zmq.PUSH, zmq.PUSH)
    dev.bind_in(front)
    dev.bind_out(back)
    dev.bind_mon(mon)
    dev.start()
    push = ctx.socket(zmq.PUSH)
    push.connect(front)
    pull = ctx.socket(zmq.PULL)
    pull.connect(back)
    tap = ctx.socket(zmq.PULL)
    tap.connect(mon)
    for s in (pull, tap):
        s.rcvtimeo = 5000
    push.send(b"through")
    assert pull.recv() == b"through"
    assert tap.recv() == b"through"


def test_thread_proxy_steerable_terminates(ctx):
    front, back, ctrl = free_tcp(), free_tcp(), free_tcp()
    dev = devices.ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    dev.bind_in(front)
    dev.bind_out(back)
    dev.bind_ctrl(ctrl)
    dev.start()
    steer = ctx.socket(zmq.PAIR)
    steer.connect(ctrl)
    steer.send(b"TERMINATE")
    dev.join(5)
    assert not dev.launcher.is_alive()


def test_thread_monitored_queue(ctx):
    a, b, mon = free_tcp(), free_tcp(), free_tcp()
    dev = devices.ThreadMonitoredQueue(zmq.PAIR, zmq.PAIR, zmq.PUB, b"in", b"out")
    dev.bind_in(a)
    dev.bind_out(b)
    dev.bind_mon(mon)
    dev.start()
    alice = ctx.socket(zmq.PAIR)
    alice.connect(a)
    bob = ctx.socket(zmq.PAIR)
    bob.connect(b)
    tap = ctx.socket(zmq.SUB)
    tap.subscribe(b"")
    tap.connect(mon)
    for s in (alice, bob, tap):
        s.rcvtimeo = 5000
    # Until the tap's subscription has reached the device's PUB.
    while True:
        alice.send_multipart([b"hi", b"bob"])
        assert bob.recv_multipart() == [b"hi", b"bob"]
        if tap.poll(100):
            break
    assert tap.recv_multipart() == [b"in", b"hi", b"bob"]
    bob.send(b"hello")
    assert alice.recv() == b"hello"
    while True:  # skip copies of the greetings sent before the tap listened
        msg = tap.recv_multipart()
        if msg[0] == b"out":
            break
    assert msg == [b"out", b"hello"]
