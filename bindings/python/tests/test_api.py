"""pyzmq's API on ferrozmq: context, socket, options, send/recv flavours."""

import ctypes
import pickle
import sys
import threading
import time

import pytest
import zmq as pyzmq

import ferrozmq as zmq


def pair(ctx, addr="inproc://pair"):
    a = ctx.socket(zmq.PAIR)
    a.bind(addr)
    b = ctx.socket(zmq.PAIR)
    b.connect(addr)
    return a, b


def test_constants_match_pyzmq():
    names = [n for n in pyzmq.constants.__all__ if n.isupper()]
    assert len(names) > 200
    for name in names:
        assert getattr(zmq, name) == getattr(pyzmq, name), name
    for enum in ("SocketType", "SocketOption", "Event", "PollEvent", "Errno", "Flag"):
        ours = {m.name: int(m) for m in getattr(zmq, enum)}
        theirs = {m.name: int(m) for m in getattr(pyzmq, enum)}
        # ferrozmq's own extensions (the spool options) are the only extras,
        # numbered outside libzmq's range.
        extensions = {n: v for n, v in ours.items() if n.startswith("FERROZMQ_")}
        assert all(v >= 0x4652_0000 for v in extensions.values()), enum
        assert {n: v for n, v in ours.items() if n not in extensions} == theirs, enum
    assert zmq.SocketType.REQ == 3 and isinstance(zmq.REQ, int)


def test_versions_and_has():
    assert zmq.zmq_version_info()[:2] == (4, 3)
    assert zmq.zmq_version() == "%i.%i.%i" % zmq.zmq_version_info()
    assert zmq.pyzmq_version_info()[0] >= 27
    # As pyzmq: __version__ is pyzmq's API version; ferrozmq's is separate.
    assert zmq.__version__ == zmq.pyzmq_version()
    assert zmq.__ferrozmq_version__.count(".") == 2
    assert zmq.has("ipc") and zmq.has("curve") and not zmq.has("nonsense")


def test_exceptions():
    e = zmq.ZMQError(zmq.EINVAL)
    assert e.errno == zmq.EINVAL and e.strerror == "Invalid argument" and str(e) == e.strerror
    assert issubclass(zmq.Again, zmq.ZMQError) and zmq.Again().errno == zmq.EAGAIN
    assert zmq.ContextTerminated().errno == zmq.ETERM
    assert zmq.strerror(zmq.ETERM) == "Context was terminated"
    assert isinstance(zmq.NotDone(), zmq.ZMQBaseError)
    assert isinstance(zmq.ZMQBindError(), zmq.ZMQBaseError)
    assert "4.0" in str(zmq.ZMQVersionError("4.0"))


def test_context_instance_and_term():
    a = zmq.Context.instance()
    assert zmq.Context.instance() is a
    a.term()
    assert a.closed
    b = zmq.Context.instance()
    assert b is not a
    b.term()
    with zmq.Context() as c:
        s = c.socket(zmq.PUSH)
        s.close()
    assert c.closed
    with pytest.raises(zmq.ZMQError):
        c.socket(zmq.PUSH)


def test_context_options_and_default_sockopts():
    with zmq.Context() as c:
        assert c.get(zmq.IO_THREADS) == 1
        c.max_sockets = 64
        assert c.max_sockets == 64
        c.linger = 0
        c.rcvhwm = 7
        s = c.socket(zmq.PULL)
        assert s.linger == 0 and s.rcvhwm == 7
        s.close()


def test_destroy_closes_sockets():
    c = zmq.Context()
    socks = [c.socket(zmq.PUSH) for _ in range(3)]
    socks[0].connect("tcp://127.0.0.1:9")
    c.destroy(linger=0)
    assert all(s.closed for s in socks) and c.closed


DESTROY_WITH_QUEUED = """
import ferrozmq as zmq
c = zmq.Context()
s = c.socket(zmq.PUSH)
s.connect("tcp://127.0.0.1:9")
s.send(b"queued")  # never deliverable: only LINGER 0 lets term finish
c.destroy(linger=0)
"""


