"""Provider metadata generation: a provider's pylink.json, written at its build time from
the library actually built.

Run by the provider's build (meson ``custom_target``, CMake ``add_custom_command``)
through ``pylinkdep generate``: each library's ``soname`` (ELF SONAME, Mach-O install name,
PE DLL name), the exports (checked against the public headers and the symbols file) and
the use of the Python C API come from the built files, so the metadata cannot drift from
the wheel it describes.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, BinaryIO, TypeVar

from .. import _binary, _fs
from .._resolve import running_python_abi
from ..errors import InvalidMetadata, PylinkError
from ..metadata import MAX_BYTES, oldest_format, parse
from .headers import declared_functions, exported_by

_T = TypeVar("_T")


def document(
    *,
    name: str,
    version: str,
    abi: str,
    libraries: Sequence[tuple[str, str]] = (),
    import_libraries: Sequence[str] = (),
    include_dirs: Sequence[str] = (),
    cython_include_dirs: Sequence[str] = (),
    defines: Sequence[str] = (),
    compile_args: Sequence[str] = (),
    link_args: Sequence[str] = (),
    requires: Sequence[str] = (),
    python_abi: str | None = None,
    cmake_package: str | None = None,
    cmake_target: str | None = None,
    description: str = "",
    symbols: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The pylink.json document, in the oldest format version that holds it;
    ``libraries`` are ``(built file, kind)`` pairs, ``import_libraries`` none or one
    built import library (``.lib``, ``.dll.a``: Windows) per library, in order.

    Each library is recorded by its file name (installed beside pylink.json) and the
    name consumers record for it, read from the built file; so is its import library.
    """
    if import_libraries and len(import_libraries) != len(libraries):
        raise PylinkError(
            f"{len(import_libraries)} import libraries for {len(libraries)} libraries: "
            "give one --import-library per --library and --extension, in order",
            field="libraries",
        )
    doc: dict[str, Any] = {"pylink": 1, "name": name, "version": version, "abi": abi}
    if description:
        doc["description"] = description
    if cmake_package or cmake_target:
        package = cmake_package or name
        doc["cmake"] = {"package": package, "target": cmake_target or f"{package}::{package}"}
    doc["include_dirs"] = list(include_dirs)
    if cython_include_dirs:
        doc["cython_include_dirs"] = list(cython_include_dirs)
    doc["libraries"] = [
        {"path": os.path.basename(path), "soname": _soname(path), "kind": kind}
        for path, kind in libraries
    ]
    for entry, implib in zip(doc["libraries"], import_libraries, strict=False):
        entry["import_library"] = _import_library(implib)
    doc["defines"] = list(defines)
    doc["compile_args"] = list(compile_args)
    doc["link_args"] = list(link_args)
    doc["requires"] = list(requires)
    doc["python_abi"] = python_abi
    if symbols:
        doc["symbols"] = dict(sorted(symbols.items()))
    doc["pylink"] = oldest_format(doc)
    return doc


def library_symbols(paths: Sequence[str]) -> tuple[set[str], set[str]]:
    """What the built libraries export and what they import, together."""
    exported: set[str] = set()
    imported: set[str] = set()
    for path in paths:
        exported |= _read_library(path, _binary.exported_symbols)
        imported |= _read_library(path, _binary.imported_symbols)
    return exported, imported - exported


def _read_library(path: str, read: Callable[[BinaryIO], _T]) -> _T:
    """``read`` of the built library at ``path``; InvalidMetadata naming it when it cannot
    be read or is no shared library."""
    try:
        with _fs.open_regular(path) as f:
            return read(f)
    except OSError as exc:
        raise InvalidMetadata(
            f"cannot read library {path}: {exc.strerror}", field="libraries"
        ) from None
    except _binary.NotSharedLibrary as exc:
        raise InvalidMetadata(f"{path} {exc}", field="libraries") from None


def unexported(headers: Sequence[str], exported: set[str]) -> tuple[list[str], list[str]]:
    """The functions the public ``headers`` declare, and those of them no library
    exports (a missing export macro under hidden visibility), each ``header: name()``."""
    declared: list[str] = []
    missing: list[str] = []
    for header in headers:
        try:
            text = _fs.read_regular(header, MAX_BYTES).decode("utf-8", "replace")
        except OSError as exc:
            raise PylinkError(f"cannot read header {header}: {exc.strerror}", file=header) from None
        for function in declared_functions(text):
            declared.append(f"{header}: {function}()")
            if not exported_by(function, exported):
                missing.append(f"{header}: {function}()")
    return declared, missing


def uses_python(imported: set[str]) -> bool:
    """Whether libraries importing these symbols use the Python C API."""
    return any(symbol.startswith(("Py", "_Py")) for symbol in imported)


def build_python_abi() -> str:
    """The ABI of the Python running this (the build's): ``cp312``, ``cp313t``."""
    tag = running_python_abi()
    if not tag:
        raise PylinkError(
            f"the libraries use the Python C API, and {sys.implementation.name} has no "
            "python_abi pylinkdep knows: give --python-abi"
        )
    return tag


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
    found = _read_library(path, _binary.images)
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


def _import_library(path: str) -> str:
    """The file name of the built import library at ``path``: an ``ar`` archive, as
    MSVC's ``.lib`` and mingw's ``.dll.a`` both are."""
    try:
        archive = _binary.is_archive(path)
    except OSError as exc:
        raise InvalidMetadata(
            f"cannot read import library {path}: {exc.strerror}", field="libraries"
        ) from None
    if not archive:
        raise InvalidMetadata(
            f"{path} is not an import library (an ar archive, .lib or .dll.a)", field="libraries"
        )
    return os.path.basename(path)


def python_abi_of(extension: str) -> str:
    """``cp311``, ``cp313t`` or ``abi3`` from an extension module's file name."""
    match = re.search(r"\.(?:cpython-(\d)(\d+)(t?)-[^.]*|(abi3))\.(?:so|pyd|dylib)$", extension)
    if not match:
        raise PylinkError(f"cannot tell the Python ABI from the file name {extension!r}")
    major, minor, threaded, abi3 = match.groups()
    return abi3 or f"cp{major}{minor}{threaded}"
