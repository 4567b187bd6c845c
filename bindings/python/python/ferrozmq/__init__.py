"""ferrozmq: ZeroMQ in Rust, with pyzmq's API.

A program written for pyzmq runs on ferrozmq with::

    import ferrozmq as zmq

    ctx = zmq.Context()
    sock = ctx.socket(zmq.REP)
    sock.bind("tcp://*:5555")
    print(sock.recv())
    sock.send(b"World")

Sockets speak ZMTP 3.1 over tcp, ipc and inproc, so the peers can be
pyzmq, libzmq, or ferrozmq itself, with NULL, PLAIN or CURVE security
(``zmq.auth`` for ZAP). Not there (yet): GSSAPI security, draft sockets,
pgm/norm/vmci transports.
"""

from . import constants
from .constants import *  # noqa: F401,F403
from .constants import __all__ as _constants_all
from .context import Context
from .error import (
    Again,
    ContextTerminated,
    DraftFDWarning,
    InterruptedSystemCall,
    NotDone,
    ZMQBaseError,
    ZMQBindError,
    ZMQError,
    ZMQVersionError,
    strerror,
)
from ._ferrozmq import curve_keypair, curve_public, zmq_poll
from .frame import Frame, Message
from .poll import Poller, select
from .socket import Socket
from .tracker import _FINISHED_TRACKER, MessageTracker  # noqa: F401
from .version import (
    __ferrozmq_version__,
    __revision__,
    __version__,
    has,
    pyzmq_version,
    pyzmq_version_info,
    zmq_version,
    zmq_version_info,
)
from .proxy import device, proxy, proxy_steerable
from . import auth, backend, devices, sugar, utils  # noqa: F401

COPY_THRESHOLD = 65536
#: Longest ipc path (sun_path of a Unix socket address, less its NUL).
IPC_PATH_MAX_LEN = 107
DRAFT_API = False
#: Whether the binding was built with libzmq's draft API (pyzmq's name).
PYZMQ_DRAFT_API = False
#: pyzmq's names of the plain (not asyncio) classes, for type hints.
SyncContext = Context
SyncSocket = Socket


def get_includes():
    """pyzmq's C headers: there are none in ferrozmq."""
    return []


def get_library_dirs():
    """pyzmq's libraries: there are none in ferrozmq."""
    return []


__all__ = [
    "Context",
    "Socket",
    "SyncContext",
    "SyncSocket",
    "zmq_poll",
    "DraftFDWarning",
    "PYZMQ_DRAFT_API",
    "Frame",
    "Message",
    "MessageTracker",
    "Poller",
    "select",
    "proxy",
    "proxy_steerable",
    "device",
    "ZMQBaseError",
    "ZMQError",
    "ZMQBindError",
    "NotDone",
    "ContextTerminated",
    "Again",
    "InterruptedSystemCall",
    "ZMQVersionError",
    "strerror",
    "has",
    "curve_keypair",
    "curve_public",
    "zmq_version",
    "zmq_version_info",
    "pyzmq_version",
    "pyzmq_version_info",
    "COPY_THRESHOLD",
    "DRAFT_API",
    "get_includes",
    "get_library_dirs",
] + list(_constants_all)
