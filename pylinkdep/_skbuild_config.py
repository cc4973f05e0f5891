"""The ``scikit-build-core.config.default`` entry point (scikit-build-core 1.1+), which
every scikit-build-core build of an environment with pylinkdep calls: for a project
whose ``[build-system] requires`` names pylinkdep or a pylink provider, it names
``cmake/PylinkdepFindHint.cmake`` in ``CMAKE_PROJECT_TOP_LEVEL_INCLUDES``, so that a
``find_package(... REQUIRED)`` that finds nothing carries pylinkdep's hint. Any other
project gets nothing, and nothing here can fail its build.

The project's own ``cmake.define.CMAKE_PROJECT_TOP_LEVEL_INCLUDES`` (or a
config-setting) takes precedence, as scikit-build-core ranks this level lowest;
``SKBUILD_NO_ENTRYPOINT_CONFIG=1`` turns it off."""

from __future__ import annotations

import os
from importlib import metadata
from typing import Any

from . import _pyproject
from .errors import PylinkError

HINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cmake", "PylinkdepFindHint.cmake")


def config() -> dict[str, Any]:
    """The ``tool.scikit-build`` table for the project in the current directory (the one
    scikit-build-core builds): the hint for a pylink consumer, else nothing."""
    if ";" in HINT or not _is_consumer(os.getcwd()):  # a CMake list could not carry HINT
        return {}
    return {"cmake": {"define": {"CMAKE_PROJECT_TOP_LEVEL_INCLUDES": HINT}}}


def _is_consumer(source_dir: str) -> bool:
    """Whether ``[build-system] requires`` in ``source_dir`` names pylinkdep or an
    installed distribution that declares pylink providers."""
    from packaging.utils import canonicalize_name  # loaded already, as packaging's parser

    try:
        requires = _pyproject.build_requires(source_dir)
    except PylinkError:
        return False  # scikit-build-core reports the file
    names = [canonicalize_name(req.name) for req in requires]
    return "pylinkdep" in names or any(_declares_providers(name) for name in names)


def _declares_providers(distribution: str) -> bool:
    """Whether the installed ``distribution`` has ``pylink`` entry points: no when it is
    not installed, or when its metadata cannot be read (importlib.metadata raises what a
    malformed file gives, TypeError or ValueError among them: a build must not fail here
    on it; whatever uses that distribution reports it)."""
    try:
        return bool(metadata.distribution(distribution).entry_points.select(group="pylink"))
    except Exception:
        return False
