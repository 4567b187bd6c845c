"""JSON to and from bytes (pyzmq's ``zmq.utils.jsonapi``)."""

import json

#: The JSON module used (pyzmq names it too).
jsonmod = json


def dumps(o, **kwargs):
    """``o`` as UTF-8 JSON bytes."""
    kwargs.setdefault("separators", (",", ":"))
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(o, **kwargs).encode("utf-8")


def loads(s, **kwargs):
    """The object in JSON ``s`` (bytes or str)."""
    if isinstance(s, (bytes, bytearray, memoryview)):
        s = bytes(s).decode("utf-8")
    return json.loads(s, **kwargs)


__all__ = ["dumps", "loads"]
