"""ZAP authentication (RFC 27) in Python, as pyzmq's ``zmq.auth``.

An authenticator binds a REP socket at ``inproc://zeromq.zap.01`` in a
context; every socket of that context that uses PLAIN or CURVE (or NULL
with a ``zap_domain``) then asks it whether a peer may connect. Run it in
a background thread with :class:`ferrozmq.auth.thread.ThreadAuthenticator`::

    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.allow("127.0.0.1")
    auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)

Certificates are zcert's text files (``name.key`` and ``name.key_secret``),
made by :func:`create_certificates` and read by :func:`load_certificate`
and :func:`load_certificates`.
"""

from .base import CURVE_ALLOW_ANY, Authenticator
from .certs import create_certificates, load_certificate, load_certificates
from . import thread  # noqa: F401  (zmq.auth.thread.ThreadAuthenticator)

__all__ = [
    "Authenticator",
    "CURVE_ALLOW_ANY",
    "create_certificates",
    "load_certificate",
    "load_certificates",
]
