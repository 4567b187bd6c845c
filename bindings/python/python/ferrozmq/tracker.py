"""``MessageTracker``: know when a message sent with ``track=True`` is no
longer held by ferrozmq (so its buffer may be reused)."""

import time

from . import _ferrozmq
from .error import NotDone


class MessageTracker:
    """Tracks frames sent with ``track=True`` (pyzmq's ``zmq.MessageTracker``)."""

    def __init__(self, *towatch):
        self._completions = []
        self.peers = set()
        for t in towatch:
            if isinstance(t, MessageTracker):
                self._completions.extend(t._completions)
            elif isinstance(t, _ferrozmq.Completion):
                self._completions.append(t)
            elif isinstance(t, _ferrozmq.Frame):
                if t._completion is None:
                    raise ValueError("Not a tracked message")
                self._completions.append(t._completion)
            else:
                raise TypeError(f"cannot track {type(t).__name__}")

    @property
    def done(self):
        """Whether every tracked frame was released."""
        return all(c.done for c in self._completions)

    def wait(self, timeout=-1):
        """Waits until ``done``, at most ``timeout`` seconds (-1: forever);
        raises ``NotDone`` on timeout."""
        deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout
        pause = 0.0001
        while not self.done:
            if deadline is not None and time.monotonic() >= deadline:
                raise NotDone
            time.sleep(pause)
            pause = min(pause * 2, 0.01)


#: A tracker that is already done (pyzmq's name).
_FINISHED_TRACKER = MessageTracker()

__all__ = ["MessageTracker"]
