"""pylinkdep: link Python extensions against native libraries other packages publish.

``find(name)`` resolves an installed provider and what it requires into a
:class:`Dependency`; ``providers()`` lists them. Discovery reads metadata files and
never imports provider code.
"""

from ._resolve import Dependency, Library, Provider, find, providers
from .errors import (
    DependencyCycle,
    DuplicateProvider,
    InvalidMetadata,
    ProviderNotFound,
    PylinkError,
    PythonMismatch,
    VersionConflict,
)
from .rpath import relative_rpath

__version__ = "0.1.0"

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
