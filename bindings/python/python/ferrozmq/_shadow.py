"""Shadows: pyzmq's ``underlying`` addresses and ``shadow`` constructors.

There is no libzmq pointer under a ferrozmq socket or context: their
``underlying`` is an address naming the Rust object (the same for an object
and its shadows), valid in this process while the object lives. A shadow
made from such an address (or from the object itself) is the same socket or
context under another Python object, as in pyzmq.
"""

import weakref

_live = weakref.WeakValueDictionary()


def underlying(obj):
    """``obj``'s address, remembered so that ``shadow(address)`` finds it."""
    address = obj._address
    _live[(obj._shadow_kind, address)] = obj
    return address


def resolve(kind, base, shadow):
    """The object to shadow: ``shadow`` itself if it is a ``base`` (a Rust
    class), else the live object of ``kind`` whose ``underlying`` it is."""
    if shadow is None or isinstance(shadow, base):
        return shadow
    if isinstance(shadow, int) and not isinstance(shadow, bool):
        found = _live.get((kind, shadow))
        if found is not None:
            return found
        raise ValueError(f"no live ferrozmq {kind} has the underlying address {shadow:#x}")
    raise TypeError(f"shadow needs a ferrozmq {kind} or its underlying address, not {type(shadow).__name__}")
