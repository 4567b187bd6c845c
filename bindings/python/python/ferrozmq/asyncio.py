"""asyncio sockets, shaped like pyzmq's ``zmq.asyncio``.

``send``/``recv`` (and their multipart, string, JSON and pickle forms) and
``poll`` are coroutines. A socket waits on its readiness file descriptor
(``Socket.FD``) with the running loop's ``add_reader``, so the loop must be
a selector loop (the default on Unix). A cancelled ``recv`` never loses a
message: a message is taken from the socket only when the call returns.
"""

import asyncio as _asyncio

from . import context as _context
from . import poll as _poll
from . import socket as _socket
from .constants import DONTWAIT, EVENTS, FD, POLLIN, POLLOUT, SocketOption
from .error import Again, ZMQError
from .utils import jsonapi


class _Readiness:
    """Wakes every coroutine waiting on one socket when its FD signals."""

    def __init__(self, fd):
        self.fd = fd
        self.waiters = []
        self.loop = None

    def wait(self, loop):
        fut = loop.create_future()
        self.waiters.append(fut)
        if self.loop is None:
            loop.add_reader(self.fd, self._fire)
            self.loop = loop
        return fut

    def _fire(self):
        self.stop()
        waiters, self.waiters = self.waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def stop(self):
        if self.loop is not None:
            self.loop.remove_reader(self.fd)
            self.loop = None


class Socket(_socket.Socket):
    """A socket whose blocking calls are coroutines (``await sock.recv()``)."""

    _repr_cls = "zmq.asyncio.Socket"

    def __init__(self, ctx=None, socket_type=None, **kwargs):
        super().__init__(ctx, socket_type, **kwargs)
        self._readiness = None

    async def _wait(self, event, timeout_ms):
        """Until ``event`` (POLLIN/POLLOUT) is ready; Again after ``timeout_ms`` (< 0: never)."""
        loop = _asyncio.get_running_loop()
        deadline = None if timeout_ms < 0 else loop.time() + timeout_ms / 1000
        if self._readiness is None:
            self._readiness = _Readiness(self.getsockopt(FD))
        while not self.getsockopt(EVENTS) & event:
            fut = self._readiness.wait(loop)
            if deadline is None:
                await fut
                continue
            left = deadline - loop.time()
            if left <= 0:
                raise Again()
            try:
                await _asyncio.wait_for(fut, left)
            except _asyncio.TimeoutError:
                raise Again() from None

    async def _retry(self, call, flags, event, timeout_option):
        while True:
            try:
                return call(flags | DONTWAIT)
            except Again:
                if flags & DONTWAIT:
                    raise
            await self._wait(event, self.getsockopt(timeout_option))

    async def send(self, data, flags=0, copy=True, track=False, **kwargs):
        """Sends one frame once the socket can (see ``ferrozmq.Socket.send``)."""
        sync_send = super().send
        return await self._retry(
            lambda f: sync_send(data, f, copy=copy, track=track, **kwargs),
            flags,
            POLLOUT,
            SocketOption.SNDTIMEO,
        )

    async def send_multipart(self, msg_parts, flags=0, copy=True, track=False, **kwargs):
        """Sends a whole message once the socket can."""
        parts = list(msg_parts)
        sync_send = super().send_multipart
        return await self._retry(
            lambda f: sync_send(parts, f, copy=copy, track=track, **kwargs),
            flags,
            POLLOUT,
            SocketOption.SNDTIMEO,
        )

    async def recv(self, flags=0, copy=True, track=False):
        """Receives one frame once one is there."""
        sync_recv = super().recv
        return await self._retry(
            lambda f: sync_recv(f, copy=copy, track=track),
            flags,
            POLLIN,
            SocketOption.RCVTIMEO,
        )

    async def recv_multipart(self, flags=0, copy=True, track=False):
        """Receives every frame of the next message once it is there."""
        sync_recv = super().recv_multipart
        return await self._retry(
            lambda f: sync_recv(f, copy=copy, track=track),
            flags,
            POLLIN,
            SocketOption.RCVTIMEO,
        )

    async def recv_string(self, flags=0, encoding="utf-8"):
        """Receives text."""
        return (await self.recv(flags)).decode(encoding)

    recv_unicode = recv_string

    async def recv_json(self, flags=0, **kwargs):
        """Receives a JSON document."""
        return jsonapi.loads(await self.recv(flags), **kwargs)

    async def recv_pyobj(self, flags=0):
        """Receives a pickled object."""
        import pickle

        return pickle.loads(await self.recv(flags))

    async def recv_serialized(self, deserialize, flags=0, copy=True):
        """Receives a message and returns ``deserialize(frames)``."""
        return deserialize(await self.recv_multipart(flags, copy=copy))

    async def poll(self, timeout=None, flags=POLLIN):
        """Waits up to ``timeout`` ms (None: forever) for ``flags``; returns those ready (0 on timeout)."""
        if self.closed:
            raise ZMQError(_socket.Errno.ENOTSUP)
        try:
            await self._wait(flags, -1 if timeout is None or timeout < 0 else timeout)
        except Again:
            return 0
        return _socket.PollEvent(self.getsockopt(EVENTS) & flags)

    def close(self, linger=None):
        if getattr(self, "_readiness", None) is not None:
            self._readiness.stop()
            self._readiness = None
        super().close(linger)


class Context(_context.Context):
    """A context whose sockets are ``ferrozmq.asyncio.Socket``."""

    _socket_class = Socket
    _instance = None
    _repr_cls = "zmq.asyncio.Context"


class Poller(_poll.Poller):
    """A poller whose ``poll`` is a coroutine."""

    async def poll(self, timeout=None):
        """Waits up to ``timeout`` ms (None: forever); returns ``[(socket, events)]`` ready."""
        loop = _asyncio.get_running_loop()
        deadline = None if timeout is None or timeout < 0 else loop.time() + timeout / 1000
        while True:
            ready = super().poll(0)
            if ready:
                return ready
            if deadline is not None and loop.time() >= deadline:
                return []
            fut = loop.create_future()

            def wake(fut=fut):
                if not fut.done():
                    fut.set_result(None)

            readers, writers = [], []
            for s, flags in self.sockets:
                if isinstance(s, _socket.Socket):
                    readers.append(s.getsockopt(FD))
                else:
                    fd = s if isinstance(s, int) else s.fileno()
                    if flags & POLLIN:
                        readers.append(fd)
                    if flags & POLLOUT:
                        writers.append(fd)
            for fd in readers:
                loop.add_reader(fd, wake)
            for fd in writers:
                loop.add_writer(fd, wake)
            try:
                left = None if deadline is None else max(0.0, deadline - loop.time())
                await _asyncio.wait_for(fut, left)
            except _asyncio.TimeoutError:
                pass
            finally:
                for fd in readers:
                    loop.remove_reader(fd)
                for fd in writers:
                    loop.remove_writer(fd)


__all__ = ["Context", "Socket", "Poller"]
