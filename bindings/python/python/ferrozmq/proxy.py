"""``proxy``, ``proxy_steerable`` and the legacy ``device``."""

from . import _ferrozmq


def proxy(frontend, backend, capture=None):
    """Forwards messages both ways between ``frontend`` and ``backend``
    (copying them to ``capture``) until the context is terminated, which
    raises ``ContextTerminated``."""
    _ferrozmq.proxy(frontend, backend, capture, None)


def proxy_steerable(frontend, backend, capture=None, control=None):
    """Like ``proxy``, steered by PAUSE / RESUME / TERMINATE / STATISTICS
    commands on ``control``; returns after TERMINATE."""
    _ferrozmq.proxy(frontend, backend, capture, control)


def device(device_type, frontend, backend):
    """The old ``zmq_device``: ``proxy(frontend, backend)`` (the type is ignored)."""
    proxy(frontend, backend)


__all__ = ["proxy", "proxy_steerable", "device"]
