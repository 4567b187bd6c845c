"""The pyzmq-named constants agree with ferrozmq's one option table."""

import pytest
import zmq as pyzmq

import ferrozmq as zmq
from ferrozmq import _ferrozmq
from ferrozmq.constants import ContextOption, SocketOption, _OptType

# How each kind of the Rust table travels in pyzmq's terms.
_OPT_TYPES = {
    "int": {_OptType.int, _OptType.fd},
    "int64": {_OptType.int64},
    "bytes": {_OptType.bytes},
    "str": {_OptType.bytes},
    "curve_key": {_OptType.bytes},
}


def test_every_socket_option_has_its_number_and_type():
    table = _ferrozmq.socket_option_table()
    assert len(table) == 83
    for name, number, kind in table:
        member = SocketOption[name]
        assert member == number, name
        assert member._opt_type in _OPT_TYPES[kind], name
        assert getattr(zmq, name) == number, name


def test_every_context_option_has_its_number():
    for name, number in _ferrozmq.context_option_table():
        if name == "ZERO_COPY_RECV":
            # A draft option in libzmq's zmq.h: pyzmq has no name for it.
            continue
        if name in ("IPV6", "BLOCKY"):
            assert SocketOption[name] == number, name
        else:
            assert ContextOption[name] == number, name


def test_int64_options_round_trip_through_setsockopt():
    ctx = zmq.Context()
    s = ctx.socket(zmq.DEALER)
    try:
        s.setsockopt(zmq.MAXMSGSIZE, 1 << 40)
        assert s.getsockopt(zmq.MAXMSGSIZE) == 1 << 40
        s.setsockopt(zmq.SNDHWM, 7)
        assert s.getsockopt(zmq.SNDHWM) == 7
    finally:
        s.close()
        ctx.term()


def test_the_spool_options_keep_and_resend(tmp_path):
    # ipc, not a tcp port closed and bound again: a tcp port can be taken
    # in between (the first PUSH's own reconnect attempts, other tests).
    spool = str(tmp_path / "spool")
    endpoint = f"ipc://{tmp_path}/queue.sock"
    ctx = zmq.Context()
    try:
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.LINGER, 0)
        push.setsockopt(zmq.FERROZMQ_SPOOL_FSYNC, -1)
        push.setsockopt(zmq.FERROZMQ_SPOOL_SIZE, 1 << 20)
        push.setsockopt_string(zmq.FERROZMQ_SPOOL, spool)
        assert push.getsockopt(zmq.FERROZMQ_SPOOL_SIZE) == 1 << 20
        push.connect(endpoint)
        push.send_multipart([b"a", b"1"])
        assert push.getsockopt(zmq.FERROZMQ_SPOOL_PENDING) == 1
        push.close()
        pull = ctx.socket(zmq.PULL)
        pull.setsockopt(zmq.RCVTIMEO, 5000)
        pull.bind(endpoint)
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.LINGER, 0)
        push.setsockopt_string(zmq.FERROZMQ_SPOOL, spool)
        push.connect(endpoint)
        push.send(b"b")
        assert pull.recv_multipart() == [b"a", b"1"]
        assert pull.recv() == b"b"
        router = ctx.socket(zmq.ROUTER)
        try:
            router.setsockopt_string(zmq.FERROZMQ_SPOOL, spool)
            raise AssertionError("ROUTER took a spool")
        except zmq.ZMQError as e:
            assert e.errno == zmq.EINVAL
        router.close()
        push.close()
        pull.close()
    finally:
        # A failure above leaves sockets open: report it, do not hang in term.
        ctx.destroy(linger=0)



@pytest.mark.parametrize("lib", [zmq, pyzmq], ids=["ferrozmq", "pyzmq"])
def test_text_options_take_bytes_as_libzmq_does(lib):
    """pyzmq passes b"" as an empty buffer, never NULL: EINVAL for the
    options libzmq clears with (NULL, 0) only; any other bytes are kept
    and read back unchanged, UTF-8 or not."""
    ctx = lib.Context()
    s = ctx.socket(lib.REQ)
    try:
        for name in ("plain_username", "plain_password", "zap_domain",
                     "socks_proxy", "bindtodevice"):
            with pytest.raises(lib.ZMQError) as failure:
                setattr(s, name, b"")
            assert failure.value.errno == lib.EINVAL, name
            with pytest.raises(lib.ZMQError):
                s.setsockopt_string(getattr(lib, name.upper()), "")
            setattr(s, name, b"\xff\xfe")
            assert getattr(s, name) == b"\xff\xfe", name
        assert s.mechanism == lib.PLAIN
        # SOCKS credentials: empty clears them, as libzmq's NULL does.
        s.socks_username = b""
        assert s.socks_username == b""
    finally:
        s.close(linger=0)
        ctx.term()
