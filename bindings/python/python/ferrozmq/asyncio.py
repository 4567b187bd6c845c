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
        self._last_send = None
        self._last_recv = None

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

    async def _retry(self, call, flags, event, timeout_option, before):
        if before is not None and not before.done():
            # Calls of one kind complete in the order they were made.
            await _asyncio.wait([before])
        while True:
            try:
                return call(flags | DONTWAIT)
            except Again:
                if flags & DONTWAIT:
                    raise
            await self._wait(event, self.getsockopt(timeout_option))

    def _future(self, kind, call, flags, event, timeout_option):
        """A Future of ``call``: done at once if it need not wait, else a
        task that waits for readiness (as pyzmq's asyncio sockets return)."""
        try:
            loop = _asyncio.get_running_loop()
        except RuntimeError:
            loop = _asyncio.get_event_loop()
        before = self.__dict__.get(kind)
        if before is None or before.done():
            fut = loop.create_future()
            try:
                fut.set_result(call(flags | DONTWAIT))
                return fut
            except Again:
                if flags & DONTWAIT:
                    fut.set_exception(Again())
                    return fut
            except Exception as e:  # raised when awaited, as pyzmq does
                fut.set_exception(e)
                return fut
        fut = loop.create_future()

        def guarded(flags):
            # The task may run its first step after `fut` was cancelled:
            # then it must not take a message that nobody will get.
            if fut.done():
                raise _asyncio.CancelledError()
            return call(flags)

        self._driven(loop, self._retry(guarded, flags, event, timeout_option, before), fut)
        self.__dict__[kind] = fut
        return fut

    def _driven(self, loop, coro, fut=None):
        """A plain Future (``fut``, or a new one) with ``coro``'s outcome, run
        as a task. Cancelling the Future cancels it at once (``done()`` is
        true right away) and stops the task; closing the socket cancels it."""
        if fut is None:
            fut = loop.create_future()
        task = loop.create_task(coro)
        pending = self.__dict__.setdefault("_pending", set())
        pending.add(fut)

        def settle(task):
            if fut.done():
                return
            if task.cancelled():
                fut.cancel()
            elif task.exception() is not None:
                fut.set_exception(task.exception())
            else:
                fut.set_result(task.result())

        def forget(fut):
            pending.discard(fut)
            if fut.cancelled():
                task.cancel()

        task.add_done_callback(settle)
        fut.add_done_callback(forget)
        return fut

    def _coroutine_future(self, coro):
        """``coro`` as a cancellable Future tied to this socket."""
        try:
            loop = _asyncio.get_running_loop()
        except RuntimeError:
            loop = _asyncio.get_event_loop()
        return self._driven(loop, coro)

    def recv_into(self, buffer, /, *, nbytes=0, flags=0):
        """A Future of receiving one frame into ``buffer`` (see ``ferrozmq.Socket.recv_into``)."""
        sync_recv_into = super().recv_into
        return self._future(
            "_last_recv",
            lambda f: sync_recv_into(buffer, nbytes=nbytes, flags=f),
            flags,
            POLLIN,
            SocketOption.RCVTIMEO,
        )

    def send(self, data, flags=0, copy=True, track=False, **kwargs):
        """A Future of sending one frame (see ``ferrozmq.Socket.send``)."""
        sync_send = super().send
        return self._future(
            "_last_send",
            lambda f: sync_send(data, f, copy=copy, track=track, **kwargs),
            flags,
            POLLOUT,
            SocketOption.SNDTIMEO,
        )

    def send_multipart(self, msg_parts, flags=0, copy=True, track=False, **kwargs):
        """A Future of sending a whole message."""
        parts = list(msg_parts)
        sync_send = super().send_multipart
        return self._future(
            "_last_send",
            lambda f: sync_send(parts, f, copy=copy, track=track, **kwargs),
            flags,
            POLLOUT,
            SocketOption.SNDTIMEO,
        )

    def recv(self, flags=0, copy=True, track=False):
        """A Future of the next frame."""
        sync_recv = super().recv
        return self._future(
            "_last_recv",
            lambda f: sync_recv(f, copy=copy, track=track),
            flags,
            POLLIN,
            SocketOption.RCVTIMEO,
        )

    def recv_multipart(self, flags=0, copy=True, track=False):
        """A Future of every frame of the next message."""
        sync_recv = super().recv_multipart
        return self._future(
            "_last_recv",
            lambda f: sync_recv(f, copy=copy, track=track),
            flags,
            POLLIN,
            SocketOption.RCVTIMEO,
        )

    def recv_string(self, flags=0, encoding="utf-8"):
        """A Future; see ``_recv_string``."""
        return self._coroutine_future(self._recv_string(flags, encoding))

    async def _recv_string(self, flags=0, encoding="utf-8"):
        """Receives text."""
        return (await self.recv(flags)).decode(encoding)

    recv_unicode = recv_string

    def recv_json(self, flags=0, **kwargs):
        """A Future; see ``_recv_json``."""
        return self._coroutine_future(self._recv_json(flags, **kwargs))

    async def _recv_json(self, flags=0, **kwargs):
        """Receives a JSON document."""
        return jsonapi.loads(await self.recv(flags), **kwargs)

    def recv_pyobj(self, flags=0):
        """A Future; see ``_recv_pyobj``."""
        return self._coroutine_future(self._recv_pyobj(flags))

    async def _recv_pyobj(self, flags=0):
        """Receives a pickled object."""
        import pickle

        return pickle.loads(await self.recv(flags))

    def recv_serialized(self, deserialize, flags=0, copy=True):
        """A Future; see ``_recv_serialized``."""
        return self._coroutine_future(self._recv_serialized(deserialize, flags, copy))

    async def _recv_serialized(self, deserialize, flags=0, copy=True):
        """Receives a message and returns ``deserialize(frames)``."""
        return deserialize(await self.recv_multipart(flags, copy=copy))

    def poll(self, timeout=None, flags=POLLIN):
        """A Future; see ``_poll`` (done at once if ready or ``timeout`` is 0)."""
        if not self.closed:
            ready = self.getsockopt(EVENTS) & flags
            if ready or timeout == 0:
                fut = _asyncio.get_event_loop().create_future()
                fut.set_result(ready)
                return fut
        return self._coroutine_future(self._poll(timeout, flags))

    async def _poll(self, timeout=None, flags=POLLIN):
        """Waits up to ``timeout`` ms (None: forever) for ``flags``; returns those ready (0 on timeout)."""
        if self.closed:
            raise ZMQError(_socket.Errno.ENOTSUP)
        try:
            await self._wait(flags, -1 if timeout is None or timeout < 0 else timeout)
        except Again:
            return 0
        return self.getsockopt(EVENTS) & flags

    def close(self, linger=None):
        for fut in list(self.__dict__.get("_pending", ())):
            fut.cancel()
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

    def poll(self, timeout=None):
        """A Future of ``[(socket, events)]`` ready within ``timeout`` ms (None: forever)."""
        return _asyncio.ensure_future(self._poll(timeout))

    async def _poll(self, timeout=None):
        """Waits up to ``timeout`` ms (None: forever); returns ``[(socket, events)]`` ready."""
        loop = _asyncio.get_running_loop()
        deadline = None if timeout is None or timeout < 0 else loop.time() + timeout / 1000
        while True:
            ready = _poll.Poller.poll(self, 0)
            if ready:
                return ready
            if deadline is not None and loop.time() >= deadline:
                return []
            fut = loop.create_future()

            def wake(fut=fut):
                if not fut.done():
                    fut.set_result(None)

            readers, writers = self._descriptors()
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
