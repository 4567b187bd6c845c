"""``Socket``: pyzmq's socket API over ferrozmq's Rust socket."""

import errno as _errno
import pickle
import random
import warnings

from . import _ferrozmq, _generic, _shadow
from .constants import (
    Errno,
    Flag,
    PollEvent,
    SocketOption,
    SocketType,
    _OptType,
)
from .error import ZMQBindError, ZMQError
from .frame import Frame
from .tracker import _FINISHED_TRACKER
from .utils import jsonapi, z85

_HWM = SocketOption.HWM
_IPV4ONLY = SocketOption.IPV4ONLY
#: CURVE key options: set as 32 octets or 40 Z85 characters, read as Z85.
_CURVE_KEYS = frozenset(
    (SocketOption.CURVE_PUBLICKEY, SocketOption.CURVE_SECRETKEY, SocketOption.CURVE_SERVERKEY)
)
_SUBSCRIBE = SocketOption.SUBSCRIBE
_UNSUBSCRIBE = SocketOption.UNSUBSCRIBE


def _option(name):
    """The socket option called ``name`` (any case), or None."""
    return SocketOption.__members__.get(name.upper())


def _declared(cls, name):
    """Whether a class (or a base) defines or annotates ``name``: then
    ``obj.name = v`` is a plain attribute, not an option (as pyzmq)."""
    return hasattr(cls, name) or any(name in getattr(c, "__annotations__", {}) for c in cls.__mro__)


def _text(addr):
    """An endpoint given as bytes, as text."""
    return addr.decode("utf-8") if isinstance(addr, bytes) else addr


def _copied(sock, data, copy):
    """Whether a frame is sent as a copy (so its tracker is done at once):
    not a Frame, and ``copy`` or smaller than the socket's copy threshold."""
    if isinstance(data, Frame):
        return False
    return copy or memoryview(data).nbytes < sock.copy_threshold


def _explain(error, addr):
    """Adds the endpoint (and, for a long ipc path, the limit) to a bind or
    connect error's message."""
    error.strerror = f"{error.strerror} (addr={addr!r})"
    if error.errno == _errno.ENAMETOOLONG and addr.startswith("ipc://"):
        from . import IPC_PATH_MAX_LEN

        error.strerror += f": ipc paths are at most {IPC_PATH_MAX_LEN} characters long"


def _send_slow(sock, data, flags, copy, track, routing_id, group):
    """``Socket.send`` with ``track`` (called by the Rust core): returns the tracker."""
    if routing_id is not None or group is not None:
        raise ZMQError(Errno.ENOTSUP, "routing_id and group need draft sockets")
    if isinstance(data, Frame) and data.tracker is not None:
        # A Frame made with track=True: its own tracker (as pyzmq).
        sock._send_frame(data, flags)
        return data.tracker
    if not track:
        return sock.send(data, flags, copy=copy)
    if isinstance(data, Frame):
        raise ValueError("Not a tracked message: make the Frame with track=True")
    if _copied(sock, data, copy):
        sock._send_frame(data, flags)
        return _FINISHED_TRACKER
    frame = Frame(data, track=True)
    sock._send_frame(frame, flags)
    return frame.tracker


class _Bound:
    """What ``bind``/``connect`` return: the socket, and a context manager
    that unbinds/disconnects on exit (pyzmq 26+)."""

    def __init__(self, socket, addr, undo):
        self.socket = socket
        self.addr = addr
        self._undo = undo

    def __enter__(self):
        return self.socket

    def __exit__(self, *exc):
        if not self.socket.closed:
            self._undo(self.addr)

    def __repr__(self):
        kind = "bind" if self._undo == self.socket.unbind else "connect"
        return f"<{self.socket!r} {kind}={self.addr!r}>"


