"""``monitored_queue``: a proxy that also copies each message, prefixed
with where it came from, to a monitor socket (pyzmq's
``zmq.devices.monitored_queue``), and its device classes."""

from ..constants import POLLIN, PUB, ROUTER
from ..poll import Poller
from .basedevice import Device, ProcessDevice, ThreadDevice
from .proxydevice import ProxyBase


def _relay(src, dst, mon, prefix, swap_ids):
    msg = src.recv_multipart()
    if swap_ids and len(msg) > 1:
        # ROUTER to ROUTER: the sender's id goes second, the receiver's first.
        msg[0], msg[1] = msg[1], msg[0]
    dst.send_multipart(msg)
    mon.send_multipart([prefix] + msg)


def monitored_queue(in_socket, out_socket, mon_socket, in_prefix=b"in", out_prefix=b"out"):
    """Forwards messages both ways between ``in_socket`` and ``out_socket``,
    sending a copy of each to ``mon_socket`` after a frame ``in_prefix`` or
    ``out_prefix``, until the context is terminated (ContextTerminated)."""
    swap_ids = in_socket.type == ROUTER and out_socket.type == ROUTER
    poller = Poller()
    poller.register(in_socket, POLLIN)
    poller.register(out_socket, POLLIN)
    while True:
        ready = dict(poller.poll())
        if in_socket in ready:
            _relay(in_socket, out_socket, mon_socket, in_prefix, swap_ids)
        if out_socket in ready:
            _relay(out_socket, in_socket, mon_socket, out_prefix, swap_ids)


class MonitoredQueueBase(ProxyBase):
    """A device running ``monitored_queue``."""

    def __init__(self, in_type, out_type, mon_type=PUB, in_prefix=b"in", out_prefix=b"out"):
        ProxyBase.__init__(self, in_type, out_type, mon_type)
        self._in_prefix = in_prefix
        self._out_prefix = out_prefix

    def run_device(self):
        ins, outs, mons = self._setup_sockets()
        monitored_queue(ins, outs, mons, self._in_prefix, self._out_prefix)


class MonitoredQueue(MonitoredQueueBase, Device):
    """A monitored queue run in the caller."""


class ThreadMonitoredQueue(MonitoredQueueBase, ThreadDevice):
    """A monitored queue in a thread."""


class ProcessMonitoredQueue(MonitoredQueueBase, ProcessDevice):
    """A monitored queue in a process."""


__all__ = [
    "monitored_queue",
    "MonitoredQueue",
    "ThreadMonitoredQueue",
    "ProcessMonitoredQueue",
]
