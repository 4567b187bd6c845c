"""``device``: a queue between two sockets that yields to other greenlets."""

from ..constants import POLLIN
from .poll import Poller


def device(device_type, frontend, backend):
    """Forwards messages both ways between ``frontend`` and ``backend``
    (green sockets) forever; ``device_type`` (QUEUE, FORWARDER, STREAMER) is
    not looked at, as in pyzmq's ``zmq.green.device``."""
    if backend == -1:
        backend = frontend
    poller = Poller()
    poller.register(frontend, POLLIN)
    poller.register(backend, POLLIN)
    while True:
        ready = dict(poller.poll())
        if frontend in ready:
            backend.send_multipart(frontend.recv_multipart())
        if backend in ready:
            frontend.send_multipart(backend.recv_multipart())
