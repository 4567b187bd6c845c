"""``PUBHandler``: a ``logging`` handler that publishes records on a PUB socket.

Each record goes out as two frames, ``[topic, message]``. The topic is
``<root_topic>.<LEVEL>`` (just ``<LEVEL>`` with an empty root topic), and a
message written ``"sub.topic::text"`` adds ``.sub.topic`` to it, so that
subscribers can filter by level and subject. Messages are formatted per
level (``handler.formatters``, or ``setFormatter(fmt, level)``).
"""

import logging

from .. import constants
from ..context import Context

#: Separates a subtopic from the text in a message (``"db::slow query"``).
TOPIC_DELIM = "::"

_WITH_PLACE = "%(levelname)s %(filename)s:%(lineno)d - %(message)s\n"


def _default_formatters():
    return {
        logging.DEBUG: logging.Formatter(_WITH_PLACE),
        logging.INFO: logging.Formatter("%(message)s\n"),
        logging.WARN: logging.Formatter(_WITH_PLACE),
        logging.ERROR: logging.Formatter(_WITH_PLACE.rstrip("\n") + " - %(exc_info)s\n"),
        logging.CRITICAL: logging.Formatter(_WITH_PLACE),
    }


class PUBHandler(logging.Handler):
    """Publishes log records on a PUB socket.

    ``interface_or_socket`` is a PUB socket, or an endpoint to bind a new
    PUB socket to (made from ``context``, else a new context).
    """

    def __init__(self, interface_or_socket, context=None, root_topic=""):
        super().__init__()
        self._root_topic = ""
        self.root_topic = root_topic
        self.formatters = _default_formatters()
        if isinstance(interface_or_socket, str):
            self.ctx = context or Context()
            self.socket = self.ctx.socket(constants.PUB)
            self.socket.bind(interface_or_socket)
        else:
            self.socket = interface_or_socket
            self.ctx = self.socket.context

    @property
    def root_topic(self):
        """The topic every record's topic starts with (text)."""
        return self._root_topic

    @root_topic.setter
    def root_topic(self, value):
        self.setRootTopic(value)

    def setRootTopic(self, root_topic):
        """Sets the root topic (text or UTF-8 bytes; empty: the level alone)."""
        if isinstance(root_topic, bytes):
            root_topic = root_topic.decode("utf8")
        self._root_topic = root_topic

    def setFormatter(self, fmt, level=logging.NOTSET):
        """Formats records of ``level`` with ``fmt``; without a level, all records."""
        if level == logging.NOTSET:
            for each in self.formatters:
                self.formatters[each] = fmt
        else:
            self.formatters[level] = fmt

    def format(self, record):
        """The record's text, with the formatter of its level."""
        formatter = self.formatters.get(record.levelno, self.formatter) or logging.Formatter()
        return formatter.format(record)

    def emit(self, record):
        """Publishes ``[topic, message]`` for the record."""
        try:
            topic, record.msg = str(record.msg).split(TOPIC_DELIM, 1)
        except ValueError:
            topic = ""
        try:
            message = self.format(record).encode("utf8")
        except Exception:
            self.handleError(record)
            return
        parts = [p for p in (self.root_topic, record.levelname, topic) if p]
        self.socket.send_multipart([".".join(parts).encode("utf8"), message])


class TopicLogger(logging.Logger):
    """A logger whose ``log(level, topic, msg)`` writes ``"topic::msg"``
    (the subtopic form ``PUBHandler`` understands)."""

    def log(self, level, topic, msg, *args, **kwargs):
        """Logs ``msg`` under ``topic`` at ``level``."""
        super().log(level, f"{topic}{TOPIC_DELIM}{msg}", *args, **kwargs)


for _name in ("debug", "info", "warn", "warning", "error", "critical", "fatal"):
    _level = getattr(logging, _name.upper())

    def _method(self, topic, msg, *args, _level=_level, **kwargs):
        self.log(_level, topic, msg, *args, **kwargs)

    _method.__name__ = _name
    _method.__doc__ = f"Logs ``msg`` under ``topic`` at {_name.upper()}."
    setattr(TopicLogger, _name, _method)

__all__ = ["PUBHandler", "TopicLogger", "TOPIC_DELIM"]
