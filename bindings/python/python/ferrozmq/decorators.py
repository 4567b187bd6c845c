"""pyzmq's ``zmq.decorators``: a context or socket per call, as a decorator.

::

    @context()
    @socket(zmq.PUSH)
    def work(ctx, push):
        ...

Each call of ``work`` gets a new context and socket, closed when it
returns. The object is passed as keyword ``name`` (first string argument or
``name=``), else appended to the positional arguments. The other decorator
arguments go to ``Context(...)`` or ``ctx.socket(...)``; a socket's context
is the call's keyword ``context_name`` (default ``context``) if it is a
Context, else its first Context argument, else ``Context.instance()``.
"""

import functools

__all__ = ("context", "socket")


def _split_name(args, kwargs):
    """The keyword name the object is passed as, and the remaining arguments."""
    if isinstance(kwargs.get("name"), str):
        return kwargs.pop("name"), args
    if args and isinstance(args[0], str):
        return args[0], args[1:]
    return None, args


def _decorator(make, name):
    """Calls the function with the context manager ``make(args, kwargs)``'s object."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with make(args, kwargs) as obj:
                if name is None:
                    args = args + (obj,)
                elif name in kwargs:
                    raise TypeError(f"{func.__name__}() got multiple values for argument {name!r}")
                else:
                    kwargs[name] = obj
                return func(*args, **kwargs)

        return wrapper

    return decorate


def context(*args, **kwargs):
    """Decorator: a new ``Context(*args, **kwargs)`` per call, destroyed after it."""
    from .context import Context

    name, args = _split_name(args, kwargs)
    return _decorator(lambda _a, _k: Context(*args, **kwargs), name)


def socket(*args, **kwargs):
    """Decorator: a new ``ctx.socket(*args, **kwargs)`` per call, closed after it."""
    from .context import Context

    name, args = _split_name(args, kwargs)
    context_name = kwargs.pop("context_name", "context")

    def make(call_args, call_kwargs):
        ctx = call_kwargs.get(context_name)
        if not isinstance(ctx, Context):
            ctx = next((a for a in call_args if isinstance(a, Context)), None) or Context.instance()
        return ctx.socket(*args, **kwargs)

    return _decorator(make, name)
