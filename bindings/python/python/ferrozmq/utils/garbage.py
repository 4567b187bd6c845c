"""pyzmq's ``zmq.utils.garbage``: in pyzmq, a thread that releases the
Python buffers of zero-copy messages once libzmq is done with them.

ferrozmq needs no such thread: a zero-copy message holds its Python object
itself and releases it when the message is dropped. ``gc`` is here for code
that names it; its ``refs`` is always empty.
"""


class GarbageCollector:
    """pyzmq's zero-copy garbage collector, with nothing to collect."""

    def __init__(self, context=None):
        self.refs = {}
        self.context = context

    def start(self):
        """Nothing to start."""

    def stop(self):
        """Nothing to stop."""

    @property
    def is_alive(self):
        """Whether the collector thread runs: there is none."""
        return False


gc = GarbageCollector()

__all__ = ["GarbageCollector", "gc"]
