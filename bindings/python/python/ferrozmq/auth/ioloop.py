"""pyzmq's deprecated ``zmq.auth.ioloop``: with tornado 5+ the IOLoop is an
asyncio loop, so ``IOLoopAuthenticator`` is the asyncio authenticator;
passing ``io_loop`` is deprecated (it runs on the current asyncio loop)."""

import warnings

from .asyncio import AsyncioAuthenticator


class IOLoopAuthenticator(AsyncioAuthenticator):
    """The asyncio authenticator under pyzmq's old tornado name."""

    def __init__(self, context=None, encoding="utf-8", log=None, io_loop=None):
        loop = None
        if io_loop is not None:
            warnings.warn(
                "IOLoopAuthenticator(io_loop=...) is deprecated: it runs on the asyncio loop",
                DeprecationWarning,
                stacklevel=2,
            )
            loop = getattr(io_loop, "asyncio_loop", None)
        super().__init__(context=context, loop=loop, encoding=encoding, log=log)


__all__ = ["IOLoopAuthenticator"]
