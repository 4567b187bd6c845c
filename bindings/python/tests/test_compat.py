"""pyzmq API found missing by pyzmq's own suite: shadows, zmq.eventloop,
zmq.log, zmq.decorators, asyncio cancellation, option attributes."""

import asyncio
import copy
import logging

import pytest

import zmq as pyzmq

import ferrozmq as zmq
from conftest import free_tcp


def test_socket_shadow_is_the_same_socket(ctx):
    push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    endpoint = free_tcp()
    push.bind(endpoint)
    pull.connect(endpoint)
    by_address = zmq.Socket.shadow(pull.underlying)
    by_object = zmq.Socket(pull)
    assert by_address.underlying == by_object.underlying == pull.underlying
    assert by_object._shadow_obj is pull and by_address.context is ctx
    push.send(b"hi")
    assert by_address.recv() == b"hi"
    pull.close()
    assert by_address.closed and by_object.closed
    with pytest.raises(zmq.ZMQError):
        by_object.recv(zmq.DONTWAIT)
    assert copy.copy(push).underlying == push.underlying


def test_shadow_of_unknown_address_is_an_error():
    with pytest.raises(ValueError):
        zmq.Socket.shadow(12345)


def test_context_shadow(ctx):
    twin = zmq.Context.shadow(ctx.underlying)
    assert twin.underlying == ctx.underlying and twin._shadow
    s = twin.socket(zmq.PUB)
    s.close()
    assert copy.deepcopy(ctx).underlying == ctx.underlying
    ctx.term()
    with pytest.raises(zmq.ZMQError) as e:
        twin.socket(zmq.PUB)
    assert e.value.errno == zmq.EFAULT


def test_option_attributes(ctx):
    s = ctx.socket(zmq.SUB)
    s.linger = 5
    assert s.linger == 5 and s.LINGER == 5
    s.subscribe = b"topic"  # the option, though subscribe is also a method
    with pytest.raises(AttributeError):
        s.subscribe_  # noqa: B018 - not an option
    with pytest.raises(AttributeError):
        s.no_such_option = 1
    with pytest.raises(TypeError):
        s.setsockopt(9999, b"x")  # unknown options take ints only
    s.close()


def test_decorators():
    from ferrozmq.decorators import context, socket

    @context()
    @socket(zmq.PUSH)
    def work(ctx, push):
        assert isinstance(ctx, zmq.Context) and push.context is ctx
        return push

    assert work().closed


def test_pub_handler(ctx):
    from ferrozmq.log.handlers import PUBHandler

    pub, sub = ctx.socket(zmq.PUB), ctx.socket(zmq.SUB)
    endpoint = free_tcp()
    pub.bind(endpoint)
    sub.connect(endpoint)
    sub.subscribe(b"app")
    handler = PUBHandler(pub, root_topic="app")
    logger = logging.getLogger("ferrozmq-test-log")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        sub.rcvtimeo = 100
        for _ in range(50):  # until the subscription has reached the PUB
            logger.info("db::hello")
            try:
                topic, body = sub.recv_multipart()
                break
            except zmq.Again:
                pass
        assert topic == b"app.INFO.db" and body == b"hello\n"
    finally:
        logger.removeHandler(handler)


def test_asyncio_cancel_loses_no_message(ctx):
    import ferrozmq.asyncio as zaio

    async def main():
        actx = zaio.Context()
        a, b = actx.socket(zmq.PUSH), actx.socket(zmq.PULL)
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
        first, second = b.recv(), b.recv_multipart()
        assert first.cancel() and first.done()
        await a.send_multipart([b"hi", b"there"])
        assert await second == [b"hi", b"there"]
        waiting = b.poll(timeout=1000)
        b.close()
        await asyncio.sleep(0)
        assert waiting.cancelled()
        a.close()
        actx.term()

    asyncio.run(main())


