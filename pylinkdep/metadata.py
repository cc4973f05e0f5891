"""pylink.json (format versions 1 and 2): the document model, its validation, and names
as they are compared.

The schema is shipped as ``pylinkdep/schema/pylink.schema.json`` and documented in
docs/pylink-json.md; the patterns of its string fields are read from that file, so each
rule has one form. This module adds what JSON Schema cannot say: UTF-8, size, duplicate
keys, PEP 440 ``version`` inside the ``abi`` range (:mod:`pylinkdep._versions`), PEP 508
``requires`` (``packaging``). Nothing here
looks at a file the document names: that is :mod:`pylinkdep._resolve`'s binding.
"""

import json
import os
import re

from . import _versions
from ._value import Frozen, frozen
from .errors import InvalidMetadata

__all__ = [
    "MAX_BYTES",
    "SCHEMA_VERSION",
    "SCHEMA_VERSIONS",
    "Declared",
    "LibraryEntry",
    "Metadata",
    "normalize_name",
    "parse",
]

SCHEMA_VERSION = 2
"""The newest format version; ``generate`` writes the oldest that holds the document."""
SCHEMA_VERSIONS = {
    1: frozenset(),
    2: frozenset({"symbols", "libraries[].import_library", "cython_include_dirs"}),
}
"""Each format version this pylinkdep reads, and the keys it adds to the one before: a
top-level key, or ``libraries[].<key>`` for a key of a ``libraries`` entry
(:func:`used_keys`)."""
SCHEMA_FILE = os.path.join(os.path.dirname(__file__), "schema", "pylink.schema.json")
MAX_BYTES = 1 << 20
"""The largest pylink.json read (and the largest overlay)."""

TYPE_CHECKING = False  # typing is slow to import, and needed only by type checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal

    LibraryKind = Literal["shared", "extension"]
else:
    LibraryKind = str


def used_keys(doc: "dict[str, Any]") -> set[str]:
    """The keys a document uses, as :data:`SCHEMA_VERSIONS` names them: its top-level
    keys, and ``libraries[].<key>`` for each key of a ``libraries`` entry."""
    libraries = doc.get("libraries")
    entries = libraries if isinstance(libraries, list) else []
    nested = {f"libraries[].{k}" for e in entries if isinstance(e, dict) for k in e}
    return set(doc) | nested


def oldest_format(doc: "dict[str, Any]") -> int:
    """The oldest format version that holds ``doc``."""
    used = used_keys(doc)
    return max((v for v, added in SCHEMA_VERSIONS.items() if added & used), default=1)


def normalize_name(name: str) -> str:
    """The form names are compared in: lowercase, runs of ``-_.`` as one ``-`` (the
    scan of installed distributions calls this for each one: string methods only)."""
    key = name.lower().replace("_", "-").replace(".", "-")
    while "--" in key:
        key = key.replace("--", "-")
    return key


def _schema_patterns() -> "dict[str, re.Pattern[str]]":
    """The ``pattern`` of each constrained string field, from the shipped schema."""
    with open(SCHEMA_FILE, "rb") as f:
        schema = json.load(f)
    props, defs = schema["properties"], schema["$defs"]
    cmake = props["cmake"]["properties"]
    texts = {
        "name": defs["name"]["pattern"],
        "cmake.package": cmake["package"]["pattern"],
        "cmake.target": cmake["target"]["pattern"],
        "soname": defs["library"]["properties"]["soname"]["pattern"],
        "define": props["defines"]["items"]["pattern"],
        "arg": defs["arg"]["pattern"],
        "description": props["description"]["pattern"],
        "python_abi": props["python_abi"]["pattern"],
        "package": props["package"]["pattern"],
        "symbol": props["symbols"]["propertyNames"]["pattern"],
    }
    return {rule: re.compile(text) for rule, text in texts.items()}


PATTERNS = _schema_patterns()
"""Compiled schema patterns by rule: ``PATTERNS["name"].search(value)``."""


CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
"""Control characters and line breaks, refused in every string: no format pylinkdep
writes (a line of a .pc file, a CMake argument, a ``cargo:`` line, a run path) carries
them as they are."""


def _control_name(char: str) -> str:
    if char == "\x00":
        return "NUL character"
    breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits at
    return f"{'line break' if char in breaks else 'control character'} U+{ord(char):04X}"


@frozen
class LibraryEntry(Frozen):
    """One entry of ``libraries``, its path still relative."""

    path: str
    soname: str
    kind: "LibraryKind"
    import_library: str = ""
    """Format 2, Windows: the import library (``.lib``, ``.dll.a``) consumers link, its
    path relative like ``path``; empty: link ``path`` itself."""


@frozen
class Declared(Frozen):
    """What pylink.json declares that needs no file to check: a resolved provider keeps
    these fields as they are."""

    name: str
    version: str
    abi: str
    cmake_package: str
    cmake_target: str
    defines: tuple[str, ...]
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    requires: tuple[str, ...]
    python_abi: str | None
    description: str
    symbols: tuple[tuple[str, str], ...] = ()
    """Each exported symbol and the version it first appeared in, sorted by symbol
    (format 2: a provider's symbols file, see docs/abi.md); empty: no such map."""


