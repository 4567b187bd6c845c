"""The pyzmq-named constants agree with ferrozmq's one option table."""

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
    assert len(table) == 75
    for name, number, kind in table:
        member = SocketOption[name]
        assert member == number, name
        assert member._opt_type in _OPT_TYPES[kind], name
        assert getattr(zmq, name) == number, name


def test_every_context_option_has_its_number():
    for name, number in _ferrozmq.context_option_table():
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
