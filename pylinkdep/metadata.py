"""pylink.json v1: parse and validate the document, before any file is looked at.

The schema is shipped as ``pylinkdep/schema/pylink-v1.schema.json`` and documented in
docs/pylink-json.md; this module enforces the same rules (tests check they agree) and
adds what JSON Schema cannot say: PEP 440 versions and specifiers, ``version`` inside
``abi``, PEP 508 ``requires``.
"""

from .errors import InvalidMetadata
from .jsontext import loads
from .names import normalize_name as normalize_name
from .records import Record, record
from .versions import release_contains

SCHEMA_VERSION = 1
MAX_BYTES = 1 << 20

TYPE_CHECKING = False  # typing is slow to import, and needed only by type checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal

    LibraryKind = Literal["shared", "extension"]
else:
    LibraryKind = str


class Pattern:
    """A ``pattern`` of the schema, checked by a plain string test: compiling regular
    expressions (and importing ``re``) would cost more than a cached lookup takes.

    As on a compiled regular expression, ``pattern`` is its text (for messages) and
    ``fullmatch`` the test; tests check that the two agree."""

    def __init__(self, text: str, test: "Callable[[str], bool]") -> None:
        self.pattern = text
        self.fullmatch = test


_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_ALNUM = _LETTERS | _DIGITS
_IDENT_START = _LETTERS | {"_"}
_IDENT = _ALNUM | {"_"}


def _chars(value: str, first: frozenset[str], rest: frozenset[str]) -> bool:
    """One ``first`` character, then any number of ``rest`` characters."""
    return value[:1] in first and set(value[1:]) <= rest


def _is_cmake_name(value: str) -> bool:
    return _chars(value, _IDENT_START, _IDENT | {".", "+", "-"})


def _is_soname(value: str) -> bool:
    name = value.removeprefix("@rpath/")
    return bool(name) and not {"/", "\\", "\x00"} & set(name)


NAME_PATTERN = Pattern(
    "[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?",
    lambda v: _chars(v, _ALNUM, _ALNUM | {".", "_", "-"}) and v[-1] in _ALNUM,
)
CMAKE_PACKAGE_PATTERN = Pattern("[A-Za-z_][A-Za-z0-9_.+-]*", _is_cmake_name)
CMAKE_TARGET_PATTERN = Pattern(
    "[A-Za-z_][A-Za-z0-9_.+-]*::[A-Za-z_][A-Za-z0-9_.+-]*",
    lambda v: all(map(_is_cmake_name, v.split("::"))) and v.count("::") == 1,
)
SONAME_PATTERN = Pattern(r"(@rpath/)?[^/\\\x00]+", _is_soname)
DEFINE_PATTERN = Pattern(
    r"[A-Za-z_][A-Za-z0-9_]*(=[\s\S]*)?",
    lambda v: _chars(v.partition("=")[0], _IDENT_START, _IDENT),
)
PYTHON_ABI_PATTERN = Pattern(
    "cp3[0-9]+t?|abi3",
    lambda v: v == "abi3" or (v[:3] == "cp3" and _chars(v.removesuffix("t")[3:], _DIGITS, _DIGITS)),
)
PACKAGE_PATTERN = Pattern(
    r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*",
    lambda v: all(_chars(part, _IDENT_START, _IDENT) for part in v.split(".")),
)


@record
class LibraryEntry(Record):
    """One entry of ``libraries``, its path still relative."""

    path: str
    soname: str
    kind: "LibraryKind"


@record
class Metadata(Record):
    """A validated pylink.json; paths are relative to the directory that holds it."""

    name: str
    version: str
    abi: str
    cmake_package: str
    cmake_target: str
    include_dirs: tuple[str, ...]
    libraries: tuple[LibraryEntry, ...]
    defines: tuple[str, ...]
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    requires: tuple[str, ...]
    python_abi: str | None
    description: str
    package: str | None = None
    distribution: str | None = None


