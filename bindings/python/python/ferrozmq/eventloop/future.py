"""pyzmq's ``zmq.eventloop.future``: sockets whose calls return futures for
tornado coroutines. With tornado 5+ a tornado future is an asyncio future,
so these are ``ferrozmq.asyncio``'s classes under pyzmq's names."""

import asyncio as _aio

from .. import asyncio as _asyncio

#: What a cancelled future raises (tornado's futures are asyncio's).
CancelledError = _aio.CancelledError


class Socket(_asyncio.Socket):
    """A socket whose ``send``/``recv``/``poll`` return futures."""

    _repr_cls = "zmq.eventloop.future.Socket"


class Context(_asyncio.Context):
    """A context whose sockets are ``future.Socket``."""

    _socket_class = Socket
    _instance = None
    _repr_cls = "zmq.eventloop.future.Context"


class Poller(_asyncio.Poller):
    """A poller whose ``poll`` returns a future."""


__all__ = ["Context", "Socket", "Poller", "CancelledError"]