@frozen
class Metadata(Declared):
    """A validated pylink.json; paths are relative to the directory that holds it."""

    include_dirs: tuple[str, ...]
    libraries: tuple[LibraryEntry, ...]
    package: str | None = None
    distribution: str | None = None
    cython_include_dirs: tuple[str, ...] = ()
    """Format 2: directories of the Cython declarations (``.pxd``) of the C API, relative
    like ``include_dirs``."""


class _Reader:
    """Validates one document, raising InvalidMetadata that names its source and field."""

    def __init__(self, distribution: str | None, file: str) -> None:
        self.distribution = distribution
        self.file = file

    def fail(self, field: str | None, message: str) -> InvalidMetadata:
        return InvalidMetadata(
            message, distribution=self.distribution, file=self.file, field=field or None
        )

    def string(self, value: object, field: str, rule: str | None = None) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected a string, got {_json_type(value)}")
        control = CONTROL.search(value)
        if control:
            raise self.fail(field, f"{value!r}: {_control_name(control.group())} in a string")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # from a "\ud800" escape: no file name or output can hold it
            raise self.fail(field, "lone surrogate in string: not valid Unicode") from None
        if rule is not None and not PATTERNS[rule].search(value):
            raise self.fail(field, f"{value!r} does not match {PATTERNS[rule].pattern}")
        return value

    def strings(
        self, doc: "dict[str, Any]", key: str, check: "Callable[[object, str], str] | None" = None
    ) -> tuple[str, ...]:
        value = doc.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, f"expected an array, got {_json_type(value)}")
        check = check or self.string
        return tuple(check(item, f"{key}[{i}]") for i, item in enumerate(value))

    def relpath(self, value: object, field: str) -> str:
        path = self.string(value, field)
        if not path:
            raise self.fail(field, "empty path")
        if "\\" in path:
            raise self.fail(field, f"{path!r}: use '/' as the separator")
        if path.startswith("/") or re.match("[A-Za-z]:", path):
            raise self.fail(field, f"{path!r} is absolute; paths must be relative to pylink.json")
        return path

    def closed(self, value: object, field: str, allowed: set[str]) -> "dict[str, Any]":
        if not isinstance(value, dict):
            raise self.fail(field, f"expected an object, got {_json_type(value)}")
        for key in value:
            # Extension keys "x-..." are allowed at the top level only.
            if key not in allowed and not (key.startswith("x-") and not field):
                raise self.fail(f"{field}.{key}" if field else key, "unknown key")
        return value

    def library(self, value: object, field: str, overlay: bool) -> LibraryEntry:
        """One ``libraries`` entry; an overlay may leave ``soname`` out ("": read from the
        library when it is resolved)."""
        entry = self.closed(value, field, {"path", "soname", "kind", "import_library"})
        for key in ("path",) if overlay else ("path", "soname"):
            if key not in entry:
                raise self.fail(f"{field}.{key}", "required key missing")
        kind = entry.get("kind", "shared")
        if kind not in ("shared", "extension"):
            raise self.fail(f"{field}.kind", f"{kind!r} is not 'shared' or 'extension'")
        return LibraryEntry(
            path=self.relpath(entry["path"], f"{field}.path"),
            soname=self.string(entry["soname"], f"{field}.soname", "soname")
            if "soname" in entry
            else "",
            kind=kind,
            import_library=self.relpath(entry["import_library"], f"{field}.import_library")
            if "import_library" in entry
            else "",
        )

    def requirement(self, value: object, field: str) -> str:
        text = self.string(value, field)
        # Imported here: packaging.requirements pulls in markers and tags, which only
        # providers that have requires should pay for.
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            reason = str(exc).splitlines()[0]  # the rest draws a caret under the text
            raise self.fail(field, f"{text!r} is not a valid requirement: {reason}") from None
        if req.extras or req.url:
            raise self.fail(field, f"{text!r}: extras and URLs are not allowed")
        return text

    def line(self, value: object, field: str, rule: str | None = None) -> str:
        """A single-line string, taken as it is: no whitespace at either end (an output
        that writes it on one line would read back something else)."""
        text = self.string(value, field, rule)
        if text != text.strip():
            raise self.fail(field, f"{text!r}: whitespace at the start or end")
        return text

    def symbols(self, value: object, version: str) -> tuple[tuple[str, str], ...]:
        """The ``symbols`` map: symbol names to the PEP 440 versions they first appeared
        in, none later than ``version``; sorted pairs."""
        if not isinstance(value, dict):
            raise self.fail("symbols", f"expected an object, got {_json_type(value)}")
        parsed: dict[str, _versions.Version] = {}
        for symbol, since in value.items():
            field = f"symbols.{symbol}"
            self.string(symbol, "symbols", "symbol")
            text = self.line(since, field)
            if text not in parsed:
                try:
                    parsed[text] = _versions.Version(text)
                except ValueError:
                    raise self.fail(field, f"{text!r} is not a PEP 440 version") from None
            if version and parsed[text] > _versions.Version(version):
                raise self.fail(field, f"first in {text}, later than this version {version}")
        return tuple(sorted(value.items()))

    def versions(self, version: str, abi: str) -> None:
        """``version`` is PEP 440 and lies inside the ABI range ``abi`` (for an overlay
        without a version, "": ``abi`` alone is checked)."""
        try:
            _versions.Version(version or "0")
        except ValueError:
            raise self.fail("version", f"{version!r} is not a PEP 440 version") from None
        if not any(clause.strip() for clause in abi.split(",")):
            raise self.fail("abi", f"{abi!r}: the ABI range needs at least one specifier")
        try:
            inside = _versions.contains(abi, version or "0")
        except ValueError:
            raise self.fail("abi", f"{abi!r} is not a PEP 440 specifier set") from None
        if version and not inside:
            raise self.fail("abi", f"version {version} is not inside the ABI range {abi!r}")


