"""Overlay drafts (``pylinkdep overlay DIST``): a PYLINK_PATH overlay for an installed
distribution that ships a shared library but no pylink metadata, drafted from the files
its RECORD lists, for its user to review and complete.

What a draft cannot know it says under ``x-pylinkdep-draft``: the ABI range (the draft
allows the installed version only), defines and flags, which of the libraries is the API.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Sequence
from typing import Any

from .. import _binary, _discovery, _fs
from .._resolve import record_files
from ..errors import InvalidMetadata, ProviderNotFound
from ..metadata import normalize_name, oldest_format, parse

NOTES = "x-pylinkdep-draft"
"""The top-level key of a draft's notes (pylink.json allows ``x-`` keys)."""

_LIBRARY = re.compile(r"\.so(\.\d+)*$|\.dylib$|\.dll$")
_HEADER = (".h", ".hh", ".hpp", ".hxx", ".inl")
_HASHED = re.compile(r"-[0-9a-f]{8}\.")  # auditwheel's libfoo-1a2b3c4d.so.1, delvewheel's too


def draft(
    distribution: str, *, path: Sequence[str] | None = None, name: str | None = None
) -> dict[str, Any]:
    """The overlay document for ``distribution``, the first found on ``path`` (default
    ``sys.path``); ``name`` is the dependency name (default: the distribution's)."""
    for site_dir in _discovery.search_path(path):
        dist_info = _discovery.find_dist_info(site_dir, distribution)
        if dist_info is not None:
            break
    else:
        raise ProviderNotFound(f"distribution {distribution!r} is not installed on the search path")
    record = os.path.join(dist_info, "RECORD")
    files = sorted(record_files(record, distribution))
    version = _discovery.dist_info_version(dist_info)
    package = _package(files, dist_info, site_dir, record)
    libraries = _libraries(files, site_dir)
    includes = sorted({_include_dir(f) for f in files if f.startswith(package + "/")
                       and f.endswith(_HEADER)})  # fmt: skip
    notes = [
        f"abi: '=={version}' allows only the installed version; widen it to the versions of "
        f"{distribution} whose library a consumer built now can run with",
        "libraries: every shared library the distribution recorded, in RECORD order; keep "
        "the ones whose API consumers call, in link order",
        "defines, compile_args, link_args: none known",
    ]
    if not includes:
        notes.append("include_dirs: the wheel ships no headers: consumers declare what they call")
    if any(_HASHED.search(soname) for _, soname in libraries):
        notes.append(
            "a SONAME carries a repair tool's hash: a consumer linked against it runs only "
            "with this very build, so keep abi at '==VERSION'"
        )
    doc: dict[str, Any] = {
        "pylink": 1,
        "name": name or normalize_name(distribution),
        "version": version,
        "abi": f"=={version}",
        "package": package.replace("/", "."),
        "distribution": distribution,
        "description": f"{distribution} {version}, described by a drafted overlay",
        "include_dirs": [posixpath.relpath(d, package) for d in includes],
        "libraries": [
            _entry(file, soname, package, files, site_dir, notes) for file, soname in libraries
        ],
        NOTES: notes,
    }
    doc["pylink"] = oldest_format(doc)
    parse(json.dumps(doc).encode(), file=record, distribution=distribution, overlay=True)
    return doc


def _entry(
    file: str, soname: str, package: str, files: list[str], site_dir: str, notes: list[str]
) -> dict[str, str]:
    """The ``libraries`` entry of ``file``; for a DLL, with the import library the RECORD
    lists beside it, or a note that consumers on Windows cannot link it."""
    entry = {"path": posixpath.relpath(file, package), "soname": soname}
    if file.endswith(".dll"):
        implib = _import_library(file, files, site_dir)
        if implib is not None:
            entry["import_library"] = posixpath.relpath(implib, package)
        else:
            notes.append(
                f"libraries: the distribution records no import library (.lib, .dll.a) "
                f"beside {file}: consumers on Windows cannot link it until one is given as "
                "import_library"
            )
    return entry


def write(doc: dict[str, Any], directory: str) -> str:
    """Write ``doc`` as ``<directory>/<name>.pylink.json``, never over an existing file."""
    target = os.path.join(directory, f"{doc['name']}{_discovery.OVERLAY_SUFFIX}")
    if os.path.lexists(target):
        raise InvalidMetadata(f"{target} exists: review it, or remove it first", file=target)
    os.makedirs(directory, exist_ok=True)
    _fs.write_atomic(target, (json.dumps(doc, indent=2) + "\n").encode())
    return target


def _package(files: list[str], dist_info: str, site_dir: str, record: str) -> str:
    """The distribution's importable package: top_level.txt's first entry that is a
    directory, else the first recorded directory holding an ``__init__.py``."""
    try:
        top = _fs.read_regular(os.path.join(dist_info, "top_level.txt"), 1 << 16).decode()
    except (OSError, UnicodeDecodeError):
        top = ""
    for line in top.splitlines():
        if line.strip() and os.path.isdir(os.path.join(site_dir, line.strip())):
            return line.strip()
    for file in files:
        head, _, rest = file.partition("/")
        if rest == "__init__.py":
            return head
    raise InvalidMetadata("the distribution installs no importable package", file=record)


def _libraries(files: list[str], site_dir: str) -> list[tuple[str, str]]:
    """Recorded shared libraries consumers can record by name (an ELF SONAME, a Mach-O
    install name ``@rpath/<file>``, a DLL's export directory; extension modules have
    none), one file per name: the one named as it, which the loader finds, where the
    wheel also ships copies under other names (``libfoo.so``, ``libfoo.so.1.2.0``)."""
    by_soname: dict[str, str] = {}
    for file in files:
        if not _LIBRARY.search(file):
            continue
        soname = _soname(os.path.join(site_dir, *file.split("/")))
        if soname and (soname not in by_soname or posixpath.basename(file) == soname):
            by_soname[soname] = file
    return [(file, soname) for soname, file in by_soname.items()]


def _soname(path: str) -> str | None:
    """The one name every image of the library at ``path`` gives consumers, if it has
    one they can record."""
    try:
        with _fs.open_regular(path) as f:
            found = _binary.images(f)
    except (OSError, _binary.NotSharedLibrary):
        return None
    names = {image.soname for image in found}
    if len(names) != 1 or any(_binary.name_problem(i, posixpath.basename(path)) for i in found):
        return None
    return names.pop()


def _import_library(dll: str, files: list[str], site_dir: str) -> str | None:
    """The recorded import library beside the DLL ``dll`` (an ``ar`` archive named
    ``foo.lib``, ``foo.dll.a`` or ``libfoo.dll.a`` for ``foo.dll``, MSVC's and mingw's
    names; ``foo.lib`` too for mingw's ``libfoo.dll``), if there is one."""
    head, base = posixpath.split(dll)
    stem = base[: -len(".dll")]
    names = [f"{stem}.lib", f"{base}.a", f"lib{stem}.dll.a"]
    if stem.startswith("lib"):
        names.append(f"{stem[3:]}.lib")
    recorded = set(files)
    for name in names:
        candidate = posixpath.join(head, name)
        if candidate in recorded:
            try:
                if _binary.is_archive(os.path.join(site_dir, *candidate.split("/"))):
                    return candidate
            except OSError:
                continue
    return None


def _include_dir(header: str) -> str:
    """The nearest ``include`` directory above a header, else its own directory."""
    parts = header.split("/")[:-1]
    for i in range(len(parts), 0, -1):
        if parts[i - 1] == "include":
            return "/".join(parts[:i])
    return "/".join(parts)
