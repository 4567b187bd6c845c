"""``Poller`` and ``select``: wait on several sockets and file descriptors."""

from ._ferrozmq import Socket, zmq_poll
from .constants import FD, POLLERR, POLLIN, POLLOUT


class Poller:
    """Waits on registered sockets and file descriptors (pyzmq's ``zmq.Poller``)."""

    def __init__(self):
        self.sockets = []
        self._index = {}

    def __contains__(self, socket):
        return socket in self._index

    def register(self, socket, flags=POLLIN | POLLOUT):
        """Watches ``socket`` (a Socket, an fd or an object with ``fileno()``) for ``flags``;
        flags 0 unregisters it."""
        if not flags:
            if socket in self._index:
                self.unregister(socket)
            return
        if socket in self._index:
            self.sockets[self._index[socket]] = (socket, flags)
        else:
            self._index[socket] = len(self.sockets)
            self.sockets.append((socket, flags))

    modify = register

    def unregister(self, socket):
        """Stops watching ``socket``."""
        i = self._index.pop(socket)
        self.sockets.pop(i)
        for s, j in list(self._index.items()):
            if j > i:
                self._index[s] = j - 1

    def _descriptors(self):
        """What an event loop waits on for this poller: ``(readable,
        writable)`` descriptors. A socket's FD (readable whenever its events
        may have changed) is among the readable ones."""
        readable, writable = [], []
        for sock, flags in self.sockets:
            if isinstance(sock, Socket):
                readable.append(sock.getsockopt(FD))
                continue
            fd = sock if isinstance(sock, int) else sock.fileno()
            if flags & POLLIN:
                readable.append(fd)
            if flags & POLLOUT:
                writable.append(fd)
        return readable, writable

    def poll(self, timeout=None):
        """Waits up to ``timeout`` ms (None: forever); returns ``[(socket, events)]``
        ready (a file object registered comes back as its fd, as in pyzmq)."""
        ms = -1 if timeout is None or timeout < 0 else int(timeout)
        ready = zmq_poll(self.sockets, ms)
        return [(s if isinstance(s, (Socket, int)) else s.fileno(), ev) for s, ev in ready]


def select(rlist, wlist, xlist, timeout=None):
    """Like ``select.select`` over sockets and fds; ``timeout`` in seconds (None: forever)."""
    ms = -1 if timeout is None or timeout < 0 else int(timeout * 1000)
    items = {}
    for objs, flag in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLERR)):
        for s in objs:
            items[s] = items.get(s, 0) | flag
    ready = zmq_poll(list(items.items()), ms)
    r, w, x = [], [], []
    for s, revents in ready:
        if revents & POLLIN:
            r.append(s)
        if revents & POLLOUT:
            w.append(s)
        if revents & POLLERR:
            x.append(s)
    return r, w, x


__all__ = ["Poller", "select"]
