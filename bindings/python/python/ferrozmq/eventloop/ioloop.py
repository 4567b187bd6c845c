"""pyzmq's deprecated ``zmq.eventloop.ioloop``: tornado's IOLoop itself.

Since tornado 5 runs on asyncio, no ZeroMQ-specific loop is needed: use
``tornado.ioloop.IOLoop`` directly.
"""

import warnings

from tornado.ioloop import IOLoop

#: pyzmq's old ZeroMQ-aware loop: now tornado's own.
ZMQIOLoop = IOLoop


def install():
    """Did install pyzmq's loop as tornado's; there is nothing to install now."""
    warnings.warn(
        "zmq.eventloop.ioloop.install is deprecated: tornado's IOLoop runs ZeroMQ sockets as is",
        DeprecationWarning,
        stacklevel=2,
    )


__all__ = ["IOLoop", "ZMQIOLoop", "install"]