_TOP_KEYS = {
    "$schema",
    "pylink",
    "name",
    "version",
    "abi",
    "cmake",
    "include_dirs",
    "cython_include_dirs",
    "libraries",
    "defines",
    "compile_args",
    "link_args",
    "requires",
    "python_abi",
    "description",
    "symbols",
}
_OVERLAY_KEYS = {"package", "distribution"}


def parse(
    data: bytes, *, file: str, distribution: str | None = None, overlay: bool = False
) -> Metadata:
    """Validate the bytes of a pylink.json (``overlay``: a PYLINK_PATH file)."""
    r = _Reader(distribution, file)
    if len(data) > MAX_BYTES:
        raise r.fail(None, f"file is larger than {MAX_BYTES} bytes")
    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise r.fail(None, f"not UTF-8: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise r.fail(None, f"not valid JSON: {exc}") from None
    doc = r.closed(doc, "", _TOP_KEYS | (_OVERLAY_KEYS if overlay else set()))

    # An overlay that names its distribution may leave the version to its dist-info.
    required: tuple[str, ...] = ("pylink", "name", "abi")
    required += ("package",) if overlay else ()
    required += () if overlay and "distribution" in doc else ("version",)
    for key in required:
        if key not in doc:
            raise r.fail(key, "required key missing")
    schema = doc["pylink"]
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise r.fail("pylink", f"expected an integer schema version, got {_json_type(schema)}")
    if schema not in SCHEMA_VERSIONS:
        raise r.fail(
            "pylink",
            f"unsupported schema version {schema}; this pylinkdep reads versions "
            f"{', '.join(map(str, SCHEMA_VERSIONS))}: upgrade pylinkdep",
        )
    used = used_keys(doc)
    for newer in range(schema + 1, SCHEMA_VERSION + 1):
        for key in sorted(SCHEMA_VERSIONS[newer] & used):
            raise r.fail(key, f"needs format version {newer} or later; this file says {schema}")

    name = r.string(doc["name"], "name", "name")
    version = r.line(doc["version"], "version") if "version" in doc else ""
    abi = r.line(doc["abi"], "abi")
    r.versions(version, abi)

    cmake = r.closed(doc.get("cmake", {"package": name}), "cmake", {"package", "target"})
    if "package" not in cmake:
        raise r.fail("cmake.package", "required key missing")
    cmake_package = r.string(cmake["package"], "cmake.package", "cmake.package")
    cmake_target = r.string(
        cmake.get("target", f"{cmake_package}::{cmake_package}"), "cmake.target", "cmake.target"
    )

    if "$schema" in doc:
        r.string(doc["$schema"], "$schema")

    python_abi = doc.get("python_abi")
    if python_abi is not None:
        python_abi = r.string(python_abi, "python_abi", "python_abi")

    libraries = doc.get("libraries", [])
    if not isinstance(libraries, list):
        raise r.fail("libraries", f"expected an array, got {_json_type(libraries)}")

    return Metadata(
        name=name,
        version=version,
        abi=abi,
        cmake_package=cmake_package,
        cmake_target=cmake_target,
        include_dirs=r.strings(doc, "include_dirs", r.relpath),
        cython_include_dirs=r.strings(doc, "cython_include_dirs", r.relpath),
        libraries=tuple(r.library(v, f"libraries[{i}]", overlay) for i, v in enumerate(libraries)),
        defines=r.strings(doc, "defines", lambda v, f: r.string(v, f, "define")),
        compile_args=r.strings(doc, "compile_args", lambda v, f: r.string(v, f, "arg")),
        link_args=r.strings(doc, "link_args", lambda v, f: r.string(v, f, "arg")),
        requires=r.strings(doc, "requires", r.requirement),
        python_abi=python_abi,
        description=r.line(doc.get("description", ""), "description", "description"),
        symbols=r.symbols(doc.get("symbols", {}), version),
        package=r.string(doc["package"], "package", "package") if overlay else None,
        distribution=(
            r.string(doc["distribution"], "distribution", "name") if "distribution" in doc else None
        ),
    )


def _no_duplicate_keys(pairs: "list[tuple[str, Any]]") -> "dict[str, Any]":
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
