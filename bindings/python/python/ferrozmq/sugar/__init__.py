"""pyzmq's ``zmq.sugar``: the Python layer over the backend. In ferrozmq its
modules are ``ferrozmq.context``, ``ferrozmq.socket`` ..., also reachable
as ``zmq.sugar.context``, ``zmq.sugar.socket`` ... for code that names them."""

import sys as _sys

from .. import constants, context, frame, poll, socket, tracker, version
from ..context import Context
from ..frame import Frame
from ..poll import Poller, select
from ..socket import Socket
from ..tracker import MessageTracker

for _name, _module in (
    ("constants", constants),
    ("context", context),
    ("frame", frame),
    ("poll", poll),
    ("socket", socket),
    ("tracker", tracker),
    ("version", version),
):
    _sys.modules[f"{__name__}.{_name}"] = _module

__all__ = ["Context", "Socket", "Frame", "MessageTracker", "Poller", "select"]
