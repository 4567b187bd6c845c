"""pyzmq's ``zmq.green.eventloop.ioloop``: ``zmq.eventloop.ioloop`` itself."""

from ...eventloop.ioloop import *  # noqa: F401,F403
from ...eventloop.ioloop import IOLoop  # noqa: F401
