"""ferrozmq.green (pyzmq's zmq.green): a blocking call blocks one greenlet,
the others run meanwhile; real pyzmq peers in threads of their own."""

import faulthandler
import os
import threading
import warnings

import pytest

gevent = pytest.importorskip("gevent")

import zmq as pyzmq  # noqa: E402

import ferrozmq.green as zmq  # noqa: E402
from conftest import free_tcp  # noqa: E402


@pytest.fixture
def gctx():
    # A call that blocked the thread instead of the greenlet would hang the
    # test for good: end the process with the tracebacks instead.
    faulthandler.dump_traceback_later(120, exit=True)
    context = zmq.Context()
    yield context
    context.destroy(linger=0)
    faulthandler.cancel_dump_traceback_later()


def pull_and_push(gctx):
    """A green PULL bound on tcp and a green PUSH connected to it."""
    addr = free_tcp()
    pull = gctx.socket(zmq.PULL)
    pull.bind(addr)
    push = gctx.socket(zmq.PUSH)
    push.connect(addr)
    return pull, push


def pyzmq_pairing_router(addr, rounds, ready):
    """A real pyzmq ROUTER in a thread: each round it waits for two requests
    before it answers either (upper-cased), so it only answers clients that
    wait in recv at the same time."""
    ctx = pyzmq.Context()
    router = ctx.socket(pyzmq.ROUTER)
    router.bind(addr)
    ready.set()
    try:
        for _ in range(rounds):
            pending = []
            while len(pending) < 2:
                if not router.poll(20000):
                    return
                pending.append(router.recv_multipart())
            for peer, empty, body in pending:
                router.send_multipart([peer, empty, body.upper()])
    finally:
        ctx.destroy(linger=0)


def test_two_greenlets_wait_in_recv_at_once_against_real_pyzmq(gctx):
    addr, ready = free_tcp(), threading.Event()
    server = threading.Thread(target=pyzmq_pairing_router, args=(addr, 3, ready))
    server.start()
    assert ready.wait(10)

    def client(name):
        req = gctx.socket(zmq.REQ)
        req.connect(addr)
        answers = []
        for i in range(3):
            req.send_string(f"{name}{i}")
            answers.append(req.recv_string())
        req.close()
        return answers

    # Both requests of a round must be out before the server answers: the
    # first client's recv must have let the second greenlet run.
    clients = [gevent.spawn(client, n) for n in ("a", "b")]
    gevent.joinall(clients, timeout=30, raise_error=True)
    server.join(10)
    assert [c.value for c in clients] == [["A0", "A1", "A2"], ["B0", "B1", "B2"]]


def test_a_greenlet_waiting_in_recv_lets_this_one_send(gctx):
    pull, push = pull_and_push(gctx)
    receiver = gevent.spawn(pull.recv)
    gevent.sleep(0.05)  # the receiver runs, and waits
    assert not receiver.ready()
    push.send(b"x")
    assert receiver.get(timeout=10) == b"x"


def test_timeo_options_warn_and_change_nothing_as_in_pyzmq(gctx):
    # pyzmq's zmq.green: "TIMEO socket options have no effect": a greenlet
    # waits until its socket is ready, RCVTIMEO or not.
    addr = free_tcp()
    pull = gctx.socket(zmq.PULL)
    pull.bind(addr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pull.rcvtimeo = 50
        assert pull.rcvtimeo == 50
        pull.setsockopt(zmq.SNDTIMEO, 50)
    assert [w.category for w in caught] == [UserWarning] * 3
    assert "no effect in zmq.green" in str(caught[0].message)
    receiver = gevent.spawn(pull.recv)
    gevent.sleep(0.2)  # well past RCVTIMEO
    assert not receiver.ready()
    push = gctx.socket(zmq.PUSH)
    push.connect(addr)
    push.send(b"late")
    assert receiver.get(timeout=10) == b"late"


def test_dontwait_raises_again(gctx):
    push = gctx.socket(zmq.PUSH)
    push.bind(free_tcp())  # no peer has connected: the message cannot go
    with pytest.raises(zmq.Again):
        push.send(b"x", zmq.DONTWAIT)
    with pytest.raises(zmq.Again):
        push.send_multipart([b"a", b"b"], zmq.DONTWAIT)
    pull = gctx.socket(zmq.PULL)
    pull.bind(free_tcp())
    with pytest.raises(zmq.Again):
        pull.recv(zmq.NOBLOCK)


def test_multipart_json_pyobj_and_recv_into_between_greenlets(gctx):
    pull, push = pull_and_push(gctx)

    def receive():
        buf = bytearray(8)
        return (
            pull.recv_multipart(),
            pull.recv_json(),
            pull.recv_pyobj(),
            pull.recv_into(buf),
            bytes(buf[:4]),
        )

    receiver = gevent.spawn(receive)
    gevent.sleep(0.05)  # the receiver waits first
    push.send_multipart([b"k", b"v"])
    push.send_json({"a": 1})
    push.send_pyobj((1, "two"))
    push.send(b"four")
    assert receiver.get(timeout=10) == ([b"k", b"v"], {"a": 1}, (1, "two"), 4, b"four")


def test_poller_and_socket_poll_yield_and_see_sockets_and_fds(gctx):
    pull, push = pull_and_push(gctx)
    read_fd, write_fd = os.pipe()
    try:
        poller = zmq.Poller()
        poller.register(pull, zmq.POLLIN)
        poller.register(read_fd, zmq.POLLIN)
        assert poller.poll(50) == []
        assert pull.poll(50) == 0
        gevent.spawn_later(0.05, push.send, b"now")
        assert poller.poll(10000) == [(pull, zmq.POLLIN)]
        assert pull.poll(0) == zmq.POLLIN and pull.recv() == b"now"
        gevent.spawn_later(0.05, os.write, write_fd, b"!")
        assert poller.poll(10000) == [(read_fd, zmq.POLLIN)]
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_device_forwards_in_a_greenlet(gctx):
    front, back = free_tcp(), free_tcp()
    router = gctx.socket(zmq.ROUTER)
    router.bind(front)
    dealer = gctx.socket(zmq.DEALER)
    dealer.bind(back)
    queue = gevent.spawn(zmq.device, zmq.QUEUE, router, dealer)
    rep = gctx.socket(zmq.REP)
    rep.connect(back)
    req = gctx.socket(zmq.REQ)
    req.connect(front)

    def serve():
        rep.send(rep.recv() + b"!")

    server = gevent.spawn(serve)
    req.send(b"hi")
    assert req.recv() == b"hi!"
    server.get(timeout=10)
    queue.kill()


def test_green_eventloop_zmqstream_receives_on_its_loop(gctx):
    pytest.importorskip("tornado")
    from ferrozmq.green.eventloop.ioloop import IOLoop
    from ferrozmq.green.eventloop.zmqstream import ZMQStream

    pull, push = pull_and_push(gctx)
    loop = IOLoop()
    got = []
    try:
        stream = ZMQStream(pull, io_loop=loop)
        assert stream.io_loop is loop

        def received(frames):
            got.append(frames)
            loop.stop()

        stream.on_recv(received)
        loop.call_later(10, loop.stop)
        push.send_multipart([b"to", b"the stream"])
        loop.start()
    finally:
        loop.close()
    assert got == [[b"to", b"the stream"]]