class Socket(_ferrozmq.Socket):
    """A ZeroMQ socket (pyzmq's ``zmq.Socket``); make it with ``ctx.socket(zmq.REQ)``.

    Options read and write as attributes too: ``sock.linger = 0``,
    ``sock.rcvhwm``, ``sock.identity``, ``sock.last_endpoint``.
    """

    copy_threshold = 65536
    __class_getitem__ = _generic.class_getitem
    _shadow_kind = "socket"
    # Set on shadows only: a plain socket keeps no instance __dict__, and
    # CPython then skips a dict lookup on every `sock.send`/`sock.recv`.
    _shadow = False
    _shadow_obj = None

    def __new__(cls, ctx=None, socket_type=-1, *args, shadow=None, **kwargs):
        if isinstance(ctx, _ferrozmq.Socket):  # Socket(other): a shadow, as in pyzmq
            ctx, shadow = None, ctx
        original = _shadow.resolve(cls._shadow_kind, _ferrozmq.Socket, shadow or None)
        if original is not None and ctx is None:
            ctx = original.context
        if socket_type is None:
            socket_type = -1
        return super().__new__(cls, ctx, socket_type, *args, shadow=original, **kwargs)

    def __init__(self, ctx=None, socket_type=None, *args, shadow=None, **kwargs):
        shadow_obj = ctx if isinstance(ctx, _ferrozmq.Socket) else shadow
        if shadow_obj:
            self._shadow_obj = shadow_obj
            self._shadow = True

    def __copy__(self, memo=None):
        """A copy is a shadow: the same socket under another object."""
        return type(self).shadow(self)

    __deepcopy__ = __copy__

    @classmethod
    def shadow(cls, address):
        """The socket ``address`` (a Socket or its ``underlying``) under a new object."""
        return cls(shadow=address)

    # --- lifetime ---------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            if not self._shadow and not self.closed:
                warnings.warn(f"Unclosed socket {self!r}", ResourceWarning, stacklevel=2)
                self.close()
        except Exception:
            pass

    def __dir__(self):
        names = set(SocketOption.__members__)
        return sorted(set(super().__dir__()) | names | {n.lower() for n in names})

    #: How repr names the class (pyzmq's spelling).
    _repr_cls = "zmq.Socket"

    @property
    def type(self):
        """The socket type, a ``SocketType`` (still known after close)."""
        return SocketType(self.socket_type)

    def __repr__(self):
        try:
            kind = SocketType(self.socket_type).name
        except ValueError:
            kind = str(self.socket_type)
        closed = " closed" if self.closed else ""
        return f"<{self._repr_cls}(zmq.{kind}) at {hex(id(self))}{closed}>"

    @property
    def underlying(self):
        """An address naming this socket, the same for its shadows (not a
        libzmq pointer: it means something to ``Socket.shadow`` only)."""
        return _shadow.underlying(self)

    # --- endpoints --------------------------------------------------------

    def bind(self, addr):
        """Accepts connections on ``addr``; usable as a context manager that unbinds."""
        addr = _text(addr)
        try:
            super().bind(addr)
        except ZMQError as e:
            _explain(e, addr)
            raise
        if addr.endswith((":0", ":*")) or addr.startswith("ipc://*"):
            addr = _text(self.last_endpoint)  # what leaving the block unbinds
        return _Bound(self, addr, self.unbind)

    def connect(self, addr):
        """Connects to ``addr``; usable as a context manager that disconnects."""
        addr = _text(addr)
        try:
            super().connect(addr)
        except ZMQError as e:
            _explain(e, addr)
            raise
        return _Bound(self, addr, self.disconnect)

    def unbind(self, addr):
        """Stops accepting on ``addr``."""
        super().unbind(_text(addr))

    def disconnect(self, addr):
        """Drops the connection to ``addr``."""
        super().disconnect(_text(addr))

    def recv_into(self, buffer, /, *, nbytes=0, flags=0):
        """Receives one frame into ``buffer`` (at most ``nbytes``, 0: its size);
        returns the frame's full length, as libzmq's zmq_recv does."""
        view = memoryview(buffer)
        if view.readonly:
            raise BufferError("recv_into needs a writable buffer")
        if not view.c_contiguous:
            raise BufferError("recv_into needs a contiguous buffer")
        view = view.cast("B")
        if nbytes < 0:
            raise ValueError(f"nbytes={nbytes} must be non-negative")
        if nbytes > len(view):
            raise ValueError(f"nbytes={nbytes} is more than the buffer's {len(view)} bytes")
        limit = nbytes or len(view)
        frame = _ferrozmq.Socket.recv(self, flags, copy=False)
        n = min(len(frame), limit)
        view[:n] = frame.buffer[:n]
        return len(frame)

    def bind_to_random_port(self, addr, min_port=49152, max_port=65536, max_tries=100):
        """Binds ``addr`` (e.g. ``tcp://127.0.0.1``) to a free port; returns the port."""
        if min_port == 49152 and max_port == 65536:
            # Let the OS choose, as pyzmq does.
            self.bind(f"{addr}:*")
            return int(self.last_endpoint.decode().rsplit(":", 1)[-1])
        for _ in range(max_tries):
            port = random.randrange(min_port, max_port)
            try:
                self.bind(f"{addr}:{port}")
            except ZMQError as e:
                if e.errno not in (Errno.EADDRINUSE, _errno.EACCES):
                    raise
            else:
                return port
        raise ZMQBindError("Could not bind socket to random port.")

    # --- options ----------------------------------------------------------

    def setsockopt(self, option, optval):
        """Sets an option: int, or bytes for binary options."""
        if option == _HWM:
            super().setsockopt(SocketOption.SNDHWM, optval)
            super().setsockopt(SocketOption.RCVHWM, optval)
            return
        if option == _IPV4ONLY:
            super().setsockopt(SocketOption.IPV6, int(not optval))
            return
        if isinstance(optval, str):
            if option not in _CURVE_KEYS:
                raise TypeError("unicode not allowed, use setsockopt_string")
            optval = optval.encode("ascii")
        if isinstance(optval, (bytearray, memoryview)):
            optval = bytes(optval)
        known = SocketOption._value2member_map_.get(int(option))
        if known is None:
            if isinstance(optval, bytes):
                # As pyzmq: options it does not know pass through as ints only.
                raise TypeError(f"option {option} is unknown: only int values pass through")
        elif known._opt_type is _OptType.bytes:
            if not isinstance(optval, bytes):
                raise TypeError(f"expected bytes, got: {optval!r}")
        elif not isinstance(optval, int):
            raise TypeError(f"expected int, got: {optval!r}")
        super().setsockopt(int(option), optval)

    def getsockopt(self, option):
        """Reads an option: int, or bytes for binary and text options."""
        if option == _HWM:
            return super().getsockopt(SocketOption.SNDHWM)
        if option == _IPV4ONLY:
            return int(not super().getsockopt(SocketOption.IPV6))
        value = super().getsockopt(int(option))
        if option in _CURVE_KEYS:
            # pyzmq reads CURVE keys back as Z85 text.
            return z85.encode(value)
        return value

    set = setsockopt
    get = getsockopt

    def setsockopt_string(self, option, optval, encoding="utf-8"):
        """Sets a text option."""
        if not isinstance(optval, str):
            raise TypeError(f"strings only, not {type(optval)}")
        self.setsockopt(option, optval.encode(encoding))

    def getsockopt_string(self, option, encoding="utf-8"):
        """Reads a text option."""
        value = self.getsockopt(option)
        if not isinstance(value, bytes):
            raise TypeError(f"option {option} is not a string option")
        return value.decode(encoding)

    set_string = setsockopt_string
    get_string = getsockopt_string
    setsockopt_unicode = setsockopt_string
    getsockopt_unicode = getsockopt_string

    def __setattr__(self, name, value):
        if name.lower() in ("subscribe", "unsubscribe"):
            # `sock.subscribe = b"topic"` sets the option, method or not (as pyzmq).
            getattr(self, name.lower())(value)
            return
        # (`self.__dict__` is read last: reading it creates it, see `_shadow`.)
        if name.startswith("_") or _declared(type(self), name):
            object.__setattr__(self, name, value)
            return
        option = _option(name)
        if option is not None:
            self.setsockopt(option, value)
        elif name in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            raise AttributeError(f"{type(self).__name__} has no such option: {name.upper()}")

    def get_hwm(self):
        """SNDHWM (pyzmq's HWM)."""
        return self.getsockopt(_HWM)

    def set_hwm(self, value):
        """Sets SNDHWM and RCVHWM."""
        self.setsockopt(_HWM, value)

    hwm = property(get_hwm, set_hwm, doc="SNDHWM (reading) or both HWMs (writing).")

    def fileno(self):
        """ZMQ_FD: readable when ``events`` may have changed (edge-triggered)."""
        return self.getsockopt(SocketOption.FD)

    def subscribe(self, topic):
        """Subscribes to messages starting with ``topic`` (SUB, XPUB_MANUAL)."""
        if isinstance(topic, str):
            topic = topic.encode("utf-8")
        self.setsockopt(_SUBSCRIBE, topic)

    def unsubscribe(self, topic):
        """Cancels one subscription to ``topic``."""
        if isinstance(topic, str):
            topic = topic.encode("utf-8")
        self.setsockopt(_UNSUBSCRIBE, topic)

    # --- sending ----------------------------------------------------------

    # send(data, flags=0, copy=True, track=False) and recv(flags=0, copy=True)
    # are the Rust core's (no Python on the hot path).

    def send_multipart(self, msg_parts, flags=0, copy=True, track=False, **kwargs):
        """Sends a message of several frames (bytes, buffers or Frames)."""
        parts = list(msg_parts)
        if not track:
            self._send_frames(parts, flags)
            return None
        from .tracker import MessageTracker

        if all(_copied(self, p, copy) for p in parts):
            self._send_frames(parts, flags)
            return _FINISHED_TRACKER
        frames = [Frame(p, track=True) for p in parts]
        self._send_frames(frames, flags)
        return MessageTracker(*frames)

    def send_string(self, u, flags=0, copy=True, encoding="utf-8", **kwargs):
        """Sends text, encoded (UTF-8 by default)."""
        if not isinstance(u, str):
            raise TypeError("str objects only")
        return self.send(u.encode(encoding), flags=flags, copy=copy, **kwargs)

    send_unicode = send_string

    def send_pyobj(self, obj, flags=0, protocol=pickle.DEFAULT_PROTOCOL, **kwargs):
        """Sends a pickled object."""
        return self.send(pickle.dumps(obj, protocol), flags=flags, **kwargs)

    def send_json(self, obj, flags=0, **kwargs):
        """Sends an object as JSON (keyword arguments go to ``json.dumps``)."""
        send_kwargs = {k: kwargs.pop(k) for k in ("copy", "track", "routing_id", "group") if k in kwargs}
        return self.send(jsonapi.dumps(obj, **kwargs), flags=flags, **send_kwargs)

    def send_serialized(self, msg, serialize, flags=0, copy=True, **kwargs):
        """Sends ``serialize(msg)`` (a list of frames) as one message."""
        return self.send_multipart(serialize(msg), flags=flags, copy=copy, **kwargs)

    # --- receiving --------------------------------------------------------

    def recv_multipart(self, flags=0, copy=True, track=False):
        """Receives every frame of the next message, as a list (of Frames if not ``copy``)."""
        return self._recv_frames(flags, copy)

    def recv_string(self, flags=0, encoding="utf-8"):
        """Receives text, decoded (UTF-8 by default)."""
        return self._recv_bytes(flags).decode(encoding)

    recv_unicode = recv_string

    def recv_pyobj(self, flags=0):
        """Receives a pickled object."""
        return pickle.loads(self._recv_bytes(flags))

    def recv_json(self, flags=0, **kwargs):
        """Receives a JSON document (keyword arguments go to ``json.loads``)."""
        return jsonapi.loads(self._recv_bytes(flags), **kwargs)

    def recv_serialized(self, deserialize, flags=0, copy=True):
        """Receives a message and returns ``deserialize(frames)``."""
        return deserialize(self.recv_multipart(flags, copy=copy))

    # --- polling and monitoring ---------------------------------------------

    def poll(self, timeout=None, flags=PollEvent.POLLIN):
        """Waits up to ``timeout`` ms (None: forever) for ``flags``; returns those ready."""
        if self.closed:
            raise ZMQError(Errno.ENOTSUP)
        ms = -1 if timeout is None or timeout < 0 else int(timeout)
        return self._poll_events(int(flags), ms)

    def monitor(self, addr, events=None):
        """Sends this socket's events to a PAIR socket bound at ``addr`` (None stops)."""
        from .constants import Event

        if events is None:
            events = Event.ALL_V1
        super().monitor(addr, int(events) & 0xFFFF)

    def get_monitor_socket(self, events=None, addr=None):
        """A PAIR socket receiving this socket's events (see ``utils.monitor``)."""
        if self.closed:
            raise ZMQError(Errno.ENOTSOCK)
        if getattr(self, "_monitor_socket", None) is not None:
            return self._monitor_socket
        if addr is None:
            addr = f"inproc://monitor.s-{id(self)}"
        self.monitor(addr, events)
        from .constants import PAIR

        self._monitor_socket = self.context.socket(PAIR)
        self._monitor_socket.connect(addr)
        return self._monitor_socket

    def disable_monitor(self):
        """Stops monitoring."""
        self._monitor_socket = None
        self.monitor(None, 0)




def _option_property(option):
    """``sock.<option>``: reads and writes the option. Write-only options
    (SUBSCRIBE ...) read as missing attributes, as in pyzmq (mock.Mock(spec=
    sock) relies on it)."""

    def fget(self):
        try:
            return self.getsockopt(option)
        except ZMQError as e:
            if e.errno in (Errno.EINVAL, Errno.EFAULT):
                raise AttributeError(f"{option.name} is write-only") from None
            raise

    def fset(self, value):
        self.setsockopt(option, value)

    return property(fget, fset, doc=f"The socket option {option.name}.")


# Options are properties (in lower and upper case), not a __getattr__ hook:
# a type with __getattr__ makes CPython bind a new method object on every
# `sock.send(...)`, which costs more than the send itself for small messages.
for _name, _opt in SocketOption.__members__.items():
    for _attr in (_name.lower(), _name):
        if not hasattr(Socket, _attr):
            setattr(Socket, _attr, _option_property(_opt))
del _name, _opt, _attr

__all__ = ["Socket", "Flag"]
