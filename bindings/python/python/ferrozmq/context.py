"""``Context``: pyzmq's context API over ferrozmq's Rust context."""

import os
import threading
import warnings
import weakref

from . import _ferrozmq, _generic, _shadow
from .constants import ContextOption, Errno, SocketOption
from .error import ZMQError
from .socket import Socket, _declared


class Context(_ferrozmq.Context):
    """A ZeroMQ context (pyzmq's ``zmq.Context``): makes sockets, ends them all.

    Socket options set on the context (``ctx.linger = 0``) become the
    defaults of the sockets it makes afterwards.
    """

    _socket_class = Socket
    __class_getitem__ = _generic.class_getitem
    _instance = None
    _instance_lock = threading.Lock()
    _instance_pid = None

    _shadow_kind = "context"

    def __new__(cls, *args, shadow=None, **kwargs):
        if args and isinstance(args[0], _ferrozmq.Context):  # Context(other): a shadow
            args, shadow = args[1:], args[0]
        original = _shadow.resolve(cls._shadow_kind, _ferrozmq.Context, shadow or None)
        return super().__new__(cls, *args, shadow=original, **kwargs)

    def __init__(self, io_threads=1, shadow=None, **kwargs):
        self.sockopts = {}
        self._sockets = weakref.WeakSet()
        self._closed = False
        self._shadow = bool(shadow) or isinstance(io_threads, _ferrozmq.Context)
        if not self._shadow and io_threads != 1:
            self.set(ContextOption.IO_THREADS, io_threads)

    def __copy__(self, memo=None):
        """A copy is a shadow: the same context under another object."""
        return type(self).shadow(self)

    __deepcopy__ = __copy__

    @classmethod
    def shadow(cls, address):
        """The context ``address`` (a Context or its ``underlying``) under a new object."""
        return cls(shadow=address)

    @classmethod
    def instance(cls, io_threads=1):
        """The process-wide shared context (a new one after fork or term)."""
        # A subclass shares its parent's instance unless it sets `_instance`
        # itself (ferrozmq.asyncio.Context does), as in pyzmq.
        def current():
            inst = cls._instance
            fresh = inst is not None and not inst.closed and cls._instance_pid == os.getpid()
            return inst if fresh else None

        inst = current()
        if inst is None:
            with Context._instance_lock:
                inst = current()
                if inst is None:
                    inst = cls(io_threads=io_threads)
                    cls._instance = inst
                    cls._instance_pid = os.getpid()
        return inst

    @property
    def closed(self):
        """Whether ``term`` was called (on this object or a shadow of it)."""
        return self._closed or self._terminated

    @property
    def underlying(self):
        """An address naming this context, the same for its shadows (not a
        libzmq pointer: it means something to ``Context.shadow`` only)."""
        return _shadow.underlying(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # As pyzmq: leaving the block closes what is left, with a warning.
        open_sockets = [s for s in self._sockets if not s.closed]
        if open_sockets:
            warnings.warn(
                f"Closing {len(open_sockets)} unclosed socket(s) of {self!r}",
                ResourceWarning,
                stacklevel=2,
            )
        self.destroy()

    #: How repr names the class (pyzmq's spelling).
    _repr_cls = "zmq.Context"

    def __repr__(self):
        closed = " closed" if self.closed else ""
        n = sum(1 for s in self._sockets if not s.closed)
        count = f"{n} socket{'s' if n != 1 else ''}" if n else ""
        return f"<{self._repr_cls}({count}) at {hex(id(self))}{closed}>"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(ContextOption.__members__))

    def socket(self, socket_type, socket_class=None, **kwargs):
        """A new socket of ``socket_type`` (``zmq.REQ``, ``zmq.PUB`` ...)."""
        if self._closed:
            raise ZMQError(Errno.ENOTSUP)
        if self._terminated:  # a shadow of a context terminated elsewhere
            raise ZMQError(Errno.EFAULT)
        cls = socket_class or self._socket_class
        s = cls(self, socket_type, **kwargs)
        for option, value in self.sockopts.items():
            try:
                s.setsockopt(option, value)
            except ZMQError:
                pass  # not an option of this socket type
        self._sockets.add(s)
        return s

    def term(self):
        """Waits until every socket is closed, then ends the context.

        Blocking calls on its sockets raise ``ContextTerminated`` meanwhile.
        """
        super().term()
        self._closed = True

    def destroy(self, linger=None):
        """Closes every socket of this context (with ``linger`` ms, if given), then terms."""
        for s in list(self._sockets):
            if not s.closed:
                s.close(linger=linger)
        self.term()

    def setsockopt(self, option, value):
        """Sets a default option for sockets made from now on."""
        self.sockopts[int(option)] = value

    def getsockopt(self, option):
        """A default socket option set with ``setsockopt``."""
        return self.sockopts[int(option)]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        key = name.upper()
        if key in ContextOption.__members__:
            try:
                return self.get(ContextOption[key])
            except ZMQError as e:
                # Write-only options read as missing attributes (as in pyzmq;
                # mock.Mock(spec=ctx) relies on it).
                if e.errno in (Errno.EINVAL, Errno.EFAULT):
                    raise AttributeError(f"{name} is write-only") from None
                raise
        if key in SocketOption.__members__:
            try:
                return self.sockopts[SocketOption[key]]
            except KeyError:
                raise AttributeError(f"no default socket option {name!r}") from None
        raise AttributeError(f"{type(self).__name__} has no such option: {key}")

    def __setattr__(self, name, value):
        if name.startswith("_") or name in self.__dict__ or _declared(type(self), name) or name == "sockopts":
            object.__setattr__(self, name, value)
            return
        key = name.upper()
        if key in ContextOption.__members__:
            self.set(ContextOption[key], value)
        elif key in SocketOption.__members__:
            self.sockopts[SocketOption[key]] = value
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name):
        key = name.upper()
        if key in SocketOption.__members__ and SocketOption[key] in self.sockopts:
            del self.sockopts[SocketOption[key]]
        else:
            object.__delattr__(self, name)


__all__ = ["Context"]
