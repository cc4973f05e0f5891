"""Resolution: dependency names to installed providers, with every path made absolute and
checked, versions compared and requires walked in link order.

The resolved model (:class:`Library`, :class:`Provider`, :class:`Dependency`) is what
every output is generated from; :func:`find` and :func:`providers` are the public entry
points (re-exported by :mod:`pylinkdep`).
"""

import os
import re
import sys

from . import _binary, _discovery, _fs, _versions, rpath
from ._value import Frozen, frozen
from .errors import (
    DependencyCycle,
    DuplicateProvider,
    InvalidMetadata,
    ProviderNotFound,
    PylinkError,
    PythonMismatch,
    VersionConflict,
)
from .metadata import (
    CONTROL,
    MAX_BYTES,
    PATTERNS,
    Declared,
    LibraryEntry,
    Metadata,
    normalize_name,
    parse,
)

# CMake lists split at ';' and not inside '[ ]': an install path may not hold them.
_CMAKE_LIST = re.compile(r"[;\[\]]")
# What makes an overlay's library path a pattern (``[`` is refused in paths).
_PATTERN = re.compile(r"[*?]")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence
    from typing import Any, TypeVar

    from .metadata import LibraryKind

    _T = TypeVar("_T", bound=Hashable)


def unique(items: "Iterable[_T]") -> "tuple[_T, ...]":
    """``items`` in order, each once."""
    return tuple(dict.fromkeys(items))


@frozen
class Library(Frozen):
    """A library to link, by absolute path, and the name the loader will look for."""

    path: str
    soname: str
    kind: "LibraryKind"
    import_library: str = ""
    """Windows: the import library's absolute path; empty when there is none."""

    @property
    def link_file(self) -> str:
        """The file the linker gets for this library: the import library where there is
        one (Windows links a ``.lib`` or ``.dll.a``, never the DLL), else the library."""
        return self.import_library or self.path


@frozen
class Provider(Declared):
    """One installed provider: its pylink.json with every path made absolute and checked."""

    distribution: str
    include_dirs: tuple[str, ...]
    libraries: tuple[Library, ...]
    metadata_file: str
    package_dir: str
    site_dir: str
    cython_include_dirs: tuple[str, ...] = ()

    @property
    def requirement(self) -> str:
        """What a consumer built against this provider must declare to run, its binaries
        unseen: ``prov>=2.0,<3``, the ABI range, from the newest version in the symbols map
        on (``pylinkdep requirement`` on the built consumer finds the lowest it needs)."""
        newest = _versions.newest(since for _, since in self.symbols)
        return f"{self.distribution}{_versions.narrowed(self.abi, newest)}"

    @property
    def package_relpath(self) -> str:
        """The package directory relative to its site-packages root, with ``/``."""
        return _fs.posix_relpath(self.package_dir, self.site_dir)

    def library_relpaths(self) -> tuple[str, ...]:
        """Each library's directory relative to the site-packages root, without repeats."""
        return unique(
            _fs.posix_relpath(os.path.dirname(lib.path), self.site_dir) for lib in self.libraries
        )


