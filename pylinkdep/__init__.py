"""pylinkdep: link Python extensions against native libraries other packages publish.

``find(name)`` resolves an installed provider and what it requires into a
:class:`Dependency`; ``providers()`` lists them. Discovery reads metadata files and
never imports provider code.

The names are imported when first used (PEP 562), so that importing a submodule, as
every setuptools process does through pylinkdep's entry point, costs nothing more.
"""

__version__ = "0.1.0"

# Each public name and the module that defines it.
_WHERE = {
    "Dependency": "._resolve",
    "Library": "._resolve",
    "Provider": "._resolve",
    "find": "._resolve",
    "providers": "._resolve",
    "DependencyCycle": ".errors",
    "DuplicateProvider": ".errors",
    "InvalidMetadata": ".errors",
    "ProviderNotFound": ".errors",
    "PylinkError": ".errors",
    "PythonMismatch": ".errors",
    "VersionConflict": ".errors",
    "relative_rpath": ".rpath",
}

__all__ = [
    "Dependency",
    "DependencyCycle",
    "DuplicateProvider",
    "InvalidMetadata",
    "Library",
    "Provider",
    "ProviderNotFound",
    "PylinkError",
    "PythonMismatch",
    "VersionConflict",
    "find",
    "providers",
    "relative_rpath",
]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._resolve import Dependency as Dependency
    from ._resolve import Library as Library
    from ._resolve import Provider as Provider
    from ._resolve import find as find
    from ._resolve import providers as providers
    from .errors import DependencyCycle as DependencyCycle
    from .errors import DuplicateProvider as DuplicateProvider
    from .errors import InvalidMetadata as InvalidMetadata
    from .errors import ProviderNotFound as ProviderNotFound
    from .errors import PylinkError as PylinkError
    from .errors import PythonMismatch as PythonMismatch
    from .errors import VersionConflict as VersionConflict
    from .rpath import relative_rpath as relative_rpath


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pylinkdep' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*globals(), *__all__]
