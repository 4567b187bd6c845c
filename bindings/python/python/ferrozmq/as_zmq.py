"""Run programs written for pyzmq unchanged: ``import zmq`` gives ferrozmq.

From the command line, as ``python`` would run the program::

    python -m ferrozmq.as_zmq program.py [args...]
    python -m ferrozmq.as_zmq -m package.module [args...]

or with the environment variable ``FERROZMQ_AS_ZMQ=1`` (the wheel's
start-up hook, ``ferrozmq_as_zmq.pth``, then installs the alias in every
Python process that starts with it: child processes too)::

    FERROZMQ_AS_ZMQ=1 python program.py [args...]

or in code, before anything imports ``zmq``::

    import ferrozmq.as_zmq

    ferrozmq.as_zmq.install()
    import zmq  # ferrozmq

After :func:`install`, ``zmq`` and every ``zmq.x.y`` are ferrozmq's own
module objects (``zmq.Context is ferrozmq.Context``), ahead of an installed
pyzmq, which is never loaded. A ``zmq.*`` module ferrozmq does not have
fails with ModuleNotFoundError, as it would on an install without it.
"""

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

__all__ = ["install", "installed", "main"]

_ALIAS = "zmq"
_REAL = "ferrozmq"
# Set (not "0"): the wheel's start-up hook installs the alias at start-up.
_ENV = "FERROZMQ_AS_ZMQ"


class _ZmqIsFerrozmq(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finder and loader of ``zmq.*`` as aliases of ``ferrozmq.*``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        real = _REAL + fullname[len(_ALIAS) :]
        try:
            real_spec = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            real_spec = None
        if real_spec is None:
            if fullname == _ALIAS:
                # Never fall through to an installed pyzmq.
                raise ModuleNotFoundError(f"No module named {_REAL!r} (zmq is aliased to it)")
            return None
        is_package = real_spec.submodule_search_locations is not None
        spec = importlib.util.spec_from_loader(fullname, self, is_package=is_package)
        spec.loader_state = real
        return spec

    def create_module(self, spec):
        module = importlib.import_module(spec.loader_state)
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module):
        # The import system stamps the alias's spec on the module: give
        # ferrozmq's module its own back (relative imports, reload, pickle).
        module.__spec__ = module.__spec__.loader_state

    def get_code(self, fullname):
        """For ``python -m zmq.x``: the code of ``ferrozmq.x``."""
        real = importlib.util.find_spec(_REAL + fullname[len(_ALIAS) :])
        return real.loader.get_code(real.name)


def installed():
    """Whether ``import zmq`` gives ferrozmq in this interpreter."""
    return any(isinstance(finder, _ZmqIsFerrozmq) for finder in sys.meta_path)


def install():
    """Makes ``import zmq`` (and every ``zmq.*``) give ferrozmq's modules.

    Call it before anything imports ``zmq``: a pyzmq already imported stays
    in use by whoever holds it, so that case raises RuntimeError instead of
    mixing the two libraries in one program. Calling it again does nothing.
    """
    if installed():
        return
    loaded = sys.modules.get(_ALIAS)
    if loaded is not None and not loaded.__name__.startswith(_REAL):
        raise RuntimeError(
            "zmq (pyzmq) was imported before ferrozmq.as_zmq.install(): "
            "install the alias first"
        )
    sys.meta_path.insert(0, _ZmqIsFerrozmq())


_USAGE = (
    "usage: python -m ferrozmq.as_zmq program.py [args...]\n"
    "       python -m ferrozmq.as_zmq -m module [args...]"
)


def main(argv=None):
    """Runs a program or module (``python``'s way) with ``zmq`` as ferrozmq.

    ``argv`` is the command line after ``python -m ferrozmq.as_zmq``
    (``sys.argv[1:]`` by default). The program sees ``sys.argv`` as it
    would under ``python`` itself, and runs as ``__main__``.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args == ["-m"]:
        print(_USAGE, file=sys.stderr if not args else sys.stdout)
        return 0 if args else 2
    install()
    # Child Pythons (multiprocessing's spawn and forkserver, subprocess)
    # install it too, through the wheel's start-up hook.
    os.environ[_ENV] = "1"
    if args[0] == "-m":
        module = args[1]
        sys.argv = [module, *args[2:]]
        # As `python -m`: the current directory first on the path.
        sys.path.insert(0, os.getcwd())
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        path = args[0]
        sys.argv = args
        # As `python program.py`: the program's directory first on the path.
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    # Run as `python -m ferrozmq.as_zmq`, this file is `__main__`: use the
    # module's own import, so that `installed()` there sees the alias.
    from ferrozmq.as_zmq import main as _main

    sys.exit(_main())
