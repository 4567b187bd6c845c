"""``Context[...]`` and ``Socket[...]``: pyzmq's classes are generic (for
type checkers), and annotated programs subscript them at run time, e.g.
``class MyContext(zmq.Context[MySocket])``."""

import types


def _subscript(cls, params):
    """The generic alias ``cls[params]`` (``cls`` itself before Python 3.9)."""
    alias = getattr(types, "GenericAlias", None)
    return cls if alias is None else alias(cls, params)


class_getitem = classmethod(_subscript)
