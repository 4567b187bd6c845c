"""pyzmq's ``zmq.utils.strtypes`` (Python 2 leftovers some code still imports)."""

bytes = bytes
unicode = str
basestring = (str, bytes)


def cast_bytes(s, encoding="utf8", errors="strict"):
    """``s`` as bytes (text is encoded)."""
    if isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return s.encode(encoding, errors)
    raise TypeError(f"Expected unicode or bytes, got {s!r}")


def cast_unicode(s, encoding="utf8", errors="strict"):
    """``s`` as text (bytes are decoded)."""
    if isinstance(s, bytes):
        return s.decode(encoding, errors)
    if isinstance(s, str):
        return s
    raise TypeError(f"Expected unicode or bytes, got {s!r}")


b = asbytes = cast_bytes
u = cast_unicode

__all__ = ["asbytes", "bytes", "unicode", "basestring", "b", "u", "cast_bytes", "cast_unicode"]