@frozen
class Dependency(Frozen):
    """A provider with its transitive requires: everything a consumer build needs."""

    provider: Provider
    requires: tuple[Provider, ...]
    """Transitive requires in link order (a provider before what it requires)."""

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def version(self) -> str:
        return self.provider.version

    @property
    def requirement(self) -> str:
        return self.provider.requirement

    @property
    def link_order(self) -> tuple[Provider, ...]:
        return (self.provider, *self.requires)

    @property
    def include_dirs(self) -> tuple[str, ...]:
        return unique(d for p in self.link_order for d in p.include_dirs)

    @property
    def cython_include_dirs(self) -> tuple[str, ...]:
        """The directories of ``.pxd`` declarations Cython searches for ``cimport``."""
        return unique(d for p in self.link_order for d in p.cython_include_dirs)

    @property
    def defines(self) -> tuple[str, ...]:
        return unique(d for p in self.link_order for d in p.defines)

    @property
    def compile_args(self) -> tuple[str, ...]:
        return tuple(a for p in self.link_order for a in p.compile_args)

    @property
    def libraries(self) -> tuple[Library, ...]:
        return tuple(lib for p in self.link_order for lib in p.libraries)

    @property
    def link_args(self) -> tuple[str, ...]:
        return tuple(a for p in self.link_order for a in p.link_args)

    def rpaths(self, consumer_subdir: str, platform: str | None = None) -> tuple[str, ...]:
        """Relative run path entries from a consumer installed in ``consumer_subdir``
        (relative to its site-packages root) to every library this dependency links.

        Empty on Windows, which has no run path.
        """
        if (platform or sys.platform) == "win32":
            return ()
        return unique(
            rpath.relative_rpath(consumer_subdir, libdir, platform)
            for p in self.link_order
            for libdir in p.library_relpaths()
        )

    def __str__(self) -> str:
        p = self.provider
        lines = [
            f"{p.name} {p.version} (distribution {p.distribution})",
            f"  requirement:  {p.requirement}",
            f"  metadata:     {p.metadata_file}",
            f"  package dir:  {p.package_relpath} (in {p.site_dir})",
            f"  cmake:        find_package({p.cmake_package}) -> {p.cmake_target}",
            f"  python abi:   {p.python_abi or 'none (no Python C API)'}",
            *(f"  include dir:  {d}" for d in self.include_dirs),
            *(f"  cython dir:   {d}" for d in self.cython_include_dirs),
            *(f"  define:       {d}" for d in self.defines),
            *(
                f"  library:      {lib.path} (soname {lib.soname}, {lib.kind})"
                + (f"\n  import lib:   {lib.import_library}" if lib.import_library else "")
                for lib in self.libraries
            ),
            *(f"  compile arg:  {a}" for a in self.compile_args),
            *(f"  link arg:     {a}" for a in self.link_args),
            *(f"  requires:     {r.name} {r.version} ({r.distribution})" for r in self.requires),
        ]
        return "\n".join(lines)


def find(
    name: str,
    version: str | None = None,
    *,
    path: "Sequence[str] | None" = None,
    python_abi: str | None = None,
) -> Dependency:
    """Resolve ``name`` (and its requires) to installed providers.

    ``version`` is a PEP 440 specifier set such as ``">=1.2,<2"``; ``path`` replaces
    ``sys.path`` as the list of directories searched; ``python_abi`` is the ABI of the
    Python the build targets (``cp312``, ``cp313t``; default: the running one's, "" for
    no check): a provider built for another raises :class:`PythonMismatch`. Each call
    reads the search path afresh; to resolve several names at once, use one
    :class:`Index`.
    """
    return Index(path, python_abi).find(name, version)


def providers(
    *, path: "Sequence[str] | None" = None, errors: list[PylinkError] | None = None
) -> list[Provider]:
    """Every installed provider, sorted by name.

    A broken provider raises its PylinkError, or, when an ``errors`` list is given,
    is appended to it and left out.
    """
    return Index(path).providers(errors)