def test_zmqstream(ctx):
    pytest.importorskip("tornado")
    from ferrozmq.eventloop.zmqstream import ZMQStream

    async def main():
        push = ZMQStream(ctx.socket(zmq.PUSH))
        pull = ZMQStream(ctx.socket(zmq.PULL))
        port = push.bind_to_random_port("tcp://127.0.0.1")
        pull.connect(f"tcp://127.0.0.1:{port}")
        got = asyncio.get_running_loop().create_future()
        sent = []
        pull.on_recv(lambda frames: got.done() or got.set_result(frames))
        push.on_send(lambda msg, status: sent.append(msg))
        push.send_multipart([b"a", b"b"])
        assert await asyncio.wait_for(got, 5) == [b"a", b"b"]
        assert sent == [[b"a", b"b"]]
        push.close()
        pull.close()
        assert pull.closed()

    asyncio.run(main())


def test_curve_keygen_module(capsys):
    from ferrozmq import curve_keygen

    curve_keygen.main(["--json"])
    import json

    keys = json.loads(capsys.readouterr().out)
    assert zmq.curve_public(keys["secret"].encode()) == keys["public"].encode()


def test_asyncio_authenticator_plain():
    import ferrozmq.asyncio as zaio
    from ferrozmq.auth.asyncio import AsyncioAuthenticator

    async def main():
        actx = zaio.Context()
        auth = AsyncioAuthenticator(actx)
        auth.start()
        auth.configure_plain(domain="*", passwords={"admin": "secret"})
        server, client = actx.socket(zmq.PULL), actx.socket(zmq.PUSH)
        server.plain_server = True
        client.plain_username, client.plain_password = b"admin", b"secret"
        port = server.bind_to_random_port("tcp://127.0.0.1")
        client.connect(f"tcp://127.0.0.1:{port}")
        await client.send(b"authenticated")
        assert await asyncio.wait_for(server.recv(), 5) == b"authenticated"
        auth.stop()
        server.close()
        client.close()
        actx.term()

    asyncio.run(main())


def test_tracked_frame_send_returns_its_tracker(ctx):
    push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    pull.connect(f"tcp://127.0.0.1:{port}")
    frame = zmq.Frame(b"again", copy=False, track=True)
    first, second = push.send(frame, copy=False), push.send(frame, zmq.SNDMORE)
    assert first is not None and second is not None
    push.send(b"end")
    assert pull.recv() == b"again"
    assert pull.recv_multipart() == [b"again", b"end"]
    assert push.send(b"small", copy=False, track=True) is zmq._FINISHED_TRACKER
    pull.recv()
    with pytest.raises(ValueError):
        push.send(zmq.Frame(b"untracked"), copy=False, track=True)


def test_poll_a_socket_and_its_shadow(ctx):
    push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    pull.connect(f"tcp://127.0.0.1:{port}")
    shadow = zmq.Socket.shadow(pull)
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.register(shadow, zmq.POLLIN)
    assert poller.poll(50) == []  # and no deadlock on the shared socket
    push.send(b"x")
    ready = dict(poller.poll(5000))
    assert ready == {pull: zmq.POLLIN, shadow: zmq.POLLIN}


def test_public_names_of_pyzmq():
    """Every public name of pyzmq's top-level module is ferrozmq's too,
    except the modules pyzmq's __init__ imports for itself, the deprecated
    Stopwatch, and zmq_errno (libzmq's thread-local errno: ferrozmq's
    errors carry theirs)."""
    own_imports = {"Enum", "IntEnum", "IntFlag", "annotations", "contextmanager", "os", "sys"}
    not_offered = {"Stopwatch", "zmq_errno"}
    theirs = {n for n in dir(pyzmq) if not n.startswith("_")}
    ours = {n for n in dir(zmq) if not n.startswith("_")}
    assert theirs - ours - own_imports - not_offered == set()
    assert zmq.SyncSocket is zmq.Socket and zmq.SyncContext is zmq.Context
    assert issubclass(zmq.DraftFDWarning, RuntimeWarning) and zmq.PYZMQ_DRAFT_API is False
    with zmq.Context() as ctx, ctx.socket(zmq.PAIR) as a, ctx.socket(zmq.PAIR) as b:
        a.bind("inproc://zmq-poll")
        b.connect("inproc://zmq-poll")
        a.send(b"x")
        assert zmq.zmq_poll([(b, zmq.POLLIN)], 1000) == [(b, zmq.POLLIN)]


