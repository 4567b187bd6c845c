"""Exceptions, as pyzmq names them: ``ZMQError`` (with ``errno`` and
``strerror``) and its subclasses ``Again``, ``ContextTerminated`` and
``InterruptedSystemCall``; ``ZMQBindError``, ``NotDone``, ``ZMQVersionError``."""

import errno as _os_errno
import os

from ._ferrozmq import strerror as _zmq_strerror
from .constants import Errno


def strerror(errno):
    """libzmq's message for ``errno`` (the OS's for plain OS errors)."""
    return _zmq_strerror(errno) or os.strerror(errno)


class DraftFDWarning(RuntimeWarning):
    """pyzmq's warning for ``socket.FD`` on thread-safe draft sockets
    (ferrozmq has no draft sockets: never raised, here for code that names it)."""


class ZMQBaseError(Exception):
    """Base of every ferrozmq exception."""


class ZMQError(ZMQBaseError):
    """A failed ZeroMQ call: ``errno`` says why, ``strerror`` in words."""

    errno = None
    strerror = None

    def __init__(self, errno=None, msg=None):
        if errno is None:
            errno = Errno.EINVAL
        if isinstance(errno, int):
            self.errno = errno
            self.strerror = msg if msg is not None else strerror(errno)
        else:
            self.errno = None
            self.strerror = msg if msg is not None else str(errno)
        super().__init__(self.strerror)

    def __str__(self):
        return str(self.strerror)

    def __repr__(self):
        return f"{self.__class__.__name__}('{self}')"


class ZMQBindError(ZMQBaseError):
    """``bind_to_random_port`` found no free port."""


class NotDone(ZMQBaseError):
    """A ``MessageTracker.wait`` timed out."""


class ContextTerminated(ZMQError):
    """The socket's context was terminated (ETERM)."""

    def __init__(self, errno="ignored", msg="ignored"):
        super().__init__(Errno.ETERM)


class Again(ZMQError):
    """The call would block (EAGAIN): DONTWAIT, or a timeout expired."""

    def __init__(self, errno="ignored", msg="ignored"):
        super().__init__(Errno.EAGAIN)


class InterruptedSystemCall(ZMQError, InterruptedError):
    """A signal interrupted the call (EINTR)."""

    def __init__(self, errno="ignored", msg="ignored"):
        super().__init__(_os_errno.EINTR)


class ZMQVersionError(NotImplementedError):
    """A feature needs a newer libzmq than ferrozmq provides."""

    def __init__(self, min_version, msg="Feature"):
        from .version import zmq_version

        self.min_version = min_version
        self.msg = msg
        self.version = zmq_version()

    def __repr__(self):
        return f"ZMQVersionError('{self}')"

    def __str__(self):
        return f"{self.msg} requires libzmq >= {self.min_version}, have {self.version}"


_BY_ERRNO = {
    Errno.EAGAIN: Again,
    Errno.ETERM: ContextTerminated,
    _os_errno.EINTR: InterruptedSystemCall,
}


def _from_errno(errno):
    """The exception for ``errno`` (called by the Rust core)."""
    cls = _BY_ERRNO.get(errno)
    if cls is not None:
        return cls()
    return ZMQError(errno)


__all__ = [
    "strerror",
    "DraftFDWarning",
    "ZMQBaseError",
    "ZMQError",
    "ZMQBindError",
    "NotDone",
    "ContextTerminated",
    "Again",
    "InterruptedSystemCall",
    "ZMQVersionError",
]
