"""An :class:`~ferrozmq.auth.Authenticator` answering on the asyncio loop,
as pyzmq's ``zmq.auth.asyncio``: ``start()`` from a coroutine (or with the
loop running), ``stop()`` when done."""

import asyncio

from ..error import ContextTerminated, ZMQError
from .base import Authenticator


class AsyncioAuthenticator(Authenticator):
    """Runs the ZAP handler as a task of the running asyncio loop."""

    def __init__(self, context=None, loop=None, encoding="utf-8", log=None):
        if context is None:
            from ..asyncio import Context

            context = Context.instance()
        super().__init__(context=context, encoding=encoding, log=log)
        self.loop = loop
        self._task = None

    async def _serve(self):
        """Answers ZAP requests until stopped."""
        try:
            while True:
                await self._handle_zap_message_async(await self.zap_socket.recv_multipart())
        except (asyncio.CancelledError, ContextTerminated):
            pass
        except ZMQError as e:
            if self.zap_socket is not None and not self.zap_socket.closed:
                self.log.exception("ZAP handler failed: %s", e)

    def start(self):
        """Binds the ZAP socket and starts answering on the loop."""
        super().start()
        loop = self.loop or asyncio.get_event_loop()
        self._task = loop.create_task(self._serve())

    def stop(self):
        """Stops answering and closes the ZAP socket."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().stop()


__all__ = ["AsyncioAuthenticator"]
