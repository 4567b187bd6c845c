"""Proxy devices: a Device with a monitor (capture) socket, and the steerable
kind with a control socket as well."""

from ..constants import QUEUE
from ..proxy import proxy, proxy_steerable
from .basedevice import Device, ProcessDevice, ThreadDevice


class ProxyBase:
    """Adds the mon socket (every message, both ways) to a device."""

    def __init__(self, in_type, out_type, mon_type=None):
        from ..constants import PUB

        Device.__init__(self, QUEUE, in_type, out_type)
        self.mon_type = PUB if mon_type is None else mon_type
        self._mon_binds, self._mon_connects, self._mon_sockopts = [], [], []

    def bind_mon(self, addr):
        """Binds the mon socket when the device starts."""
        self._mon_binds.append(addr)

    def bind_mon_to_random_port(self, addr, *args, **kwargs):
        """Binds the mon socket to a random port; returns the port."""
        port = self._reserve_random_port(addr, *args, **kwargs)
        self.bind_mon(f"{addr}:{port}")
        return port

    def connect_mon(self, addr):
        """Connects the mon socket when the device starts."""
        self._mon_connects.append(addr)

    def setsockopt_mon(self, opt, value):
        """Sets an option of the mon socket when the device starts."""
        self._mon_sockopts.append((opt, value))

    def _setup_sockets(self):
        ins, outs = Device._setup_sockets(self)
        mons = self._context.socket(self.mon_type)
        self._configure(mons, self._mon_binds, self._mon_connects, self._mon_sockopts)
        return ins, outs, mons

    def run_device(self):
        ins, outs, mons = self._setup_sockets()
        proxy(ins, outs, mons)


class ProxySteerableBase(ProxyBase):
    """Adds the ctrl socket (PAUSE, RESUME, TERMINATE, STATISTICS)."""

    def __init__(self, in_type, out_type, mon_type=None, ctrl_type=None):
        from ..constants import PAIR

        ProxyBase.__init__(self, in_type, out_type, mon_type)
        self.ctrl_type = PAIR if ctrl_type is None else ctrl_type
        self._ctrl_binds, self._ctrl_connects, self._ctrl_sockopts = [], [], []

    def bind_ctrl(self, addr):
        """Binds the ctrl socket when the device starts."""
        self._ctrl_binds.append(addr)

    def bind_ctrl_to_random_port(self, addr, *args, **kwargs):
        """Binds the ctrl socket to a random port; returns the port."""
        port = self._reserve_random_port(addr, *args, **kwargs)
        self.bind_ctrl(f"{addr}:{port}")
        return port

    def connect_ctrl(self, addr):
        """Connects the ctrl socket when the device starts."""
        self._ctrl_connects.append(addr)

    def setsockopt_ctrl(self, opt, value):
        """Sets an option of the ctrl socket when the device starts."""
        self._ctrl_sockopts.append((opt, value))

    def run_device(self):
        ins, outs, mons = ProxyBase._setup_sockets(self)
        ctrl = self._context.socket(self.ctrl_type)
        self._configure(ctrl, self._ctrl_binds, self._ctrl_connects, self._ctrl_sockopts)
        proxy_steerable(ins, outs, mons, ctrl)


class Proxy(ProxyBase, Device):
    """A proxy run in the caller."""


class ThreadProxy(ProxyBase, ThreadDevice):
    """A proxy in a thread."""


class ProcessProxy(ProxyBase, ProcessDevice):
    """A proxy in a process."""


class ProxySteerable(ProxySteerableBase, Device):
    """A steerable proxy run in the caller."""


class ThreadProxySteerable(ProxySteerableBase, ThreadDevice):
    """A steerable proxy in a thread."""


class ProcessProxySteerable(ProxySteerableBase, ProcessDevice):
    """A steerable proxy in a process."""


__all__ = [
    "Proxy",
    "ThreadProxy",
    "ProcessProxy",
    "ProxySteerable",
    "ThreadProxySteerable",
    "ProcessProxySteerable",
]