def test_monitor_utils_bring_the_asyncio_module_as_in_pyzmq():
    # pyzmq's examples/monitoring/zmq_monitor_class.py imports only zmq and
    # zmq.utils.monitor, then names zmq.asyncio.Socket: pyzmq's monitor
    # module imports zmq.asyncio. A fresh interpreter, so nothing else has.
    import subprocess
    import sys

    probe = (
        "import ferrozmq, ferrozmq.utils.monitor; "
        "assert isinstance(ferrozmq.asyncio.Socket, type)"
    )
    subprocess.run([sys.executable, "-c", probe], timeout=30, check=True)


def test_setsockopt_checks_the_value_type_as_pyzmq(ctx):
    s = ctx.socket(zmq.DEALER)
    try:
        for sock in (s, pyzmq.Context.instance().socket(pyzmq.DEALER)):
            lib = zmq if sock is s else pyzmq
            with pytest.raises(TypeError):
                sock.setsockopt(lib.ROUTING_ID, 5)
            with pytest.raises(TypeError):
                sock.setsockopt(lib.LINGER, b"x")
            with pytest.raises(TypeError):
                sock.setsockopt(lib.MAXMSGSIZE, 1.5)
            sock.setsockopt(lib.ROUTING_ID, b"id")
            sock.setsockopt(lib.LINGER, 0)
            if sock is not s:
                sock.close()
        assert s.getsockopt(zmq.ROUTING_ID) == b"id"
    finally:
        s.close()


def test_poll_events_and_types_come_back_as_pyzmq_gives_them(ctx):
    """Plain ints from poll and EVENTS, a SocketType from ``type``, and
    OverflowError for an int option's value that does not fit."""
    mine = ctx.socket(zmq.DEALER)
    theirs = pyzmq.Context.instance().socket(pyzmq.DEALER)
    try:
        for sock, lib in ((mine, zmq), (theirs, pyzmq)):
            sock.connect("tcp://127.0.0.1:9")  # no peer: never writable
            assert type(sock.poll(0, lib.POLLOUT)) is int
            assert type(sock.getsockopt(lib.EVENTS)) is int
            assert type(sock.get(lib.TYPE)) is int
            assert repr(sock.type) == "<SocketType.DEALER: 5>"
            with pytest.raises(OverflowError):
                sock.setsockopt(lib.LINGER, 2**40)
            with pytest.raises(OverflowError):
                sock.setsockopt(lib.MAXMSGSIZE, 2**70)
    finally:
        mine.close(linger=0)
        theirs.close(linger=0)


def test_monitor_messages_parse_as_pyzmq_parses_them():
    # pyzmq gives the value as Event flags too (whatever it means for the
    # event: a descriptor, an errno, an interval): the same dicts and reprs.
    import struct

    from zmq.utils.monitor import parse_monitor_message as theirs

    from ferrozmq.utils.monitor import parse_monitor_message as ours

    for event, value in [
        (zmq.EVENT_LISTENING, 11),
        (zmq.EVENT_ACCEPTED, 16),
        (zmq.EVENT_CONNECT_RETRIED, 100),
        (zmq.EVENT_CLOSED, 0),
        (zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, 0x10000001),
        (zmq.EVENT_MONITOR_STOPPED, -1),
    ]:
        msg = [struct.pack("=hi", event, value), b"tcp://127.0.0.1:5555"]
        assert repr(ours(msg)) == repr(theirs(msg))


def test_context_and_socket_are_generic_as_in_pyzmq():
    # Annotated pyzmq programs subscript them at run time (pyzmq's
    # examples/serialization: `class SerializingContext(zmq.Context[S])`).
    class TaggedSocket(zmq.Socket["TaggedSocket"]):
        tag = "tagged"

    class TaggedContext(zmq.Context[TaggedSocket]):
        _socket_class = TaggedSocket

    for lib in (pyzmq, zmq):
        assert lib.Context[lib.Socket].__origin__ is lib.Context
        assert lib.Socket[bytes].__origin__ is lib.Socket
    ctx = TaggedContext()
    try:
        sock = ctx.socket(zmq.PAIR)
        assert isinstance(sock, TaggedSocket) and sock.tag == "tagged"
        sock.close()
    finally:
        ctx.term()