class Index:
    """The providers of one search path (``sys.path`` when None) as it is when the index
    is made: one scan, and each provider read once, however many names are resolved."""

    def __init__(self, path: "Sequence[str] | None", python_abi: str | None = None) -> None:
        self.dirs = _discovery.search_path(path)
        self.python_abi = running_python_abi() if python_abi is None else python_abi
        self.overlays: dict[str, _discovery.Source] = {}
        for overlay in _discovery.overlay_sources(_discovery.overlay_dirs()):
            self.overlays.setdefault(overlay.key, overlay)  # the first directory wins
        self.sources: dict[str, list[_discovery.Source]] = {}
        self.unreadable: list[InvalidMetadata] = []  # entry_points.txt files: no name known
        for source in _discovery.entry_point_sources(self.dirs, self.unreadable):
            self.sources.setdefault(source.key, []).append(source)
        self.loaded: dict[str, Provider] = {}

    def keys(self) -> set[str]:
        return set(self.sources) | set(self.overlays)

    def find(self, name: str, version: str | None = None) -> Dependency:
        """:func:`find` on this index."""
        provider = self.get(name, None)
        if version is not None:
            check_version(provider, version, requested_by=None)
        order = link_order(provider, self)
        for linked in order:
            check_python(linked, self.python_abi)
        return Dependency(provider=order[0], requires=order[1:])

    def providers(self, errors: list[PylinkError] | None = None) -> list[Provider]:
        """:func:`providers` on this index."""
        if self.unreadable and errors is None:
            raise self.unreadable[0]
        if errors is not None:
            errors.extend(self.unreadable)
        found: list[Provider] = []
        for key in sorted(self.keys()):
            try:
                found.append(self.get(key, None))
            except PylinkError as exc:
                if errors is None:
                    raise
                errors.append(exc)
        return found

    def get(self, name: str, requested_by: Provider | None) -> Provider:
        key = normalize_name(name)
        if key not in self.loaded:
            self.loaded[key] = self._load(name, key, requested_by)
        return self.loaded[key]

    def _load(self, name: str, key: str, requested_by: Provider | None) -> Provider:
        if key in self.overlays:
            return _load_overlay(self.overlays[key], self.dirs)
        sources = self.sources.get(key, [])
        if not sources:
            for exc in self.unreadable:  # the name's own distribution, most likely
                if exc.distribution and normalize_name(exc.distribution) == key:
                    raise exc
            raise not_found(name, requested_by, self.unreadable, sorted(self.keys()), self.dirs)
        if len(sources) > 1:
            listed = "; ".join(f"{s.distribution} ({s.origin})" for s in sources)
            raise DuplicateProvider(
                f"{len(sources)} distributions provide {name!r}: {listed}; uninstall all but one",
                distribution=sources[0].distribution,
                file=os.path.join(sources[0].origin, "entry_points.txt"),
                field=f"{_discovery.GROUP}.{sources[0].name}",
            )
        return _load_entry_point(sources[0], self.dirs)


def _load_entry_point(source: _discovery.Source, dirs: list[str]) -> Provider:
    ep_file = os.path.join(source.origin, "entry_points.txt")
    field = f"{_discovery.GROUP}.{source.name}"
    if not PATTERNS["package"].search(source.value):
        raise InvalidMetadata(
            f"entry point value {source.value!r} must name a package, like 'pkg' or 'pkg.sub'",
            distribution=source.distribution,
            file=ep_file,
            field=field,
        )
    located = _discovery.find_package_dir(source.value, source.site_dir, dirs)
    if located is None:
        raise InvalidMetadata(
            f"entry point names package {source.value!r}, which is not installed"
            + _editable_hint(source.origin),
            distribution=source.distribution,
            file=ep_file,
            field=field,
        )
    site_dir, package_dir = located
    file = os.path.join(package_dir, "pylink.json")
    meta = parse(_read(file, source.distribution), file=file, distribution=source.distribution)
    if normalize_name(meta.name) != source.key:
        raise InvalidMetadata(
            f"name {meta.name!r} differs from the entry point name {source.name!r}",
            distribution=source.distribution,
            file=file,
            field="name",
        )
    record = os.path.join(source.origin, "RECORD")
    return _bind(meta, source.distribution, file, package_dir, site_dir, record)