def test_destroy_linger_zero_drops_queued():
    import subprocess
    import sys

    try:
        subprocess.run([sys.executable, "-c", DESTROY_WITH_QUEUED], timeout=5, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail("term hung: the queued message lingered")


def test_bad_socket_type(ctx):
    with pytest.raises(zmq.ZMQError) as e:
        ctx.socket(99)
    assert e.value.errno == zmq.EINVAL


def test_send_recv_flavours(ctx):
    a, b = pair(ctx)
    a.send(b"bytes")
    assert b.recv() == b"bytes"
    a.send(bytearray(b"buf"))
    a.send(memoryview(b"view"))
    assert b.recv() == b"buf" and b.recv() == b"view"
    with pytest.raises(TypeError):
        a.send("text")
    a.send_string("héllo")
    assert b.recv_string() == "héllo"
    a.send_pyobj({"k": [1, 2]})
    assert b.recv_pyobj() == {"k": [1, 2]}
    a.send_json({"j": 1})
    assert b.recv_json() == {"j": 1}
    a.send_multipart([b"1", b"2", b"3"])
    assert b.recv_multipart() == [b"1", b"2", b"3"]
    a.send(b"x", zmq.SNDMORE)
    a.send(b"y")
    assert b.recv() == b"x" and b.rcvmore == 1 and b.recv() == b"y" and b.rcvmore == 0
    a.send_serialized([1, 2], lambda m: [pickle.dumps(x) for x in m])
    assert b.recv_serialized(lambda fs: [pickle.loads(f) for f in fs]) == [1, 2]
    with pytest.raises(zmq.Again):
        b.recv(zmq.NOBLOCK)


def test_send_recv_arguments(ctx):
    """send/recv take pyzmq's arguments by position and by name (on
    Python 3.10+ through their METH_FASTCALL versions) and refuse bad ones."""
    a, b = pair(ctx)
    a.send(b"1", 0, True, False, None, None)
    assert b.recv(0, True, False) == b"1"
    a.send(data=b"2", copy=False, flags=0)
    assert b.recv(copy=False, flags=0).bytes == b"2"
    a.send(b"3", **{"".join(["co", "py"]): False})  # a keyword name built at run time
    assert b.recv(**{"".join(["fl", "ags"]): 0}) == b"3"
    tracker = a.send(b"4", track=True)
    assert b.recv() == b"4"
    tracker.wait(5)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'data'"):
        a.send()
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        a.send(b"x", bogus=1)
    with pytest.raises(TypeError, match="multiple values for argument 'flags'"):
        a.send(b"x", 0, flags=0)
    with pytest.raises(TypeError, match="takes from 0 to 3 positional arguments but 4"):
        b.recv(0, True, False, 1)
    with pytest.raises(TypeError):
        a.send(b"x", flags="not an int")
    with pytest.raises(zmq.Again):
        b.recv(flags=zmq.NOBLOCK)
    if sys.version_info >= (3, 10):
        assert "routing_id=None" in zmq.Socket.send.__text_signature__
    # `self` must be a socket: CPython's method descriptor checks it before
    # the Rust code (which relies on that) runs.
    from ferrozmq import _ferrozmq

    for not_a_socket in (object(), 3, None, zmq.Frame(b"f")):
        with pytest.raises(TypeError, match="doesn't apply"):
            _ferrozmq.Socket.send(not_a_socket, b"x")
        with pytest.raises(TypeError, match="doesn't apply"):
            _ferrozmq.Socket.recv(not_a_socket)
        with pytest.raises(TypeError):
            _ferrozmq.Socket.__dict__["send"].__get__(not_a_socket)(b"x")


def test_copy_and_track_take_any_truth_value(ctx):
    """pyzmq declares copy and track as Cython bint: any object is taken by
    its truth value (copy=0, copy=None, track=1 ...), not only a bool."""
    a, b = pair(ctx)
    for copy, gives_bytes in ((1, True), ("yes", True), (0, False), (None, False), ([], False)):
        a.send(b"t", copy=copy)
        got = b.recv(copy=copy)
        assert isinstance(got, bytes) == gives_bytes and bytes(got) == b"t"
        a.send_multipart([b"m", b"n"], copy=copy)
        assert [bytes(f) for f in b.recv_multipart(copy=copy)] == [b"m", b"n"]
    tracker = a.send(b"u", copy=0, track=1)
    assert b.recv() == b"u"
    tracker.wait(5)
    assert a.send(b"v", track=0) is None and b.recv() == b"v"
    assert zmq.Frame(b"w", track=1).tracker is not None
    assert zmq.Frame(b"w", track=0).tracker is None
    assert isinstance(zmq.Frame(b"w", copy=0), zmq.Frame)


def test_frame_zero_copy(ctx):
    a, b = pair(ctx)
    payload = bytes(range(256)) * 300
    a.send(payload)
    frame = b.recv(copy=False)
    assert isinstance(frame, zmq.Frame) and len(frame) == len(payload)
    view = frame.buffer
    # Large and shared (with `payload` itself, inproc): read-only, not copied.
    assert isinstance(view, memoryview) and view.readonly and view.format == "B"
    if sys.version_info >= (3, 9):
        assert view.obj is frame  # the buffer protocol of the frame itself
    else:
        assert ctypes.addressof(view.obj) == frame._export()[0]
    assert view.tobytes() == payload == frame.bytes == bytes(frame)
    del frame  # the view keeps the bytes alive
    assert view[:3].tobytes() == payload[:3]
    a.send(zmq.Frame(b"again"))
    assert b.recv() == b"again"
    a.send_multipart([b"m", b"n"])
    frames = b.recv_multipart(copy=False)
    assert [f.more for f in frames] == [True, False]
    assert frames[0].get(zmq.MORE) == 1
    assert zmq.Frame(b"e").buffer.tobytes() == b"e" and len(zmq.Frame()) == 0


@pytest.mark.skipif(sys.version_info < (3, 9), reason="no buffer slots in 3.8's type specs")
def test_frame_buffer_protocol(ctx):
    a, b = pair(ctx)
    a.send(b"received bytes")
    frame = b.recv(copy=False)
    view = memoryview(frame)
    assert not view.readonly and view.ndim == 1 and view.shape == (14,)
    assert view.tobytes() == bytes(frame) == b"received bytes"
    del frame
    assert view.tobytes() == b"received bytes"  # the view holds the frame
    assert memoryview(zmq.Frame()).tobytes() == b""


@pytest.mark.parametrize("addr", ["inproc://writable", "tcp://127.0.0.1:*", "ipc://@ferrozmq-writable"])
@pytest.mark.parametrize("size", [5, 64, 65536])
def test_received_frame_is_writable(ctx, addr, size):
    """As pyzmq's: a received frame's buffer can be written (numpy arrays
    made from it can be changed in place), and the writes are the frame's
    own: the sender's bytes and the next messages are untouched."""
    a = ctx.socket(zmq.PAIR)
    a.bind(addr)
    b = ctx.socket(zmq.PAIR)
    b.connect(a.last_endpoint.decode())
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    a.send(payload, copy=False)  # large: the message holds `payload` itself
    a.send(payload)
    frame = b.recv(copy=False)
    view = frame.buffer
    assert not view.readonly
    view[0] = 0xAA
    view[-1] = 0xBB
    changed = b"\xaa" + payload[1:-1] + b"\xbb"
    assert view.tobytes() == frame.bytes == changed
    if sys.version_info >= (3, 9):
        assert memoryview(frame).tobytes() == changed
        (ctypes.c_char * 1).from_buffer(frame)[0] = b"C"  # what numpy and ctypes use
        changed = b"C" + changed[1:]
        assert view.tobytes() == changed
    assert payload[0] == 0 and payload[-1] != 0xBB  # the sender's bytes: untouched
    assert b.recv() == payload  # the next message too
    a.send(frame, copy=False)  # a written frame sends what it now holds
    assert b.recv() == changed
    a.close()
    b.close()


@pytest.mark.skipif(sys.version_info < (3, 9), reason="no buffer slots in 3.8's type specs")
def test_frame_of_bytes_is_written_on_its_own_copy():
    data = b"d" * 1000
    frame = zmq.Frame(data, copy=False)  # holds `data`, not a copy of it
    memoryview(frame)[:2] = b"XY"
    assert data == b"d" * 1000  # a Python bytes object is never written
    assert frame.bytes[:3] == b"XYd" and len(frame) == len(data)
    small = zmq.Frame(b"abc")  # copied at once: written in place
    memoryview(small)[1:2] = b"-"
    assert small.bytes == b"a-c"


@pytest.mark.skipif(sys.version_info < (3, 9), reason="no buffer slots in 3.8's type specs")
@pytest.mark.parametrize("addr", ["inproc://large", "tcp://127.0.0.1:*"])
def test_large_shared_frame_is_read_only_and_not_copied(ctx, addr):
    """Above 64 KiB, bytes that may be shared are exported read-only rather
    than copied: a writable request fails (numpy then makes a read-only
    array), and the view is the frame's memory itself."""
    a = ctx.socket(zmq.PAIR)
    a.bind(addr)
    b = ctx.socket(zmq.PAIR)
    b.connect(a.last_endpoint.decode())
    data = b"L" * 100_000
    a.send(data, copy=False)
    frame = b.recv(copy=False)
    view = memoryview(frame)
    assert view.readonly and view.tobytes() == data
    with pytest.raises((BufferError, TypeError)):
        (ctypes.c_char * 1).from_buffer(frame)
    held = zmq.Frame(data, copy=False)
    assert memoryview(held).readonly
    # The exported bytes are `data`'s own buffer: nothing was copied.
    data_address = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
    assert held._export() == (data_address, False)
    if addr.startswith("inproc"):
        assert frame._export() == (data_address, False)  # the sender's bytes, shared
    a.close()
    b.close()


def test_frame_as_pyzmq(ctx):
    frame = zmq.Frame(b"abc")
    assert frame.bytes is frame.bytes  # copied once, as pyzmq
    assert frame.buffer is frame.buffer  # the same view while in use
    assert str(frame) == repr(frame) == "<zmq.Frame(b'abc')>"
    assert repr(zmq.Frame(b"x" * 2000)) == "<zmq.Frame(b'xxxxxxxxxxxx'...2kB)>"
    with pytest.raises(BufferError):
        zmq.Frame(memoryview(bytearray(10))[::2])
    with pytest.raises(ValueError):
        zmq.MessageTracker(frame)  # not made with track=True
    # copy=False shares a bytes object (held, not copied) at any size.
    data = b"y" * 100
    before = sys.getrefcount(data)
    shared = zmq.Frame(data, copy=False)
    assert sys.getrefcount(data) == before + 1
    copied = zmq.Frame(data)  # under COPY_THRESHOLD: copied
    assert sys.getrefcount(data) == before + 1
    a, b = pair(ctx)
    a.send(shared, copy=False)
    del shared
    assert b.recv() == data
    assert copied.bytes == data


def test_zero_copy_send_lets_go_of_the_bytes(ctx):
    """A large bytes object is held by its messages, not copied, and let go
    once the I/O thread is done with them: its reference goes back to
    Python at the next send or receive."""
    a = ctx.socket(zmq.PAIR)
    port = a.bind_to_random_port("tcp://127.0.0.1")
    b = ctx.socket(zmq.PAIR)
    b.connect(f"tcp://127.0.0.1:{port}")
    data = b"z" * 100_000
    before = sys.getrefcount(data)
    for _ in range(3):
        a.send(data, copy=False)
    assert sys.getrefcount(data) > before  # held by the messages in flight
    for _ in range(3):
        assert b.recv() == data
    deadline = time.monotonic() + 10
    while sys.getrefcount(data) != before and time.monotonic() < deadline:
        a.send(b"tick")
        assert b.recv() == b"tick"
    assert sys.getrefcount(data) == before
    a.close()
    b.close()


def test_frame_metadata_over_tcp(ctx, endpoint):
    a = ctx.socket(zmq.DEALER)
    a.bind(endpoint)
    b = ctx.socket(zmq.DEALER)
    b.connect(endpoint)
    b.send(b"hi")
    f = a.recv(copy=False)
    assert f["Socket-Type"] == "DEALER"
    assert f.get("Socket-Type") == "DEALER"


def test_frame_metadata_that_is_not_text(ctx, endpoint):
    # pyzmq decodes properties as UTF-8: a binary Identity raises what
    # decoding raises (checked on pyzmq 27.3.0's wheel).
    a = ctx.socket(zmq.ROUTER)
    a.bind(endpoint)
    b = ctx.socket(zmq.DEALER)
    b.setsockopt(zmq.ROUTING_ID, b"\xfe\xfdz")
    b.connect(endpoint)
    b.send(b"hi")
    routing_id = a.recv(copy=False)
    assert routing_id.bytes == b"\xfe\xfdz"
    with pytest.raises(UnicodeDecodeError):
        routing_id.get("Identity")
    body = a.recv(copy=False)
    with pytest.raises(UnicodeDecodeError):
        body["Identity"]
    assert body["Socket-Type"] == "DEALER"


def test_options(ctx):
    s = ctx.socket(zmq.ROUTER)
    assert s.linger == -1 and s.getsockopt(zmq.LINGER) == -1
    s.linger = 0
    assert s.get(zmq.LINGER) == 0
    s.setsockopt(zmq.SNDHWM, 5)
    assert s.sndhwm == 5
    s.hwm = 9
    assert s.sndhwm == 9 and s.rcvhwm == 9 and s.hwm == 9
    s.identity = b"me"
    assert s.identity == b"me" and s.routing_id == b"me"
    with pytest.raises(TypeError):
        s.identity = "text"
    s.setsockopt_string(zmq.ROUTING_ID, "you")
    assert s.getsockopt_string(zmq.ROUTING_ID) == "you"
    s.maxmsgsize = 2**40
    assert s.maxmsgsize == 2**40
    s.ipv4only = 0
    assert s.ipv6 == 1 and s.ipv4only == 0
    assert s.type == zmq.ROUTER and s.socket_type == zmq.ROUTER
    with pytest.raises(zmq.ZMQError) as e:
        s.sndhwm = -5
    assert e.value.errno == zmq.EINVAL
    with pytest.raises(AttributeError):
        s.no_such_option
    port = s.bind_to_random_port("tcp://127.0.0.1")
    # ZMQ_IPV6 is on: libzmq binds an IPv4 address mapped into IPv6, and
    # pyzmq reports it so.
    assert s.last_endpoint == f"tcp://[::ffff:127.0.0.1]:{port}".encode()
    port2 = s.bind_to_random_port("tcp://127.0.0.1", min_port=20000, max_port=60000)
    assert 20000 <= port2 < 60000
    assert s.fileno() == s.FD and s.FD > 0
    assert s.EVENTS & zmq.POLLIN == 0


def test_bind_connect_context_managers(ctx):
    s = ctx.socket(zmq.PULL)
    with s.bind("inproc://cm") as bound:
        assert bound is s
    with pytest.raises(zmq.ZMQError):
        s.unbind("inproc://cm")  # already unbound on exit
    with ctx.socket(zmq.PUSH) as p:
        with p.connect("inproc://nowhere"):
            pass
    assert p.closed


def test_subscribe(ctx):
    pub = ctx.socket(zmq.PUB)
    pub.bind("inproc://pubsub")
    sub = ctx.socket(zmq.SUB)
    sub.connect("inproc://pubsub")
    sub.subscribe("a")
    sub.subscribe(b"b")
    sub.unsubscribe("b")
    time.sleep(0.05)  # subscriptions travel to the publisher
    for topic in (b"a1", b"b1", b"c1", b"a2"):
        pub.send(topic)
    assert sub.recv() == b"a1" and sub.recv() == b"a2"
    assert sub.poll(50) == 0


def test_closed_socket_raises(ctx):
    s = ctx.socket(zmq.REQ)
    s.close()
    s.close()
    assert s.closed
    for call in (
        lambda: s.send(b"x"),
        lambda: s.recv(),
        lambda: s.bind("inproc://closed"),
        lambda: s.linger,
        lambda: s.setsockopt(zmq.LINGER, 0),
    ):
        with pytest.raises(zmq.ZMQError) as e:
            call()
        assert e.value.errno == zmq.ENOTSOCK
    with pytest.raises(zmq.ZMQError):
        s.poll(0)


def test_term_wakes_blocked_recv_with_eterm():
    c = zmq.Context()
    s = c.socket(zmq.PULL)
    s.bind("inproc://term")
    caught = []

    def blocked():
        try:
            s.recv()
        except zmq.ContextTerminated as e:
            caught.append(e)
        s.close()

    t = threading.Thread(target=blocked)
    t.start()
    time.sleep(0.1)
    c.term()
    t.join(5)
    assert caught and caught[0].errno == zmq.ETERM
    with pytest.raises(zmq.ZMQError) as e:
        s.recv()
    assert e.value.errno in (zmq.ENOTSOCK, zmq.ETERM)


def test_blocking_recv_releases_gil(ctx):
    a, b = pair(ctx)
    got = []
    t = threading.Thread(target=lambda: got.append(b.recv()))
    t.start()
    # While the other thread blocks in recv, this one runs Python code.
    counter = 0
    deadline = time.monotonic() + 0.2
    while time.monotonic() < deadline:
        counter += 1
    assert counter > 1000
    a.send(b"wake")
    t.join(5)
    assert got == [b"wake"]


def test_rcvtimeo(ctx):
    s = ctx.socket(zmq.PULL)
    s.rcvtimeo = 50
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        s.recv()
    assert 0.04 < time.monotonic() - t0 < 2


def test_poller_and_select(ctx):
    a, b = pair(ctx)
    poller = zmq.Poller()
    poller.register(a, zmq.POLLIN)
    poller.register(b, zmq.POLLIN | zmq.POLLOUT)
    assert dict(poller.poll(0)) == {b: zmq.POLLOUT}
    a.send(b"x")
    assert dict(poller.poll(1000)) == {b: zmq.POLLIN | zmq.POLLOUT}
    poller.modify(b, zmq.POLLIN)
    poller.unregister(a)
    assert poller.poll(1000) == [(b, zmq.POLLIN)]
    assert b in poller and a not in poller
    r, w, x = zmq.select([b], [a], [], 1)
    assert r == [b] and w == [a] and x == []
    assert b.poll(0) == zmq.POLLIN and a.poll(10) == 0
    assert b.recv() == b"x"
    # Plain file descriptors too.
    import os

    rfd, wfd = os.pipe()
    try:
        poller = zmq.Poller()
        poller.register(rfd, zmq.POLLIN)
        assert poller.poll(0) == []
        os.write(wfd, b"!")
        assert poller.poll(1000) == [(rfd, zmq.POLLIN)]
    finally:
        os.close(rfd)
        os.close(wfd)


def test_tracker(ctx):
    a, b = pair(ctx)
    tracker = a.send(b"tracked", track=True)
    assert isinstance(tracker, zmq.MessageTracker)
    assert b.recv() == b"tracked"
    tracker.wait(5)
    assert tracker.done
    assert a.send(b"untracked") is None
    b.recv()
    t2 = a.send_multipart([b"1", b"2"], track=True)
    b.recv_multipart()
    t2.wait(5)


def test_proxy(ctx):
    front = ctx.socket(zmq.ROUTER)
    front.bind("inproc://front")
    back = ctx.socket(zmq.DEALER)
    back.bind("inproc://back")
    control = ctx.socket(zmq.PAIR)
    control.bind("inproc://control")
    steer = ctx.socket(zmq.PAIR)
    steer.connect("inproc://control")
    t = threading.Thread(target=zmq.proxy_steerable, args=(front, back, None, control))
    t.start()
    client = ctx.socket(zmq.REQ)
    client.connect("inproc://front")
    worker = ctx.socket(zmq.REP)
    worker.connect("inproc://back")
    client.send(b"ping")
    assert worker.recv() == b"ping"
    worker.send(b"pong")
    assert client.recv() == b"pong"
    steer.send(b"TERMINATE")
    t.join(5)
    assert not t.is_alive()


def test_monitor(ctx, endpoint):
    from ferrozmq.utils.monitor import recv_monitor_message

    s = ctx.socket(zmq.REP)
    mon = s.get_monitor_socket()
    s.bind(endpoint)
    event = recv_monitor_message(mon)
    assert event["event"] == zmq.EVENT_LISTENING
    assert event["endpoint"].startswith(endpoint.split(":")[0].encode())
    s.disable_monitor()


def test_z85_and_jsonapi():
    from ferrozmq.utils import jsonapi, z85

    raw = bytes.fromhex("864FD26FB559F75B")
    assert z85.encode(raw) == b"HelloWorld"
    assert z85.decode("HelloWorld") == raw
    with pytest.raises(ValueError):
        z85.encode(b"abc")
    assert jsonapi.loads(jsonapi.dumps({"a": "é"})) == {"a": "é"}
    assert isinstance(jsonapi.dumps([1]), bytes)


def test_a_forked_child_terms_its_copy_of_the_context_at_once():
    # As pyzmq: the child's copy of a context with open sockets is left
    # alone by term(); it must neither hang nor raise.
    import os

    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.bind("tcp://127.0.0.1:*")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            ctx.term()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError("term() in a forked child hung")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    push.close(0)
    ctx.term()
