"""pyzmq's ``zmq.green.eventloop``: the tornado event loop, as ``zmq.eventloop``."""

from .ioloop import IOLoop

__all__ = ["IOLoop"]
