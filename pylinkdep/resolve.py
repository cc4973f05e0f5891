"""Resolve dependency names to installed providers: paths, versions, transitive requires.

The lookup path must start fast (a build system runs it once per dependency), so this
module holds only what a cached lookup needs; reading providers from disk (load.py:
discovery, pylink.json, library checks) and ``packaging`` are imported when the cache
cannot answer or a version range needs them."""

import os
import sys

from . import cache
from .errors import (
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

    from .metadata import LibraryKind

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
        return posix_relpath(self.package_dir, self.site_dir)

    def library_relpaths(self) -> tuple[str, ...]:
        """Each library's directory relative to the site-packages root, without repeats."""
        dirs = (posix_relpath(os.path.dirname(lib.path), self.site_dir) for lib in self.libraries)
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
            raise not_found(name, None)
        order = _resolve(name, key, version, path, lookups)
    elif version is not None:
        check_version(order[0], version, requested_by=None)
    return Dependency(provider=order[0], requires=order[1:])


def _resolve(
    name: str, key: str, version: str | None, path: "Sequence[str] | None", lookups: cache.Lookups
) -> tuple[Provider, ...]:
    """``name`` and its transitive requires in link order, read from disk and cached."""
    from . import load

    index = load.Index(path)
    try:
        provider = index.get(name, None)
    except ProviderNotFound:
        lookups.put(index.keys(), key, None, ())
        raise
    if version is not None:
        check_version(provider, version, requested_by=None)
    order = load.link_order(provider, index)
    files = [f for p in order for f in p.files()]
    lookups.put(index.keys(), key, tuple(_encode(p) for p in order), files)
    return order


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
    from . import load

    index = load.Index(path)
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


def not_found(name: str, requested_by: Provider | None) -> ProviderNotFound:
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


def check_version(provider: Provider, spec: str, requested_by: tuple[Provider, int] | None) -> None:
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


def _packaging_contains(spec: str, version: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        raise VersionConflict(f"{spec!r} is not a PEP 440 version specifier") from None
    return wanted.contains(Version(version), prereleases=True)


def posix_relpath(path: str, start: str) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")


def _unique(items: "Iterable[_T]") -> "tuple[_T, ...]":
    return tuple(dict.fromkeys(items))
