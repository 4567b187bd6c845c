"""``Poller`` whose ``poll`` blocks one greenlet only."""

import time

from gevent.select import select as _green_select

from .. import poll as _poll
from .._ferrozmq import Socket as _RawSocket
from ..constants import EVENTS


class Poller(_poll.Poller):
    """Waits on registered sockets and file descriptors, yielding meanwhile."""

    def poll(self, timeout=None):
        """Waits up to ``timeout`` ms (None: forever); returns ``[(socket, events)]`` ready."""
        deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout / 1000
        while True:
            for sock, _ in self.sockets:
                if isinstance(sock, _RawSocket):
                    # Reading EVENTS re-arms its FD first: any change from
                    # here on makes the FD readable.
                    sock.getsockopt(EVENTS)
            readable, writable = self._descriptors()
            ready = super().poll(0)
            left = None if deadline is None else deadline - time.monotonic()
            if ready or (left is not None and left <= 0):
                return ready
            _green_select(readable, writable, [], left)
