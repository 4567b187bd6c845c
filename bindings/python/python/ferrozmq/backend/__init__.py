"""pyzmq's ``zmq.backend``: the low-level classes (here, the Rust core's)."""

from .._ferrozmq import Context, Frame, Socket, proxy, strerror, zmq_poll
from ..error import ZMQError
from ..version import zmq_version_info

Message = Frame


def has(capability):
    """Whether a capability is available (see ``ferrozmq.has``)."""
    from ..version import has as _has

    return _has(capability)


__all__ = [
    "Context",
    "Socket",
    "Frame",
    "Message",
    "zmq_poll",
    "proxy",
    "strerror",
    "has",
    "zmq_version_info",
    "ZMQError",
]
