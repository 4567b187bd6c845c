"""Versions: of the libzmq API ferrozmq implements, and of pyzmq's API it follows."""

from ._ferrozmq import __version__ as __ferrozmq_version__

#: The libzmq API ferrozmq implements.
_ZMQ_VERSION = (4, 3, 4)
#: pyzmq's build extras: none here.
VERSION_EXTRA = ""
#: pyzmq's source revision: none (a release).
__revision__ = ""

#: The pyzmq API this module follows (``import ferrozmq as zmq``).
_PYZMQ_VERSION = "27.1.0"

#: As in pyzmq, the version of pyzmq's API: programs written for pyzmq
#: compare it (``zmq.__version__ >= "22"``). ferrozmq's own version is
#: ``__ferrozmq_version__``.
__version__ = _PYZMQ_VERSION


def zmq_version_info():
    """The libzmq version implemented, as ``(major, minor, patch)``."""
    return _ZMQ_VERSION


def zmq_version():
    """The libzmq version implemented, as a string."""
    return "%i.%i.%i" % _ZMQ_VERSION


def pyzmq_version_info():
    """The pyzmq API version followed, as a tuple."""
    return tuple(int(p) for p in _PYZMQ_VERSION.split("."))


def pyzmq_version():
    """The pyzmq API version followed (ferrozmq's own is ``__ferrozmq_version__``)."""
    return _PYZMQ_VERSION


_CAPABILITIES = {"ipc": True, "tcp": True, "inproc": True, "curve": True}


def has(capability):
    """Whether a capability (``ipc``, ``curve``, ``draft`` ...) is available."""
    return _CAPABILITIES.get(capability, False)


__all__ = [
    "__version__",
    "__ferrozmq_version__",
    "zmq_version",
    "zmq_version_info",
    "pyzmq_version",
    "pyzmq_version_info",
    "has",
]
