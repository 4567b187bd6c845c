"""``ZMQStream``: a socket driven by callbacks on a tornado IOLoop (pyzmq's
``zmq.eventloop.zmqstream``).

::

    stream = ZMQStream(sock)
    stream.on_recv(lambda frames: print(frames))   # each incoming message
    stream.send_multipart([b"hi"])                 # queued, sent when it can go

The stream watches the socket's FD (edge-triggered: readable when the
socket's EVENTS may have changed), then reads EVENTS and handles at most one
message per direction per turn of the loop, rescheduling itself while more
are ready, so other callbacks keep running. Callbacks may be coroutine
functions; their exceptions are logged on ``gen_log``.
"""

import asyncio
import pickle
import warnings
from collections import deque

from tornado.ioloop import IOLoop
from tornado.log import gen_log

from .. import constants
from ..error import Again, ContextTerminated, ZMQError
from ..socket import Socket
from ..utils import jsonapi

_POLLIN = constants.POLLIN
_POLLOUT = constants.POLLOUT

#: Socket methods a stream forwards as is.
_FORWARDED = (
    "bind",
    "bind_to_random_port",
    "connect",
    "unbind",
    "disconnect",
    "setsockopt",
    "getsockopt",
    "setsockopt_string",
    "getsockopt_string",
    "setsockopt_unicode",
    "getsockopt_unicode",
    "set",
    "get",
    "set_string",
    "get_string",
    "subscribe",
    "unsubscribe",
)


