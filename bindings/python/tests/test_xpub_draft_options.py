"""XPUB_MANUAL_LAST_VALUE (98) and ONLY_FIRST_SUBSCRIBE (108): draft options
in libzmq's header that its stable builds (pyzmq's bundled libzmq among
them) take all the same. Each test runs with pyzmq's socket in the role
under test too, so the expectations are libzmq's own."""

import pytest
import zmq as pyzmq

import ferrozmq

XPUB_MANUAL_LAST_VALUE = 98
ONLY_FIRST_SUBSCRIBE = 108
LIBS = {"ferrozmq": ferrozmq, "pyzmq": pyzmq}


@pytest.fixture
def contexts():
    """One context of each library, torn down whatever happens."""
    ctxs = {"ferrozmq": ferrozmq.Context(), "pyzmq": pyzmq.Context()}
    yield ctxs
    for ctx in ctxs.values():
        ctx.destroy(linger=0)


def make(contexts, lib, name):
    s = contexts[lib].socket(getattr(LIBS[lib], name))
    s.linger = 0
    s.rcvtimeo = 5000
    s.sndtimeo = 5000
    return s


def nothing_waiting(socket, ms=300):
    return socket.poll(ms) == 0


@pytest.mark.parametrize("xpub_lib", sorted(LIBS))
def test_manual_last_value_goes_to_the_new_subscriber_only(contexts, endpoint, xpub_lib):
    other = "pyzmq" if xpub_lib == "ferrozmq" else "ferrozmq"
    xpub = make(contexts, xpub_lib, "XPUB")
    xpub.setsockopt(XPUB_MANUAL_LAST_VALUE, 1)
    xpub.bind(endpoint)
    first, second = make(contexts, other, "SUB"), make(contexts, other, "SUB")

    def join(sub, last_value):
        """`sub` subscribes to A; the application applies it and sends."""
        sub.connect(endpoint)
        sub.setsockopt(LIBS[other].SUBSCRIBE, b"A")
        assert xpub.recv() == b"\x01A"
        xpub.setsockopt(LIBS[xpub_lib].SUBSCRIBE, b"A")
        xpub.send(last_value)
        assert sub.recv() == last_value

    join(first, b"A last value for the first")
    join(second, b"A last value for the second")
    # The first subscriber already had its last value.
    assert nothing_waiting(first)

    # After that one message, both get everything again.
    xpub.send(b"A update")
    assert first.recv() == b"A update"
    assert second.recv() == b"A update"


@pytest.mark.parametrize("xsub_lib", sorted(LIBS))
@pytest.mark.parametrize("xpub_lib", sorted(LIBS))
def test_only_first_subscribe(contexts, endpoint, xpub_lib, xsub_lib):
    xpub = make(contexts, xpub_lib, "XPUB")
    xpub.setsockopt(ONLY_FIRST_SUBSCRIBE, 1)
    xpub.bind(endpoint)
    xsub = make(contexts, xsub_lib, "XSUB")
    xsub.setsockopt(ONLY_FIRST_SUBSCRIBE, 1)
    xsub.connect(endpoint)

    # A data message: later frames are data whatever their first byte.
    xsub.send_multipart([b"ABC", b"\x00BC"])
    assert xpub.recv_multipart() == [b"ABC", b"\x00BC"]
    xsub.send_multipart([b"ABC", b"\x01BC"])
    assert xpub.recv_multipart() == [b"ABC", b"\x01BC"]

    # A first frame that subscribes lets the next subscribe too (libzmq
    # 4.3's rule): each change reaches the XPUB application on its own.
    xsub.send_multipart([b"\x01BC", b"\x01CD"])
    assert xpub.recv_multipart() == [b"\x01BC"]
    assert xpub.recv_multipart() == [b"\x01CD"]

    # And the publisher applied both.
    xpub.send(b"CD news")
    assert xsub.recv() == b"CD news"
    xpub.send(b"BC news")
    assert xsub.recv() == b"BC news"
