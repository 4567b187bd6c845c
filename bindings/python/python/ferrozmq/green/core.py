"""``Socket`` and ``Context`` whose blocking calls block one greenlet only."""

import time
import warnings

from gevent.socket import wait_read

from .. import context as _context
from .. import socket as _socket
from ..constants import DONTWAIT, EVENTS, FD, POLLIN, POLLOUT, SocketOption
from ..error import Again, ZMQError


# As in pyzmq's zmq.green, where a greenlet waits until its socket is ready.
_TIMEOS = (SocketOption.RCVTIMEO, SocketOption.SNDTIMEO)
_NO_TIMEO = "TIMEO socket options have no effect in zmq.green"


class Socket(_socket.Socket):
    """A socket whose blocking calls yield to other greenlets while they wait."""

    _repr_cls = "zmq.green.Socket"

    def _wait(self, event, timeout_ms=-1):
        """Until ``event`` (POLLIN/POLLOUT) is ready, yielding; False if
        ``timeout_ms`` (< 0: forever) passed first.

        Reading EVENTS re-arms the edge-triggered FD, so a change after it
        makes the FD readable and ends the wait below."""
        forever = timeout_ms is None or timeout_ms < 0
        deadline = None if forever else time.monotonic() + timeout_ms / 1000
        while not self.getsockopt(EVENTS) & event:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            try:
                wait_read(self.getsockopt(FD), left, timeout_exc=Again())
            except Again:
                pass  # the loop looks at EVENTS once more, then time is up
        return True

    def _cooperate(self, call, flags, event):
        """``call(flags)`` without blocking the thread: tried at once, then
        again each time ``event`` may be ready (DONTWAIT: once)."""
        if flags & DONTWAIT:
            return call(flags)
        while True:
            try:
                return call(flags | DONTWAIT)
            except Again:
                pass
            self._wait(event)

    def setsockopt(self, option, optval):
        """Sets an option (RCVTIMEO and SNDTIMEO warn: no effect here, as in pyzmq)."""
        if option in _TIMEOS:
            warnings.warn(_NO_TIMEO, UserWarning, stacklevel=2)
        super().setsockopt(option, optval)

    def getsockopt(self, option):
        """Reads an option (RCVTIMEO and SNDTIMEO warn, as in pyzmq)."""
        if option in _TIMEOS:
            warnings.warn(_NO_TIMEO, UserWarning, stacklevel=2)
        return super().getsockopt(option)

    set = setsockopt
    get = getsockopt

    def send(self, data, flags=0, copy=True, track=False, **kwargs):
        """Sends one frame (see ``ferrozmq.Socket.send``), yielding while it waits."""
        send = super().send
        return self._cooperate(
            lambda f: send(data, f, copy=copy, track=track, **kwargs),
            flags,
            POLLOUT,
        )

    def send_multipart(self, msg_parts, flags=0, copy=True, track=False, **kwargs):
        """Sends a whole message, yielding while it waits."""
        parts = list(msg_parts)
        send = super().send_multipart
        return self._cooperate(
            lambda f: send(parts, f, copy=copy, track=track, **kwargs),
            flags,
            POLLOUT,
        )

    def recv(self, flags=0, copy=True, track=False):
        """Receives one frame, yielding while it waits."""
        recv = super().recv
        return self._cooperate(
            lambda f: recv(f, copy=copy, track=track), flags, POLLIN
        )

    def recv_multipart(self, flags=0, copy=True, track=False):
        """Receives every frame of the next message, yielding while it waits."""
        recv = super().recv_multipart
        return self._cooperate(
            lambda f: recv(f, copy=copy, track=track), flags, POLLIN
        )

    def _recv_bytes(self, flags=0):
        # Under recv_string, recv_json and recv_pyobj.
        recv = super()._recv_bytes
        return self._cooperate(recv, flags, POLLIN)

    def recv_into(self, buffer, /, *, nbytes=0, flags=0):
        """Receives one frame into ``buffer``, yielding while it waits."""
        recv_into = super().recv_into
        return self._cooperate(
            lambda f: recv_into(buffer, nbytes=nbytes, flags=f),
            flags,
            POLLIN,
        )

    def poll(self, timeout=None, flags=POLLIN):
        """Waits up to ``timeout`` ms (None: forever) for ``flags``, yielding;
        returns those ready (0 on timeout)."""
        if self.closed:
            raise ZMQError(_socket.Errno.ENOTSUP)
        if not self._wait(flags, timeout):
            return 0
        return self.getsockopt(EVENTS) & flags


class Context(_context.Context):
    """A context whose sockets are ``ferrozmq.green.Socket``."""

    _socket_class = Socket
    _instance = None
    _repr_cls = "zmq.green.Context"
