"""The consumer's ``pyproject.toml``, read for what a build backend leaves out: its
``[project]`` name and dependencies (the meson hook) and its ``[build-system] requires``
(scikit-build-core's dynamic metadata and config entry point). Bounded read; TOML by
``tomllib``, or ``tomli`` on Python 3.10."""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import _fs
from .errors import PylinkError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from packaging.requirements import Requirement

MAX_SIZE = 1 << 20
"""The largest pyproject.toml read (1 MiB)."""


def read(source_dir: str) -> dict[str, Any] | None:
    """The document of ``<source_dir>/pyproject.toml``; None when there is none or no TOML
    reader (Python 3.10 without tomli). PylinkError naming the file when it cannot be
    read or parsed."""
    path = os.path.join(source_dir, "pyproject.toml")
    try:
        data = _fs.read_regular(path, MAX_SIZE + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PylinkError(f"cannot read pyproject.toml: {exc.strerror or exc}", file=path) from None
    toml = _toml()
    if toml is None:
        return None
    if len(data) > MAX_SIZE:
        raise PylinkError("pyproject.toml is larger than 1 MiB", file=path)
    try:
        doc: dict[str, Any] = toml.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, toml.TOMLDecodeError) as exc:
        raise PylinkError(f"pyproject.toml is not valid TOML: {exc}", file=path) from None
    return doc


def build_requires(source_dir: str) -> list[Requirement]:
    """The entries of ``[build-system] requires`` in ``source_dir``'s pyproject.toml (none
    without one), parsed as :func:`requirements` does. PylinkError naming the file and
    field when ``requires`` is not a list."""
    doc = read(source_dir) or {}
    build_system = doc.get("build-system", {})
    entries = build_system.get("requires", []) if isinstance(build_system, dict) else None
    if not isinstance(entries, list):
        raise PylinkError(
            "[build-system] requires is not a list",
            file=os.path.join(source_dir, "pyproject.toml"),
            field="build-system.requires",
        )
    return requirements(entries)


def requirements(entries: Iterable[Any]) -> list[Requirement]:
    """``entries`` (a pyproject.toml list of requirement strings) parsed; an entry that is
    not a requirement is left out (the build backend, or its installer, reports it)."""
    from packaging.requirements import InvalidRequirement, Requirement

    found = []
    for entry in entries:
        try:
            found.append(Requirement(entry))
        except (InvalidRequirement, TypeError):
            continue
    return found


def _toml() -> ModuleType | None:
    for name in ("tomllib", "tomli"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    return None