class _Reader:
    """Validates one document, raising InvalidMetadata that names its source and field."""

    def __init__(self, distribution: str | None, file: str) -> None:
        self.distribution = distribution
        self.file = file

    def fail(self, field: str | None, message: str) -> InvalidMetadata:
        return InvalidMetadata(
            message, distribution=self.distribution, file=self.file, field=field or None
        )

    def string(self, value: object, field: str, pattern: Pattern | None = None) -> str:
        if not isinstance(value, str):
            raise self.fail(field, f"expected a string, got {_json_type(value)}")
        if "\x00" in value:
            raise self.fail(field, "NUL character in string")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # from a "\ud800" escape: no file name or output can hold it
            raise self.fail(field, "lone surrogate in string: not valid Unicode") from None
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(field, f"{value!r} does not match {pattern.pattern}")
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
        if path.startswith("/") or (path[:1] in _LETTERS and path[1:2] == ":"):
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

    def library(self, value: object, field: str) -> LibraryEntry:
        entry = self.closed(value, field, {"path", "soname", "kind"})
        for key in ("path", "soname"):
            if key not in entry:
                raise self.fail(f"{field}.{key}", "required key missing")
        kind = entry.get("kind", "shared")
        if kind not in ("shared", "extension"):
            raise self.fail(f"{field}.kind", f"{kind!r} is not 'shared' or 'extension'")
        return LibraryEntry(
            path=self.relpath(entry["path"], f"{field}.path"),
            soname=self.string(entry["soname"], f"{field}.soname", SONAME_PATTERN),
            kind=kind,
        )

    def requirement(self, value: object, field: str) -> str:
        text = self.string(value, field)
        # Imported here: packaging.requirements pulls in markers and tags (~25 ms),
        # which only providers that have requires should pay for.
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            reason = str(exc).splitlines()[0]  # the rest draws a caret under the text
            raise self.fail(field, f"{text!r} is not a valid requirement: {reason}") from None
        if req.extras or req.url:
            raise self.fail(field, f"{text!r}: extras and URLs are not allowed")
        return text


_TOP_KEYS = {
    "$schema",
    "pylink",
    "name",
    "version",
    "abi",
    "cmake",
    "include_dirs",
    "libraries",
    "defines",
    "compile_args",
    "link_args",
    "requires",
    "python_abi",
    "description",
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
        doc = loads(data.decode("utf-8"), _no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise r.fail(None, f"not UTF-8: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise r.fail(None, f"not valid JSON: {exc}") from None
    doc = r.closed(doc, "", _TOP_KEYS | (_OVERLAY_KEYS if overlay else set()))

    for key in ("pylink", "name", "version", "abi") + (("package",) if overlay else ()):
        if key not in doc:
            raise r.fail(key, "required key missing")
    schema = doc["pylink"]
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise r.fail("pylink", f"expected an integer schema version, got {_json_type(schema)}")
    if schema != SCHEMA_VERSION:
        raise r.fail(
            "pylink",
            f"unsupported schema version {schema}; this pylinkdep reads version "
            f"{SCHEMA_VERSION}: upgrade pylinkdep",
        )

    name = r.string(doc["name"], "name", NAME_PATTERN)
    version = r.string(doc["version"], "version")
    abi = r.string(doc["abi"], "abi")
    inside = release_contains(abi, version)
    if inside is None:
        inside = _contains(r, abi, version)
    if not inside:
        raise r.fail("abi", f"version {version} is not inside the ABI range {abi!r}")

    cmake = r.closed(doc.get("cmake", {"package": name}), "cmake", {"package", "target"})
    if "package" not in cmake:
        raise r.fail("cmake.package", "required key missing")
    cmake_package = r.string(cmake["package"], "cmake.package", CMAKE_PACKAGE_PATTERN)
    cmake_target = r.string(
        cmake.get("target", f"{cmake_package}::{cmake_package}"),
        "cmake.target",
        CMAKE_TARGET_PATTERN,
    )

    if "$schema" in doc:
        r.string(doc["$schema"], "$schema")

    python_abi = doc.get("python_abi")
    if python_abi is not None:
        python_abi = r.string(python_abi, "python_abi", PYTHON_ABI_PATTERN)

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
        libraries=tuple(r.library(v, f"libraries[{i}]") for i, v in enumerate(libraries)),
        defines=r.strings(doc, "defines", lambda v, f: r.string(v, f, DEFINE_PATTERN)),
        compile_args=r.strings(doc, "compile_args"),
        link_args=r.strings(doc, "link_args"),
        requires=r.strings(doc, "requires", r.requirement),
        python_abi=python_abi,
        description=r.string(doc.get("description", ""), "description"),
        package=r.string(doc["package"], "package", PACKAGE_PATTERN) if overlay else None,
        distribution=(
            r.string(doc["distribution"], "distribution", NAME_PATTERN)
            if "distribution" in doc
            else None
        ),
    )


def _contains(r: _Reader, abi: str, version: str) -> bool:
    """``version`` and ``abi`` checked by ``packaging``; whether one is inside the other."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        parsed_version = Version(version)
    except InvalidVersion:
        raise r.fail("version", f"{version!r} is not a PEP 440 version") from None
    try:
        abi_range = SpecifierSet(abi)
    except InvalidSpecifier:
        raise r.fail("abi", f"{abi!r} is not a PEP 440 specifier set") from None
    if not len(abi_range):
        raise r.fail("abi", f"{abi!r}: the ABI range needs at least one specifier")
    return abi_range.contains(parsed_version, prereleases=True)


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
