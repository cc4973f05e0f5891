"""Provider metadata generation: a provider's pylink.json, written at its build time from
the library actually built.

Run by the provider's build (meson ``custom_target``, CMake ``add_custom_command``)
through ``pylinkdep generate``: each library's ``soname`` (ELF SONAME, Mach-O install name,
PE DLL name) comes from the built file, so the metadata cannot drift from the wheel it
describes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from .. import _binary, _fs
from ..errors import InvalidMetadata, PylinkError
from ..metadata import SCHEMA_VERSION, parse


def document(
    *,
    name: str,
    version: str,
    abi: str,
    libraries: Sequence[tuple[str, str]] = (),
    include_dirs: Sequence[str] = (),
    defines: Sequence[str] = (),
    compile_args: Sequence[str] = (),
    link_args: Sequence[str] = (),
    requires: Sequence[str] = (),
    python_abi: str | None = None,
    cmake_package: str | None = None,
    cmake_target: str | None = None,
    description: str = "",
) -> dict[str, Any]:
    """The pylink.json document; ``libraries`` are ``(built file, kind)`` pairs.

    Each library is recorded by its file name (installed beside pylink.json) and the
    name consumers record for it, read from the built file.
    """
    doc: dict[str, Any] = {"pylink": SCHEMA_VERSION, "name": name, "version": version, "abi": abi}
    if description:
        doc["description"] = description
    if cmake_package or cmake_target:
        package = cmake_package or name
        doc["cmake"] = {"package": package, "target": cmake_target or f"{package}::{package}"}
    doc["include_dirs"] = list(include_dirs)
    doc["libraries"] = [
        {"path": os.path.basename(path), "soname": _soname(path), "kind": kind}
        for path, kind in libraries
    ]
    doc["defines"] = list(defines)
    doc["compile_args"] = list(compile_args)
    doc["link_args"] = list(link_args)
    doc["requires"] = list(requires)
    doc["python_abi"] = python_abi
    return doc


def write(doc: dict[str, Any], output: str) -> None:
    """Validate ``doc`` as pylink.json v1 and write it atomically to ``output``."""
    data = (json.dumps(doc, indent=2) + "\n").encode()
    parse(data, file=output)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)  # make doesn't
        _fs.write_atomic(output, data)  # 0644: pip installs the file with this mode
    except OSError as exc:
        raise PylinkError(f"cannot write {output}: {exc.strerror}", file=output) from None


def _soname(path: str) -> str:
    """The name consumers will record for the library at ``path``: its ELF SONAME, Mach-O
    install name (``@rpath/<file>``, the same in every architecture) or PE DLL name."""
    try:
        with _fs.open_regular(path) as f:
            found = _binary.images(f)
    except OSError as exc:
        raise InvalidMetadata(
            f"cannot read library {path}: {exc.strerror}", field="libraries"
        ) from None
    except _binary.NotSharedLibrary as exc:
        raise InvalidMetadata(f"{path} {exc}", field="libraries") from None
    for image in found:
        problem = _binary.name_problem(image, os.path.basename(path))
        if problem:
            raise InvalidMetadata(f"{path} {problem}", field="libraries")
    names = sorted({str(image.soname) for image in found})
    if len(names) > 1:
        raise InvalidMetadata(
            f"{path}: its architectures have different install names {names}; "
            "link each with the same -Wl,-install_name",
            field="libraries",
        )
    return names[0]


def python_abi_of(extension: str) -> str:
    """``cp311``, ``cp313t`` or ``abi3`` from an extension module's file name."""
    match = re.search(r"\.(?:cpython-(\d)(\d+)(t?)-[^.]*|(abi3))\.(?:so|pyd|dylib)$", extension)
    if not match:
        raise PylinkError(f"cannot tell the Python ABI from the file name {extension!r}")
    major, minor, threaded, abi3 = match.groups()
    return abi3 or f"cp{major}{minor}{threaded}"
