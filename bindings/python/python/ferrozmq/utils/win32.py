"""pyzmq's ``zmq.utils.win32.allow_interrupt``: on Windows, lets Ctrl-C
interrupt a blocking call by running ``action`` from a console handler.

ferrozmq's blocking calls wake up for signals themselves (KeyboardInterrupt
arrives on every platform it supports), so here it is a context manager that
only keeps the interface: ``action`` is never needed.
"""


class allow_interrupt:
    """Context manager kept for pyzmq compatibility (does nothing here)."""

    def __init__(self, action=None):
        self.action = action

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


__all__ = ["allow_interrupt"]
