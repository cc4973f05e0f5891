"""Resolve dependency names to installed providers: paths, versions, transitive requires.

The lookup path must start fast (a build system runs it once per dependency), so this
module imports only what a cached lookup needs: discovery, file reading, metadata parsing
and ``packaging`` are imported when a provider is actually read or a version compared.
"""

import os
import sys

from . import cache
from .errors import (
    DependencyCycle,
    DuplicateProvider,
    InvalidMetadata,
    ProviderNotFound,
    PylinkError,
    VersionConflict,
)
from .names import normalize_name
from .records import Record, record
from .rpath import relative_rpath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence
    from typing import TypeVar

    from . import discovery
    from .metadata import LibraryKind, Metadata

    _T = TypeVar("_T", bound=Hashable)


@record
class Library(Record):
    """A library to link, by absolute path, and the name the loader will look for."""

    path: str
    soname: str
    kind: "LibraryKind"


@record
class Provider(Record):
    """One installed provider: its pylink.json with every path made absolute and checked."""

    name: str
    version: str
    abi: str
    distribution: str
    cmake_package: str
    cmake_target: str
    include_dirs: tuple[str, ...]
    libraries: tuple[Library, ...]
    defines: tuple[str, ...]
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    requires: tuple[str, ...]
    python_abi: str | None
    description: str
    metadata_file: str
    package_dir: str
    site_dir: str

    @property
    def requirement(self) -> str:
        """What a consumer built against this provider must declare to run: ``prov>=2.0,<3``."""
        return f"{self.distribution}{self.abi}"

    @property
    def package_relpath(self) -> str:
        """The package directory relative to its site-packages root, with ``/``."""
        return _posix_relpath(self.package_dir, self.site_dir)

    def library_relpaths(self) -> tuple[str, ...]:
        """Each library's directory relative to the site-packages root, without repeats."""
        dirs = (_posix_relpath(os.path.dirname(lib.path), self.site_dir) for lib in self.libraries)
        return tuple(dict.fromkeys(dirs))

    def files(self) -> tuple[str, ...]:
        """The files and directories this provider's answer was read from or points to."""
        return (self.metadata_file, *(lib.path for lib in self.libraries), *self.include_dirs)


@record
class Dependency(Record):
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
        return _unique(d for p in self.link_order for d in p.include_dirs)

    @property
    def defines(self) -> tuple[str, ...]:
        return _unique(d for p in self.link_order for d in p.defines)

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
        return _unique(
            relative_rpath(consumer_subdir, libdir, platform)
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
            *(f"  define:       {d}" for d in self.defines),
            *(
                f"  library:      {lib.path} (soname {lib.soname}, {lib.kind})"
                for lib in self.libraries
            ),
            *(f"  compile arg:  {a}" for a in self.compile_args),
            *(f"  link arg:     {a}" for a in self.link_args),
            *(f"  requires:     {r.name} {r.version} ({r.distribution})" for r in self.requires),
        ]
        return "\n".join(lines)


def find(
    name: str, version: str | None = None, *, path: "Sequence[str] | None" = None
) -> Dependency:
    """Resolve ``name`` (and its requires) to installed providers.

    ``version`` is a PEP 440 specifier set such as ``">=1.2,<2"``; ``path`` replaces
    ``sys.path`` as the list of directories searched. Answers are cached (see cache.py).
    """
    key = normalize_name(name)
    lookups = cache.Lookups(path)
    order = _decode(lookups.get(key))
    if order is None:
        if lookups.names is not None and key not in lookups.names:
            raise _not_found(name, None)
        order = _resolve(name, key, version, _Index(path), lookups)
    elif version is not None:
        _check_version(order[0], version, requested_by=None)
    return Dependency(provider=order[0], requires=order[1:])


def _resolve(
    name: str, key: str, version: str | None, index: "_Index", lookups: cache.Lookups
) -> tuple[Provider, ...]:
    """``name`` and its transitive requires in link order, read from disk and cached."""
    try:
        provider = index.get(name, None)
    except ProviderNotFound:
        lookups.put(index.keys(), key, None, ())
        raise
    if version is not None:
        _check_version(provider, version, requested_by=None)
    order: list[Provider] = []
    _visit(provider, index, order, stack=[])
    order.reverse()
    files = [f for p in order for f in p.files()]
    lookups.put(index.keys(), key, tuple(_encode(p) for p in order), files)
    return tuple(order)


def _encode(provider: Provider) -> tuple[object, ...]:
    """A provider as plain tuples, for the cache."""
    libraries = tuple(lib._values() for lib in provider.libraries)
    return tuple(
        libraries if name == "libraries" else value
        for name, value in zip(Provider._fields, provider._values(), strict=True)
    )


