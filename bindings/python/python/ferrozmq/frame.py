"""``Frame``: one message frame whose bytes are shared, not copied."""

import ctypes

from . import _ferrozmq
from .constants import MessageOption


class Frame(_ferrozmq.Frame):
    """A message frame (pyzmq's ``zmq.Frame``).

    ``frame.buffer`` is a read-only memoryview of the received bytes (no
    copy); ``frame.bytes`` copies them. ``frame.more`` tells whether more
    frames of the message follow; ``frame.get("User-Id")`` or
    ``frame["Peer-Address"]`` read the sender's metadata.
    """

    @property
    def tracker(self):
        """With ``Frame(data, track=True)``: a MessageTracker of the bytes' release."""
        completion = self._completion
        if completion is None:
            return None
        from .tracker import MessageTracker

        return MessageTracker(completion)

    @property
    def buffer(self):
        """The bytes as a read-only memoryview (no copy; keeps the frame alive)."""
        n = len(self)
        if n == 0:
            return memoryview(b"")
        view = (ctypes.c_ubyte * n).from_address(self._address)
        view._frame = self
        return memoryview(view).cast("B").toreadonly()

    def __buffer__(self, flags):
        # Python 3.12+: memoryview(frame), bytes(frame), numpy.frombuffer(frame)...
        return self.buffer

    def __bytes__(self):
        return self.bytes

    def __getitem__(self, key):
        return self.get(key)

    def __eq__(self, other):
        if isinstance(other, _ferrozmq.Frame):
            return self.bytes == other.bytes
        if isinstance(other, bytes):
            return self.bytes == other
        return NotImplemented

    __hash__ = None

    def __copy__(self):
        return Frame(self)

    fast_copy = __copy__

    def __repr__(self):
        data = self.bytes
        shown = repr(data[:32]) + ("..." if len(data) > 32 else "")
        return f"<ferrozmq.Frame({shown}{', more' if self.more else ''})>"

    def __str__(self):
        return self.bytes.decode()

    @property
    def done(self):
        return self.tracker.done if self.tracker else True


Message = Frame

__all__ = ["Frame", "Message", "MessageOption"]
