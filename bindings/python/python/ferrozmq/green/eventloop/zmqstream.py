"""pyzmq's ``zmq.green.eventloop.zmqstream``: a ``ZMQStream`` on the
current ``IOLoop`` unless given one."""

from ...eventloop import zmqstream as _zmqstream
from .ioloop import IOLoop


class ZMQStream(_zmqstream.ZMQStream):
    """``zmq.eventloop.zmqstream.ZMQStream``, on ``IOLoop.instance()`` by default."""

    def __init__(self, socket, io_loop=None):
        super().__init__(socket, io_loop=io_loop or IOLoop.instance())


__all__ = ["ZMQStream"]