def _decode(answer: object) -> tuple[Provider, ...] | None:
    """Providers from ``_encode``'s tuples; None when there are none or they do not fit."""
    if answer is None:
        return None
    slot = Provider._fields.index("libraries")
    try:
        order = []
        for values in answer:  # type: ignore[attr-defined]
            values = list(values)
            values[slot] = tuple(Library._from_values(lib) for lib in values[slot])
            order.append(Provider._from_values(values))
    except (TypeError, ValueError, IndexError):
        return None
    return tuple(order) or None


def providers(
    *, path: "Sequence[str] | None" = None, errors: list[PylinkError] | None = None
) -> list[Provider]:
    """Every installed provider, sorted by name.

    A broken provider raises its PylinkError, or, when an ``errors`` list is given,
    is appended to it and left out. Answered from the lookup cache when it holds a
    valid answer for every provider of the last scan.
    """
    cached = _cached_providers(path)
    if cached is not None:
        return cached
    index = _Index(path)
    found: list[Provider] = []
    for key in sorted(index.keys()):
        try:
            found.append(index.get(key, None))
        except PylinkError as exc:
            if errors is None:
                raise
            errors.append(exc)
    return found


def _cached_providers(path: "Sequence[str] | None") -> list[Provider] | None:
    """Every provider the cached scan found, sorted by name, if the cache still holds each
    one's lookup (so none is broken, and nothing was installed or removed since)."""
    lookups = cache.Lookups(path)
    if lookups.names is None:
        return None
    found = []
    for key in sorted(lookups.names):
        order = _decode(lookups.get(key))
        if order is None:
            return None
        found.append(order[0])
    return found


class _Index:
    """The sources on one search path, by normalized name; reads each provider once."""

    def __init__(self, path: "Sequence[str] | None") -> None:
        from . import discovery

        self.dirs = discovery.search_path(path)
        self.overlay_dirs = discovery.overlay_dirs()
        self.sources: dict[str, list[discovery.Source]] = {}
        for source in discovery.entry_point_sources(self.dirs):
            self.sources.setdefault(source.key, []).append(source)
        self.cache: dict[str, Provider] = {}

    def keys(self) -> set[str]:
        from . import discovery

        overlays = discovery.overlay_sources(self.overlay_dirs)
        return set(self.sources) | {s.key for s in overlays}

    def get(self, name: str, requested_by: Provider | None) -> Provider:
        key = normalize_name(name)
        if key not in self.cache:
            self.cache[key] = self._load(name, key, requested_by)
        return self.cache[key]

    def _load(self, name: str, key: str, requested_by: Provider | None) -> Provider:
        from . import discovery

        for overlay in discovery.overlay_sources(self.overlay_dirs):
            if overlay.key == key:
                return _load_overlay(overlay, self.dirs)
        sources = self.sources.get(key, [])
        if not sources:
            raise _not_found(name, requested_by)
        if len(sources) > 1:
            listed = "; ".join(f"{s.distribution} ({s.origin})" for s in sources)
            raise DuplicateProvider(
                f"{len(sources)} distributions provide {name!r}: {listed}; uninstall all but one",
                distribution=sources[0].distribution,
                file=os.path.join(sources[0].origin, "entry_points.txt"),
                field=f"{discovery.GROUP}.{sources[0].name}",
            )
        return _load_entry_point(sources[0], self.dirs)


def _not_found(name: str, requested_by: Provider | None) -> ProviderNotFound:
    hint = " (add the directory holding NAME.pylink.json to PYLINK_PATH, or install it)"
    where = (
        {
            "distribution": requested_by.distribution,
            "file": requested_by.metadata_file,
            "field": "requires",
        }
        if requested_by
        else {}
    )
    return ProviderNotFound(f"no pylink provider named {name!r} is installed{hint}", **where)


def _load_entry_point(source: "discovery.Source", dirs: list[str]) -> Provider:
    from . import discovery
    from .metadata import PACKAGE_PATTERN, parse

    ep_file = os.path.join(source.origin, "entry_points.txt")
    field = f"{discovery.GROUP}.{source.name}"
    if not PACKAGE_PATTERN.fullmatch(source.value):
        raise InvalidMetadata(
            f"entry point value {source.value!r} must name a package, like 'pkg' or 'pkg.sub'",
            distribution=source.distribution,
            file=ep_file,
            field=field,
        )
    located = discovery.find_package_dir(source.value, source.site_dir, dirs)
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


