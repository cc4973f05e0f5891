"""extmodprov: a value recorder whose extension module also exports a C API.

The extension module is shipped under its SONAME, ``libextmodprov.so.1``: that is
the file name the dynamic loader looks for when a consumer extension (linked
against it through pylinkdep) is imported. A ``_core.cpython-*.so`` copy would be
a second object with its own state, so the module is imported from that one file.
"""

import importlib.machinery
import importlib.util
import os
import sys


def _load_core() -> object:
    name = f"{__name__}._core"
    path = os.path.join(os.path.dirname(__file__), "libextmodprov.so.1")
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


_core = _load_core()
record = _core.record  # type: ignore[attr-defined]
summary = _core.summary  # type: ignore[attr-defined]
reset = _core.reset  # type: ignore[attr-defined]
version = _core.version  # type: ignore[attr-defined]

__all__ = ["record", "reset", "summary", "version"]
__version__ = version()
