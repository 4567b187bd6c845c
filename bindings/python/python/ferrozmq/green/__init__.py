"""gevent-cooperative sockets: pyzmq's ``zmq.green``.

Programs written for gevent import it in place of the module itself::

    import ferrozmq.green as zmq    # or, aliased: import zmq.green as zmq

Everything is the module's own, except ``Context``, ``Socket``, ``Poller``
and ``device``: a call that would block (``send``/``recv`` and their
multipart, string, JSON and pickle forms, ``poll``, ``Poller.poll``)
blocks only the calling greenlet, which waits on the socket's readiness
descriptor (``Socket.FD``) through gevent's hub, so other greenlets run
meanwhile. SNDTIMEO and RCVTIMEO still apply (``Again`` when they expire).
Needs gevent (``pip install gevent``), as pyzmq's does.
"""

from .. import *  # noqa: F401,F403
from .. import __all__ as _all
from .core import Context, Socket
from .device import device
from .poll import Poller

__all__ = list(_all)
