"""``Device``: two sockets (in and out) joined by a proxy, set up lazily."""

import time
from multiprocessing import Process
from threading import Thread

from ..constants import QUEUE
from ..context import Context
from ..error import ZMQError
from ..proxy import device


class Device:
    """A proxy between an "in" and an "out" socket, made and run by ``run``
    (in the caller) or ``start`` (in the background: see ThreadDevice and
    ProcessDevice). ``bind_in``, ``connect_out``, ``setsockopt_in`` ... only
    record what to do once the sockets exist."""

    context_factory = Context.instance
    _context = None

    def __init__(self, device_type=QUEUE, in_type=None, out_type=None):
        self.device_type = device_type
        if in_type is None or out_type is None:
            raise TypeError("in_type and out_type must be specified")
        self.in_type = in_type
        self.out_type = out_type
        self._in_binds, self._in_connects, self._in_sockopts = [], [], []
        self._out_binds, self._out_connects, self._out_sockopts = [], [], []
        self._random_addrs = []
        self.daemon = True
        self.done = False

    def bind_in(self, addr):
        """Binds the in socket to ``addr`` when the device starts."""
        self._in_binds.append(addr)

    def bind_in_to_random_port(self, addr, *args, **kwargs):
        """Binds the in socket to a random port now-ish; returns the port."""
        port = self._reserve_random_port(addr, *args, **kwargs)
        self.bind_in(f"{addr}:{port}")
        return port

    def connect_in(self, addr):
        """Connects the in socket to ``addr`` when the device starts."""
        self._in_connects.append(addr)

    def setsockopt_in(self, opt, value):
        """Sets an option of the in socket when the device starts."""
        self._in_sockopts.append((opt, value))

    def bind_out(self, addr):
        """Binds the out socket to ``addr`` when the device starts."""
        self._out_binds.append(addr)

    def bind_out_to_random_port(self, addr, *args, **kwargs):
        """Binds the out socket to a random port; returns the port."""
        port = self._reserve_random_port(addr, *args, **kwargs)
        self.bind_out(f"{addr}:{port}")
        return port

    def connect_out(self, addr):
        """Connects the out socket to ``addr`` when the device starts."""
        self._out_connects.append(addr)

    def setsockopt_out(self, opt, value):
        """Sets an option of the out socket when the device starts."""
        self._out_sockopts.append((opt, value))

    def _reserve_random_port(self, addr, *args, **kwargs):
        """A free port for ``addr`` that this device has not handed out yet
        (the bind itself waits for ``start``); ZMQBindError after 5 tries."""
        from ..constants import PAIR
        from ..error import ZMQBindError

        with Context() as ctx, ctx.socket(PAIR) as probe:
            probe.linger = 0
            for _ in range(5):
                port = probe.bind_to_random_port(addr, *args, **kwargs)
                if f"{addr}:{port}" not in self._random_addrs:
                    break
            else:
                raise ZMQBindError("Could not reserve random port.")
        self._random_addrs.append(f"{addr}:{port}")
        return port

    def _configure(self, sock, binds, connects, sockopts):
        self._made.append(sock)
        for opt, value in sockopts:
            sock.setsockopt(opt, value)
        for addr in binds:
            sock.bind(addr)
        for addr in connects:
            sock.connect(addr)

    def _setup_sockets(self):
        self._made = []
        ctx = self._context = self.context_factory()
        ins = ctx.socket(self.in_type)
        outs = ins if self.out_type < 0 else ctx.socket(self.out_type)
        self._configure(ins, self._in_binds, self._in_connects, self._in_sockopts)
        # With out_type < 0 the "out" settings apply to the one socket too.
        self._configure(outs, self._out_binds, self._out_connects, self._out_sockopts)
        return ins, outs

    def run_device(self):
        """Makes the sockets and proxies between them (returns when the context ends)."""
        ins, outs = self._setup_sockets()
        device(self.device_type, ins, outs)

    def run(self):
        """Runs the device in the caller until its context is terminated."""
        try:
            self.run_device()
        except ZMQError:
            pass  # ETERM: the normal end
        finally:
            # Closed here, so that terminating the context can finish.
            for sock in getattr(self, "_made", []):
                sock.close(linger=0)
            self.done = True

    def start(self):
        """Runs the device (here: in the caller; see ThreadDevice/ProcessDevice)."""
        return self.run()

    def join(self, timeout=None):
        """Waits until the device is done (``timeout`` in seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.done:
            if deadline is not None and time.monotonic() > deadline:
                return
            time.sleep(0.01)


class BackgroundDevice(Device):
    """A device in a background thread or process."""

    _launcher = None
    _launch_class = None

    def start(self):
        self.launcher = self._launch_class(target=self.run)
        self.launcher.daemon = self.daemon
        return self.launcher.start()

    def join(self, timeout=None):
        return self.launcher.join(timeout=timeout)


class ThreadDevice(BackgroundDevice):
    """A device in a thread (its sockets in a new context)."""

    _launch_class = Thread
    context_factory = Context


class ProcessDevice(BackgroundDevice):
    """A device in a process (its sockets in a new context there)."""

    _launch_class = Process
    context_factory = Context


__all__ = ["Device", "ThreadDevice", "ProcessDevice"]
