"""The consumer's ``pyproject.toml``, read for what a build backend leaves out: its
``[project] name`` (the meson hook) and its ``[build-system] requires`` (scikit-build-core
dynamic metadata). Bounded read; TOML by ``tomllib``, or ``tomli`` on Python 3.10."""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

from . import _fs
from .errors import PylinkError

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


def _toml() -> ModuleType | None:
    for name in ("tomllib", "tomli"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    return None
