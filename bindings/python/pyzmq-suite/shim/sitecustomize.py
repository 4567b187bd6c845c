"""Make ``import zmq`` (and every ``zmq.*``) give ferrozmq's modules.

Put this directory first on PYTHONPATH: Python imports ``sitecustomize`` at
start-up, and the finder below then answers for ``zmq`` and ``zmq.x.y`` with
the already-imported ``ferrozmq`` and ``ferrozmq.x.y`` module objects
themselves (not copies), ahead of any installed pyzmq. A ``zmq.*`` name with
no ferrozmq counterpart fails with ModuleNotFoundError, as it would on an
install without that module.
"""

import importlib
import importlib.abc
import importlib.util
import sys

_ALIAS = "zmq"
_REAL = "ferrozmq"


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
                # Never fall through to an installed pyzmq: the run would
                # measure pyzmq under ferrozmq's name.
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


sys.meta_path.insert(0, _ZmqIsFerrozmq())