class ZMQStream:
    """Callbacks for a socket's messages, on a tornado IOLoop."""

    def __init__(self, socket, io_loop=None):
        if type(socket) is not Socket and isinstance(socket, Socket) and hasattr(socket, "_readiness"):
            warnings.warn(
                f"ZMQStream needs a plain zmq.Socket, not {type(socket).__name__}: using a shadow of it",
                RuntimeWarning,
                stacklevel=2,
            )
            socket = Socket.shadow(socket)
        self.socket = socket
        self.io_loop = io_loop or IOLoop.current()
        self.poller = None
        self._fd = socket.FD
        self._send_queue = deque()
        self._recv_callback = None
        self._send_callback = None
        self._close_callback = None
        self._recv_copy = False
        self._scheduled = False
        self.io_loop.add_handler(self._fd, self._handle_events, IOLoop.READ)

    def __getattr__(self, name):
        if name in _FORWARDED and self.__dict__.get("socket") is not None:
            return getattr(self.socket, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    # --- callbacks ------------------------------------------------------------

    def on_recv(self, callback, copy=True):
        """Calls ``callback(frames)`` for each message received (None: stop)."""
        assert callback is None or callable(callback)
        self._recv_callback = callback
        self._recv_copy = copy
        self._update()

    def on_recv_stream(self, callback, copy=True):
        """Calls ``callback(stream, frames)`` for each message received."""
        if callback is None:
            self.stop_on_recv()
        else:
            assert callable(callback)
            self.on_recv(lambda msg: callback(self, msg), copy=copy)

    def on_send(self, callback):
        """Calls ``callback(frames, status)`` after each queued message is sent."""
        assert callback is None or callable(callback)
        self._send_callback = callback

    def on_send_stream(self, callback):
        """Calls ``callback(stream, frames, status)`` after each send."""
        if callback is None:
            self.stop_on_send()
        else:
            assert callable(callback)
            self.on_send(lambda msg, status: callback(self, msg, status))

    def on_err(self, callback):
        """Gone from pyzmq's streams too: ZeroMQ sockets report no errors this way."""
        warnings.warn("on_err does nothing: ZeroMQ sockets have no error events", DeprecationWarning, stacklevel=2)

    def stop_on_recv(self):
        """Stops receiving."""
        self.on_recv(None)

    def stop_on_send(self):
        """Stops calling the send callback."""
        self.on_send(None)

    def stop_on_err(self):
        """Kept for old code (see ``on_err``)."""

    def set_close_callback(self, callback):
        """Calls ``callback()`` once the stream is closed."""
        self._close_callback = callback

    # --- sending ----------------------------------------------------------------

    def send(self, msg, flags=0, copy=True, track=False, callback=None, **kwargs):
        """Queues one frame (see ``send_multipart``)."""
        return self.send_multipart([msg], flags=flags, copy=copy, track=track, callback=callback, **kwargs)

    def send_multipart(self, msg, flags=0, copy=True, track=False, callback=None, **kwargs):
        """Queues a message; it is sent when the socket can take it, then the
        send callback (``callback``, if given, becomes it) runs."""
        kwargs.update(flags=flags, copy=copy, track=track)
        self._send_queue.append((msg, kwargs))
        if callback is not None:
            self.on_send(callback)
        self._update()

    def send_string(self, u, flags=0, encoding="utf-8", callback=None, **kwargs):
        """Queues text, encoded."""
        if not isinstance(u, str):
            raise TypeError("unicode/str objects only")
        return self.send(u.encode(encoding), flags=flags, callback=callback, **kwargs)

    send_unicode = send_string

    def send_json(self, obj, flags=0, callback=None, **kwargs):
        """Queues an object as JSON."""
        return self.send(jsonapi.dumps(obj), flags=flags, callback=callback, **kwargs)

    def send_pyobj(self, obj, flags=0, protocol=pickle.DEFAULT_PROTOCOL, callback=None, **kwargs):
        """Queues a pickled object."""
        return self.send(pickle.dumps(obj, protocol), flags=flags, callback=callback, **kwargs)

    # --- state ------------------------------------------------------------------

    def receiving(self):
        """Whether a receive callback is set."""
        return self._recv_callback is not None

    def sending(self):
        """Whether messages wait to be sent."""
        return bool(self._send_queue)

    def closed(self):
        """Whether the stream (or the socket under it) is closed."""
        if self.socket is None:
            return True
        if self.socket.closed:
            # Closed elsewhere (a shadowed socket): clean up here too.
            self.close()
            return True
        return False

    def close(self, linger=None):
        """Stops watching the socket and closes it."""
        if self.socket is None:
            return
        if self.socket.closed:
            warnings.warn(
                f"Unregistering FD {self._fd} after closing socket: close the stream, "
                "not the socket under it (the FD may belong to another socket by now)",
                stacklevel=2,
            )
        self.io_loop.remove_handler(self._fd)
        self.socket.close(linger)
        self.socket = None
        if self._close_callback is not None:
            self._run_callback(self._close_callback)

    def flush(self, flag=_POLLIN | _POLLOUT, limit=None):
        """Handles pending messages now (receive callbacks and queued sends,
        as ``flag`` says), at most ``limit``; returns how many."""
        count = 0
        while self.socket is not None and (limit is None or count < limit):
            events = self.socket.EVENTS
            if flag & _POLLIN and events & _POLLIN and self.receiving():
                self._handle_recv()
            elif flag & _POLLOUT and events & _POLLOUT and self.sending():
                self._handle_send()
            else:
                break
            count += 1
        self._update()
        return count

    # --- the loop's side ------------------------------------------------------

    def _wanted(self):
        return (_POLLIN if self.receiving() else 0) | (_POLLOUT if self.sending() else 0)

    def _update(self):
        """Schedules a turn when a wanted event is ready already (the FD is
        edge-triggered: it will not signal again for it)."""
        if self.socket is None or self._scheduled:
            return
        try:
            ready = self._wanted() & self.socket.EVENTS
        except ZMQError:
            ready = 1  # let the next turn see and report it
        if ready:
            self._scheduled = True
            self.io_loop.add_callback(self._turn)

    def _turn(self):
        self._scheduled = False
        self._handle_events(self._fd, 0)

    def _handle_events(self, fd, events):
        """One turn: at most one message in and one out, then reschedule."""
        if self.socket is None:
            gen_log.warning("Got events for closed stream %s", self)
            return
        try:
            zmq_events = self.socket.EVENTS
        except ContextTerminated:
            gen_log.warning("Got events for stream %s after its context was terminated", self)
            self.closed()
            return
        except ZMQError as e:
            if self.closed():
                gen_log.warning("Got events for stream %s attached to a closed socket: %s", self, e)
            else:
                gen_log.error("Error reading the events of %s: %s", self, e)
            return
        try:
            if zmq_events & _POLLIN and self.receiving():
                self._handle_recv()
                if self.socket is None:
                    return
            if zmq_events & _POLLOUT and self.sending():
                self._handle_send()
                if self.socket is None:
                    return
            self._update()
        except Exception:
            gen_log.error("Uncaught exception in ZMQStream callback", exc_info=True)
            raise

    def _handle_recv(self):
        try:
            msg = self.socket.recv_multipart(constants.DONTWAIT, copy=self._recv_copy)
        except Again:
            return
        if self._recv_callback is not None:
            self._run_callback(self._recv_callback, msg)

    def _handle_send(self):
        msg, kwargs = self._send_queue.popleft()
        try:
            status = self.socket.send_multipart(msg, **kwargs)
        except ZMQError as e:
            gen_log.error("Send error on %s: %s", self, e)
            status = e
        if self._send_callback is not None:
            self._run_callback(self._send_callback, msg, status)

    def _run_callback(self, callback, *args):
        """Runs a callback; a coroutine's exception is logged when it ends."""
        result = callback(*args)
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            future = asyncio.ensure_future(result)

            def report(f):
                if not f.cancelled() and f.exception() is not None:
                    gen_log.error("Uncaught exception in ZMQStream callback", exc_info=f.exception())

            future.add_done_callback(report)

    def __repr__(self):
        return f"<ZMQStream {self.socket!r}>"


__all__ = ["ZMQStream"]
