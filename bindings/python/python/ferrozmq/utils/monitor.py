"""Reading socket monitor events (pyzmq's ``zmq.utils.monitor``)."""

import struct

# As in pyzmq, importing this module imports the asyncio flavour too: programs
# written for pyzmq use `zmq.asyncio.Socket` after importing only this.
from .. import asyncio as _asyncio  # noqa: F401
from ..constants import Event


def parse_monitor_message(msg):
    """A monitor message (two frames) as ``{'event', 'value', 'endpoint'}``."""
    if len(msg) != 2 or len(msg[0]) != 6:
        raise RuntimeError(f"Invalid event message format: {msg}")
    first = msg[0].bytes if hasattr(msg[0], "bytes") else msg[0]
    endpoint = msg[1].bytes if hasattr(msg[1], "bytes") else msg[1]
    event, value = struct.unpack("=hi", first)
    event &= 0xFFFF
    # Both as pyzmq gives them: Event flags, the value too (whatever it
    # means for the event: a descriptor, an errno, a reconnect interval).
    return {"event": _as_event(event), "value": _as_event(value), "endpoint": endpoint}


def _as_event(number):
    try:
        return Event(number)
    except ValueError:
        return number


def recv_monitor_message(socket, flags=0):
    """Receives one event from a monitor socket (see ``Socket.get_monitor_socket``);
    from an asyncio socket, a Future of it."""
    msg = socket.recv_multipart(flags)
    if isinstance(msg, list):
        return parse_monitor_message(msg)
    import asyncio

    async def parsed():
        return parse_monitor_message(await msg)

    return asyncio.ensure_future(parsed())


__all__ = ["parse_monitor_message", "recv_monitor_message"]