def _load_overlay(source: _discovery.Source, dirs: list[str]) -> Provider:
    file = source.origin
    meta = parse(_read(file, None), file=file, overlay=True)
    assert meta.package is not None  # required in overlays
    distribution = meta.distribution or meta.package.split(".")[0]
    if normalize_name(meta.name) != source.key:
        raise InvalidMetadata(
            f"name {meta.name!r} differs from the file name {os.path.basename(file)!r}",
            distribution=distribution,
            file=file,
            field="name",
        )
    located = _discovery.find_package_dir(meta.package, "", dirs)
    if located is None:
        raise InvalidMetadata(
            f"package {meta.package!r} is not installed on the search path",
            distribution=distribution,
            file=file,
            field="package",
        )
    site_dir, package_dir = located
    # A file outside the package directory, and a library pattern, need the named
    # distribution's RECORD; its dist-info gives the version.
    dist_info = meta.distribution and _discovery.find_dist_info(site_dir, meta.distribution)
    if not dist_info:
        where = (
            f"no dist-info of {distribution!r} in {site_dir}"
            if meta.distribution
            else "the overlay names no 'distribution'"
        )
        if not meta.version:
            raise InvalidMetadata(
                f"no version given, and {where} to take it from",
                distribution=distribution,
                file=file,
                field="version",
            )
        for i, lib in enumerate(meta.libraries):
            if _PATTERN.search(lib.path):
                raise InvalidMetadata(
                    f"{lib.path!r} is a pattern, and {where} whose RECORD to match it against",
                    distribution=distribution,
                    file=file,
                    field=f"libraries[{i}].path",
                )
        unrecorded = (
            f"{where} lists it"
            if meta.distribution
            else "an overlay without 'distribution' is confined to its package"
        )
        return _bind(meta, distribution, file, package_dir, site_dir, None, unrecorded)
    installed = _discovery.dist_info_version(dist_info)
    try:
        same = _versions.contains(f"=={installed}", meta.version or installed)
        inside = _versions.contains(meta.abi, installed)
    except ValueError:  # a dist-info name pip would not write
        same = inside = False
    if not same:
        raise InvalidMetadata(
            f"the overlay says version {meta.version}, but {distribution} {installed} is "
            f"installed ({dist_info}): update the overlay, or leave the version out",
            distribution=distribution,
            file=file,
            field="version",
        )
    if not inside:
        raise InvalidMetadata(
            f"{distribution} {installed} is installed, outside the overlay's ABI range "
            f"{meta.abi!r}: the overlay was written for other versions",
            distribution=distribution,
            file=file,
            field="abi",
        )
    record = os.path.join(dist_info, "RECORD")
    values = {name: getattr(meta, name) for name in Metadata._fields}
    values["version"] = installed
    values["libraries"] = tuple(
        _matched(lib, f"libraries[{i}].path", package_dir, site_dir, record, distribution, file)
        for i, lib in enumerate(meta.libraries)
    )
    return _bind(Metadata(**values), distribution, file, package_dir, site_dir, record)


def _matched(
    lib: LibraryEntry,
    field: str,
    package_dir: str,
    site_dir: str,
    record: str,
    distribution: str,
    file: str,
) -> LibraryEntry:
    """An overlay's library whose path is a pattern (``../foo.libs/libfoo-*.so.5*``, so
    that a name a repair tool hashed still resolves after an upgrade), as the one file
    of the distribution's RECORD it matches."""
    if not _PATTERN.search(lib.path):
        return lib
    import fnmatch

    pattern = _fs.posix_relpath(os.path.normpath(os.path.join(package_dir, lib.path)), site_dir)
    matches = sorted(
        f for f in record_files(record, distribution) if fnmatch.fnmatchcase(f, pattern)
    )
    if len(matches) != 1:
        listed = f": {', '.join(matches[:3])}" if matches else ""
        raise InvalidMetadata(
            f"{lib.path!r} matches {len(matches)} files {distribution} recorded{listed}; "
            "a library pattern must match exactly one",
            distribution=distribution,
            file=file,
            field=field,
        )
    path = _fs.posix_relpath(os.path.join(site_dir, *matches[0].split("/")), package_dir)
    return LibraryEntry(
        path=path, soname=lib.soname, kind=lib.kind, import_library=lib.import_library
    )


