"""ferrozmq against real pyzmq (libzmq) over tcp and ipc, each library on
either side of REQ/REP, PUB/SUB, PUSH/PULL and DEALER/ROUTER."""

import time

import pytest
import zmq as pyzmq

import ferrozmq

# (server type, client type): the server binds, the client connects.
PATTERNS = {
    "req-rep": ("REP", "REQ"),
    "pub-sub": ("PUB", "SUB"),
    "push-pull": ("PULL", "PUSH"),
    "dealer-router": ("ROUTER", "DEALER"),
}


@pytest.fixture
def libs():
    """One context of each library, torn down whatever happens."""
    ours, theirs = ferrozmq.Context(), pyzmq.Context()
    yield ours, theirs
    ours.destroy(linger=0)
    theirs.destroy(linger=0)


def make(ctx, lib, name):
    s = ctx.socket(getattr(lib, name))
    s.linger = 0
    s.rcvtimeo = 5000
    s.sndtimeo = 5000
    return s


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("server_lib", ["ferrozmq", "pyzmq"])
def test_pattern(libs, endpoint, pattern, server_lib):
    ours, theirs = libs
    server_name, client_name = PATTERNS[pattern]
    if server_lib == "ferrozmq":
        server, client = make(ours, ferrozmq, server_name), make(theirs, pyzmq, client_name)
    else:
        server, client = make(theirs, pyzmq, server_name), make(ours, ferrozmq, client_name)
    server.bind(endpoint)
    client.connect(endpoint)
    run = {
        "req-rep": req_rep,
        "pub-sub": pub_sub,
        "push-pull": push_pull,
        "dealer-router": dealer_router,
    }[pattern]
    run(server, client)


def req_rep(rep, req):
    for i in range(10):
        req.send_string(f"Hello {i}")
        assert rep.recv_string() == f"Hello {i}"
        rep.send_multipart([b"World", str(i).encode()])
        assert req.recv_multipart() == [b"World", str(i).encode()]


def pub_sub(pub, sub):
    sub.setsockopt(sub_option(sub), b"weather")
    # Publish until the subscription has reached the publisher.
    deadline = time.monotonic() + 5
    while True:
        pub.send_multipart([b"sports", b"ignored"])
        pub.send_multipart([b"weather", b"sunny"])
        if sub.poll(50):
            break
        assert time.monotonic() < deadline, "subscription never arrived"
    assert sub.recv_multipart() == [b"weather", b"sunny"]
    while sub.poll(50):
        assert sub.recv_multipart() == [b"weather", b"sunny"]


def sub_option(sub):
    return 6  # ZMQ_SUBSCRIBE in both libraries


def push_pull(pull, push):
    big = bytes(range(256)) * 1024
    for i in range(100):
        push.send(str(i).encode())
    push.send(big)
    assert [pull.recv() for _ in range(100)] == [str(i).encode() for i in range(100)]
    assert pull.recv() == big


def dealer_router(router, dealer):
    dealer.send_multipart([b"", b"request"])
    rid, empty, body = router.recv_multipart()
    assert empty == b"" and body == b"request"
    router.send_multipart([rid, b"", b"reply"])
    assert dealer.recv_multipart() == [b"", b"reply"]


@pytest.mark.parametrize("server_lib", ["ferrozmq", "pyzmq"])
def test_router_sees_routing_id(libs, endpoint, server_lib):
    ours, theirs = libs
    if server_lib == "ferrozmq":
        router, dealer = make(ours, ferrozmq, "ROUTER"), make(theirs, pyzmq, "DEALER")
    else:
        router, dealer = make(theirs, pyzmq, "ROUTER"), make(ours, ferrozmq, "DEALER")
    dealer.setsockopt(5, b"named")
    router.bind(endpoint)
    dealer.connect(endpoint)
    dealer.send(b"hi")
    assert router.recv_multipart() == [b"named", b"hi"]
    router.send_multipart([b"named", b"back"])
    assert dealer.recv() == b"back"