def _load_overlay(source: "discovery.Source", dirs: list[str]) -> Provider:
    from . import discovery
    from .metadata import parse

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
    located = discovery.find_package_dir(meta.package, "", dirs)
    if located is None:
        raise InvalidMetadata(
            f"package {meta.package!r} is not installed on the search path",
            distribution=distribution,
            file=file,
            field="package",
        )
    site_dir, package_dir = located
    return _bind(meta, distribution, file, package_dir, site_dir, None)


def _read(file: str, distribution: str | None) -> bytes:
    from . import files
    from .metadata import MAX_BYTES

    try:
        return files.read_regular(file, MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidMetadata(
            f"cannot read pylink.json: {exc.strerror}", distribution=distribution, file=file
        ) from None


def _bind(
    meta: "Metadata",
    distribution: str,
    file: str,
    package_dir: str,
    site_dir: str,
    record: str | None,
) -> Provider:
    """Make the metadata's paths absolute, checking each stays where it must and exists."""
    from . import sharedlib  # only when a provider is read, not on a cached lookup

    real_package = os.path.realpath(package_dir)
    real_site = os.path.realpath(site_dir)
    recorded: set[str] | None = None

    def resolve(rel: str, field: str, want_dir: bool) -> str:
        nonlocal recorded
        joined = os.path.normpath(os.path.join(package_dir, rel))
        real = os.path.realpath(joined)
        if not _inside(real, real_package):
            # A library may live beside the package in a directory the same
            # distribution installed (auditwheel's <dist>.libs): check RECORD.
            if recorded is None:
                recorded = _record_files(record, distribution)
            rel_site = _posix_relpath(real, real_site)
            if want_dir or not _inside(real, real_site) or rel_site not in recorded:
                raise InvalidMetadata(
                    f"{rel!r} resolves to {real}, outside the package directory "
                    f"{real_package}"
                    + ("" if want_dir else " and not installed by this distribution"),
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

    libraries = []
    for i, lib in enumerate(meta.libraries):
        field = f"libraries[{i}].path"
        path = resolve(lib.path, field, want_dir=False)
        try:
            sharedlib.soname(path)
        except sharedlib.NotSharedLibrary as exc:
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
        libraries.append(Library(path=path, soname=lib.soname, kind=lib.kind))

    return Provider(
        name=meta.name,
        version=meta.version,
        abi=meta.abi,
        distribution=distribution,
        cmake_package=meta.cmake_package,
        cmake_target=meta.cmake_target,
        include_dirs=tuple(
            resolve(d, f"include_dirs[{i}]", want_dir=True) for i, d in enumerate(meta.include_dirs)
        ),
        libraries=tuple(libraries),
        defines=meta.defines,
        compile_args=meta.compile_args,
        link_args=meta.link_args,
        requires=meta.requires,
        python_abi=meta.python_abi,
        description=meta.description,
        metadata_file=file,
        package_dir=package_dir,
        site_dir=site_dir,
    )


def _visit(provider: Provider, index: _Index, order: list[Provider], stack: list[Provider]) -> None:
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
            _check_version(required, str(req.specifier), requested_by=(provider, i))
        _visit(required, index, order, stack)
    stack.pop()
    order.append(provider)


def _check_version(
    provider: Provider, spec: str, requested_by: tuple[Provider, int] | None
) -> None:
    from .versions import release_contains

    inside = release_contains(spec, provider.version)
    if inside is None:
        inside = _packaging_contains(spec, provider.version)
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
        recorded = _record_files(os.path.join(dist_info, "RECORD"))
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


def _packaging_contains(spec: str, version: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        raise VersionConflict(f"{spec!r} is not a PEP 440 version specifier") from None
    return wanted.contains(Version(version), prereleases=True)


def _record_files(record: str | None, distribution: str | None = None) -> set[str]:
    """Paths (relative to site-packages, ``/``-separated) listed in a RECORD file."""
    if record is None:
        return set()
    from . import files

    try:
        lines = files.read_regular(record).decode("utf-8", "replace").splitlines()
    except OSError:
        return set()
    import csv

    # RECORD is CSV; a path holding a comma is quoted. Paths are the first column.
    try:
        return {os.path.normpath(row[0]).replace(os.sep, "/") for row in csv.reader(lines) if row}
    except csv.Error as exc:
        raise InvalidMetadata(
            f"RECORD is not valid CSV: {exc}", distribution=distribution, file=record
        ) from None


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _posix_relpath(path: str, start: str) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")


def _unique(items: "Iterable[_T]") -> "tuple[_T, ...]":
    return tuple(dict.fromkeys(items))