def _read(file: str, distribution: str | None) -> bytes:
    try:
        return _fs.read_regular(file, MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidMetadata(
            f"cannot read pylink.json: {exc.strerror}", distribution=distribution, file=file
        ) from None


def _bind(
    meta: Metadata,
    distribution: str,
    file: str,
    package_dir: str,
    site_dir: str,
    record: str | None,
    unrecorded: str = "not installed by this distribution",
) -> Provider:
    """Make the metadata's paths absolute, checking each stays where it must and exists.
    A library outside the package directory must be listed in ``record`` (a RECORD
    file); ``unrecorded`` says why one is refused."""
    real_package = os.path.realpath(package_dir)
    real_site = os.path.realpath(site_dir)
    recorded: set[str] | None = None

    def writable(path: str, rel: str, field: str | None) -> None:
        # pylink.json's own strings are checked when it is read; this is for the
        # directory the package is installed in.
        bad = CONTROL.search(path) or _CMAKE_LIST.search(path)
        if bad:
            raise InvalidMetadata(
                f"{rel!r}: the path {path!r} holds {bad.group()!r}, which the files pylinkdep "
                "writes cannot carry (CMake lists split at ';' and not inside '[ ]')",
                distribution=distribution,
                file=file,
                field=field,
            )

    writable(package_dir, ".", None)

    def resolve(rel: str, field: str, want_dir: bool) -> str:
        nonlocal recorded
        joined = os.path.normpath(os.path.join(package_dir, rel))
        writable(joined, rel, field)
        real = os.path.realpath(joined)
        if not _fs.inside(real, real_package):
            # A library may live beside the package in a directory the same
            # distribution installed (auditwheel's <dist>.libs): check RECORD.
            if recorded is None:
                recorded = record_files(record, distribution)
            rel_site = _fs.posix_relpath(real, real_site)
            if want_dir or not _fs.inside(real, real_site) or rel_site not in recorded:
                raise InvalidMetadata(
                    f"{rel!r} resolves to {real}, outside the package directory "
                    f"{real_package}" + ("" if want_dir else f", and {unrecorded}"),
                    distribution=distribution,
                    file=file,
                    field=field,
                )
        ok = os.path.isdir(real) if want_dir else os.path.isfile(real)
        if not ok:
            kind = "directory" if want_dir else "file"
            raise InvalidMetadata(
                f"{rel!r}: no such {kind} ({joined})",
                distribution=distribution,
                file=file,
                field=field,
            )
        return joined

    def linked(rel: str, field: str) -> str:
        """A file the linker gets: resolved, and a path ninja can write."""
        path = resolve(rel, field, want_dir=False)
        if "|" in path:
            raise InvalidMetadata(
                f"{rel!r}: its path {path!r} holds '|', which ninja (meson, CMake's "
                "Ninja generator) cannot write in the dependencies of a link",
                distribution=distribution,
                file=file,
                field=field,
            )
        return path

    libraries = []
    for i, lib in enumerate(meta.libraries):
        field = f"libraries[{i}].path"
        path = linked(lib.path, field)
        try:
            actual = _binary.linkable_soname(path)
        except _binary.NotSharedLibrary as exc:
            raise InvalidMetadata(
                f"{lib.path!r} {exc}", distribution=distribution, file=file, field=field
            ) from None
        except OSError as exc:
            raise InvalidMetadata(
                f"{lib.path!r}: cannot read {path}: {exc.strerror}",
                distribution=distribution,
                file=file,
                field=field,
            ) from None
        if not rpath.carried(_fs.posix_relpath(os.path.dirname(path), site_dir)):
            raise InvalidMetadata(
                f"{lib.path!r}: its directory cannot be written in a run path (a ',', ':' "
                "or '$' in a directory name would change what the linker or the loader "
                "reads)",
                distribution=distribution,
                file=file,
                field=field,
            )
        soname = lib.soname or actual  # an overlay may leave it to the file
        if not soname:  # a Mach-O or PE library: its name is not read yet
            raise InvalidMetadata(
                f"{lib.path!r}: give its soname (its install name or DLL name)",
                distribution=distribution,
                file=file,
                field=field.replace(".path", ".soname"),
            )
        import_library = lib.import_library and linked(
            lib.import_library, f"libraries[{i}].import_library"
        )
        libraries.append(
            Library(path=path, soname=soname, kind=lib.kind, import_library=import_library)
        )

    def directories(key: str) -> tuple[str, ...]:
        return tuple(
            resolve(d, f"{key}[{i}]", want_dir=True) for i, d in enumerate(getattr(meta, key))
        )

    declared: dict[str, Any] = {name: getattr(meta, name) for name in Declared._fields}
    return Provider(
        **declared,
        distribution=distribution,
        include_dirs=directories("include_dirs"),
        cython_include_dirs=directories("cython_include_dirs"),
        libraries=tuple(libraries),
        metadata_file=file,
        package_dir=package_dir,
        site_dir=site_dir,
    )


def link_order(provider: Provider, index: Index) -> tuple[Provider, ...]:
    """``provider`` and its transitive requires, each before what it requires."""
    order: list[Provider] = []
    _visit(provider, index, order, stack=[])
    return tuple(reversed(order))


def _visit(provider: Provider, index: Index, order: list[Provider], stack: list[Provider]) -> None:
    """Depth-first walk of ``requires``; ``order`` receives providers after their requires."""
    if provider in order:
        return
    if provider in stack:
        cycle = " -> ".join(p.name for p in [*stack[stack.index(provider) :], provider])
        raise DependencyCycle(
            f"requires form a cycle: {cycle}",
            distribution=stack[-1].distribution,
            file=stack[-1].metadata_file,
            field="requires",
        )
    stack.append(provider)
    if provider.requires:
        from packaging.requirements import Requirement  # slow import: see metadata.py
    for i, text in enumerate(provider.requires):
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate():
            continue
        required = index.get(req.name, provider)
        if req.specifier:
            check_version(required, str(req.specifier), requested_by=(provider, i))
        _visit(required, index, order, stack)
    stack.pop()
    order.append(provider)


# Where the usual front ends put an isolated build environment: pip's prefixes on
# sys.path, build's and uv's virtual environments.
_ISOLATED = re.compile(r"pip-build-env-|build-env-|builds-v\d")


def isolated_build_env(path: "Sequence[str]") -> str | None:
    """The isolated build environment this runs in (a directory of ``path`` or
    ``sys.prefix``), or None outside one."""
    for entry in (sys.prefix, *path):
        match = _ISOLATED.search(entry)
        if match:
            end = entry.find(os.sep, match.end())
            return entry if end < 0 else entry[:end]
    return None


def not_found(
    name: str,
    requested_by: Provider | None,
    unreadable: "Sequence[PylinkError]" = (),
    installed: "Sequence[str]" = (),
    path: "Sequence[str]" = (),
) -> ProviderNotFound:
    """ProviderNotFound for ``name``, with the fix: the closest of the ``installed`` names,
    and, in an isolated build environment on ``path``, that ``[build-system] requires``
    is where the provider must be named."""
    import difflib

    build_env = isolated_build_env(path) if requested_by is None else None
    if build_env:
        hint = (
            f" in this build's isolated environment ({build_env}): add the distribution "
            f"that provides {name!r} to [build-system] requires in pyproject.toml"
        )
    else:
        hint = " (add the directory holding NAME.pylink.json to PYLINK_PATH, or install it)"
    close = difflib.get_close_matches(normalize_name(name), sorted(installed), n=1, cutoff=0.75)
    if close:
        hint += f"; did you mean {close[0]!r}?"
    if unreadable:  # one of them may declare it
        hint += f"; {len(unreadable)} entry_points.txt could not be read: {unreadable[0]}"
    where = (
        {
            "distribution": requested_by.distribution,
            "file": requested_by.metadata_file,
            "field": "requires",
        }
        if requested_by
        else {}
    )
    exc = ProviderNotFound(f"no pylink provider named {name!r} is installed{hint}", **where)
    exc.build_env = build_env
    return exc


def python_abi_tag(implementation: str, major: int, minor: int, threaded: bool) -> str:
    """The ``python_abi`` of an interpreter's facts: ``cp312``, ``cp313t``; "" for an
    implementation other than CPython (no check)."""
    if implementation != "cpython":
        return ""
    return f"cp{major}{minor}{'t' if threaded else ''}"


def running_python_abi() -> str:
    """:func:`python_abi_tag` of the running interpreter."""
    flags = getattr(sys, "abiflags", None)
    if flags is None:  # Windows before 3.14 has no abiflags
        import sysconfig

        threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    else:
        threaded = "t" in flags
    major, minor = sys.version_info[:2]
    return python_abi_tag(sys.implementation.name, major, minor, threaded)


def check_python(provider: Provider, target: str) -> None:
    """PythonMismatch unless ``provider``'s libraries can load into a Python of ABI
    ``target`` ("": unknown, no check): the same ``cpXY[t]``, or ``abi3`` in a CPython
    that is not free-threaded."""
    have = provider.python_abi
    if not have or not target or have == target:
        return
    if have == "abi3" and not target.endswith("t"):
        return
    reason = "free-threaded Pythons cannot load abi3 extensions" if have == "abi3" else ""
    raise PythonMismatch(
        f"{provider.name} {provider.version} was built for {have}, but this build targets "
        f"{target}{f' ({reason})' if reason else ''}: install a {provider.distribution} "
        f"wheel for {target}",
        distribution=provider.distribution,
        file=provider.metadata_file,
        field="python_abi",
    )


def check_version(provider: Provider, spec: str, requested_by: tuple[Provider, int] | None) -> None:
    """VersionConflict unless ``provider``'s version satisfies ``spec``."""
    try:
        inside = _versions.contains(spec, provider.version)
    except ValueError:
        raise VersionConflict(f"{spec!r} is not a PEP 440 version specifier") from None
    if inside:
        return
    message = f"{provider.name} {provider.version} is installed, but {spec} is required"
    if requested_by is None:
        raise VersionConflict(
            message,
            distribution=provider.distribution,
            file=provider.metadata_file,
            field="version",
        )
    owner, i = requested_by
    raise VersionConflict(
        f"{message} by {owner.name}",
        distribution=owner.distribution,
        file=owner.metadata_file,
        field=f"requires[{i}]",
    )


def _editable_hint(dist_info: str) -> str:
    """Why an installed distribution's package may be missing: an editable install."""
    try:
        recorded = record_files(os.path.join(dist_info, "RECORD"))
    except InvalidMetadata:  # a hint only: the error it is added to says what is wrong
        return ""
    marker = next(
        (
            f
            for f in sorted(recorded)
            if f.endswith((".pth", "_editable_loader.py")) and "editable" in f
        ),
        None,
    )
    if marker is None:
        return ""
    return (
        f": the distribution is an editable install ({marker}), whose package does not "
        "exist as a directory with pylink.json in site-packages; reinstall it without -e "
        "to link against it"
    )


RECORD_MAX = 64 << 20
"""The largest RECORD read (a distribution of some hundred thousand files)."""


def record_files(record: str | None, distribution: str | None = None) -> set[str]:
    """Paths (relative to site-packages, ``/``-separated) listed in a RECORD file."""
    if record is None:
        return set()
    try:
        lines = _fs.read_regular(record, RECORD_MAX).decode("utf-8", "replace").splitlines()
    except OSError:
        return set()
    import csv  # only for a library outside the package directory, or a hint

    # RECORD is CSV; a path holding a comma is quoted. Paths are the first column. An entry
    # that is not already normal ("demo/../other/lib.so") names a file of another place,
    # perhaps another distribution's: it does not count.
    try:
        return {
            row[0]
            for row in csv.reader(lines)
            if row and os.path.normpath(row[0]).replace(os.sep, "/") == row[0]
        }
    except csv.Error as exc:
        raise InvalidMetadata(
            f"RECORD is not valid CSV: {exc}", distribution=distribution, file=record
        ) from None
