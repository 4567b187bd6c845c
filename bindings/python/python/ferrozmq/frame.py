"""``Frame``: one message frame whose bytes are shared, not copied."""

import ctypes
import weakref

from . import _ferrozmq
from .constants import MessageOption


# The buffer protocol (memoryview(frame)) comes from a mixin of the Rust
# core on Python 3.9+ (None on 3.8, where frames offer ``frame.buffer`` only).
_BASES = (_ferrozmq.Frame,) + ((_ferrozmq._FrameBuffer,) if _ferrozmq._FrameBuffer else ())


class Frame(*_BASES):
    """A message frame (pyzmq's ``zmq.Frame``).

    ``frame.buffer`` is a memoryview of the bytes (no copy, unless they
    were shared: then once, at the first view), writable except for large
    frames whose bytes are shared (read-only, never copied);
    ``frame.bytes`` copies them. ``frame.more`` tells whether more frames
    of the message follow; ``frame.get("User-Id")`` or
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
    def bytes(self):
        """The frame's bytes: a copy, made once (the same object each time)."""
        cached = self.__dict__.get("_bytes")
        if cached is None:
            cached = self.__dict__["_bytes"] = super().bytes
        return cached

    @property
    def buffer(self):
        """The bytes as a memoryview (keeps the frame alive; see the class).
        The same view while one is in use, as pyzmq's."""
        ref = self.__dict__.get("_buffer")
        view = ref() if ref is not None else None
        if view is None:
            view = self._new_buffer()
            # Weakly: the view holds the frame, a strong cache would be a cycle.
            self.__dict__["_buffer"] = weakref.ref(view)
        return view

    def _new_buffer(self):
        if _ferrozmq._FrameBuffer is not None:
            return memoryview(self)
        # Python 3.8: a view of the bytes through ctypes, holding the frame.
        n = len(self)
        if n == 0:
            return memoryview(b"")
        address, writable = self._export()
        view = (ctypes.c_ubyte * n).from_address(address)
        view._frame = self
        view = memoryview(view).cast("B")
        return view if writable else view.toreadonly()

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
        # pyzmq's form (str() gives it too): up to 16 bytes whole, else the
        # first 12 and the size.
        n = len(self)
        if n <= 16:
            return f"<zmq.{type(self).__name__}({self.bytes!r})>"
        head = bytes(self.buffer[:12])
        for unit, scale, floor in (("GB", 1e9, 1e9), ("MB", 1e6, 2**20), ("kB", 1e3, 1e3)):
            if n >= floor:
                return f"<zmq.{type(self).__name__}({head!r}...{n // scale:.0f}{unit})>"
        return f"<zmq.{type(self).__name__}({head!r}...{n}B)>"

    @property
    def done(self):
        return self.tracker.done if self.tracker else True


Message = Frame

__all__ = ["Frame", "Message", "MessageOption"]
