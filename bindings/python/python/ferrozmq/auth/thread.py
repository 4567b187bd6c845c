"""An :class:`~ferrozmq.auth.Authenticator` answering in a background thread,
as pyzmq's ``zmq.auth.thread``. Its policy may be changed while it runs."""

import threading

from ..constants import PAIR, POLLIN
from ..error import ContextTerminated
from ..poll import Poller
from ..socket import Socket
from .base import Authenticator

#: What ``stop`` sends the thread.
_TERMINATE = b"TERMINATE"


class ThreadAuthenticator(Authenticator):
    """Runs the ZAP handler in a daemon thread: ``start()``, ``stop()``."""

    def __init__(self, context=None, encoding="utf-8", log=None):
        super().__init__(context=context, encoding=encoding, log=log)
        self.pipe = None
        self.pipe_endpoint = f"inproc://ferrozmq.auth.{id(self)}"
        self.thread = None

    def start(self):
        """Binds the ZAP socket and starts answering in a thread."""
        super().start()
        if type(self.zap_socket) is not Socket:
            # An asyncio context's socket: the thread needs blocking calls,
            # so it works on a plain shadow (the original kept alive here).
            self._zap_original = self.zap_socket
            self.zap_socket = Socket.shadow(self.zap_socket)
        self.pipe = self.context.socket(PAIR, socket_class=Socket)
        self.pipe.linger = 1
        self.pipe.bind(self.pipe_endpoint)
        thread_end = self.context.socket(PAIR, socket_class=Socket)
        thread_end.linger = 1
        thread_end.connect(self.pipe_endpoint)
        self.thread = threading.Thread(
            target=self._serve, args=(thread_end,), name="ferrozmq.auth", daemon=True
        )
        self.thread.start()

    def _serve(self, pipe):
        """The thread: answers ZAP requests until ``stop`` says TERMINATE."""
        poller = Poller()
        poller.register(pipe, POLLIN)
        poller.register(self.zap_socket, POLLIN)
        try:
            while True:
                ready = dict(poller.poll())
                if pipe in ready:
                    if pipe.recv_multipart()[0] == _TERMINATE:
                        break
                if self.zap_socket in ready:
                    self.handle_zap_message(self.zap_socket.recv_multipart())
        except ContextTerminated:
            pass  # the context was terminated under us: nothing left to guard
        except Exception:
            self.log.exception("ZAP thread failed")
        finally:
            pipe.close()

    def stop(self):
        """Stops the thread and closes the ZAP socket."""
        if self.pipe is not None:
            self.pipe.send(_TERMINATE)
            if self.is_alive():
                self.thread.join()
            self.thread = None
            self.pipe.close()
            self.pipe = None
        super().stop()

    def is_alive(self):
        """Whether the thread is running."""
        return bool(self.thread and self.thread.is_alive())

    def __del__(self):
        self.stop()


__all__ = ["ThreadAuthenticator"]
