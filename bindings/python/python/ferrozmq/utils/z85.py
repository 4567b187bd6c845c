"""Z85 (ZeroMQ's base-85 text for binary keys), as ``zmq.utils.z85``."""

_ALPHABET = (
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
)
_DECODE = {c: i for i, c in enumerate(_ALPHABET)}


def encode(rawbytes):
    """Z85 text (bytes) for ``rawbytes``, whose length must be a multiple of 4."""
    if len(rawbytes) % 4:
        raise ValueError(f"length must be multiple of 4, not {len(rawbytes)}")
    out = bytearray()
    for i in range(0, len(rawbytes), 4):
        value = int.from_bytes(rawbytes[i : i + 4], "big")
        chunk = bytearray(5)
        for j in range(4, -1, -1):
            value, digit = divmod(value, 85)
            chunk[j] = _ALPHABET[digit]
        out += chunk
    return bytes(out)


def decode(z85bytes):
    """The bytes Z85 text ``z85bytes`` (str or bytes, length a multiple of 5) stands for."""
    if isinstance(z85bytes, str):
        try:
            z85bytes = z85bytes.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("string argument should contain only ASCII characters") from None
    if len(z85bytes) % 5:
        raise ValueError(f"Z85 length must be multiple of 5, not {len(z85bytes)}")
    out = bytearray()
    for i in range(0, len(z85bytes), 5):
        value = 0
        for c in z85bytes[i : i + 5]:
            try:
                value = value * 85 + _DECODE[c]
            except KeyError:
                raise ValueError(f"invalid Z85 character {chr(c)!r}") from None
        if value > 0xFFFFFFFF:
            raise ValueError("invalid Z85 block")
        out += value.to_bytes(4, "big")
    return bytes(out)


__all__ = ["encode", "decode"]
