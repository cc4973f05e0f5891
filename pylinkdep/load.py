"""Read providers from the search path, for what the lookup cache cannot answer: the index
of pylink sources by name, each provider's pylink.json with its paths made absolute and
checked, and the walk of its requires."""

import os

from . import discovery, files, sharedlib
from .errors import DependencyCycle, DuplicateProvider, InvalidMetadata
from .metadata import MAX_BYTES, PACKAGE_PATTERN, Metadata, parse
from .names import normalize_name
from .resolve import Library, Provider, check_version, not_found, posix_relpath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Index:
    """The sources on one search path, by normalized name; reads each provider once."""

    def __init__(self, path: "Sequence[str] | None") -> None:
        self.dirs = discovery.search_path(path)
        self.overlay_dirs = discovery.overlay_dirs()
        self.sources: dict[str, list[discovery.Source]] = {}
        for source in discovery.entry_point_sources(self.dirs):
            self.sources.setdefault(source.key, []).append(source)
        self.cache: dict[str, Provider] = {}

    def keys(self) -> set[str]:
        overlays = discovery.overlay_sources(self.overlay_dirs)
        return set(self.sources) | {s.key for s in overlays}

    def get(self, name: str, requested_by: Provider | None) -> Provider:
        key = normalize_name(name)
        if key not in self.cache:
            self.cache[key] = self._load(name, key, requested_by)
        return self.cache[key]

    def _load(self, name: str, key: str, requested_by: Provider | None) -> Provider:
        for overlay in discovery.overlay_sources(self.overlay_dirs):
            if overlay.key == key:
                return _load_overlay(overlay, self.dirs)
        sources = self.sources.get(key, [])
        if not sources:
            raise not_found(name, requested_by)
        if len(sources) > 1:
            listed = "; ".join(f"{s.distribution} ({s.origin})" for s in sources)
            raise DuplicateProvider(
                f"{len(sources)} distributions provide {name!r}: {listed}; uninstall all but one",
                distribution=sources[0].distribution,
                file=os.path.join(sources[0].origin, "entry_points.txt"),
                field=f"{discovery.GROUP}.{sources[0].name}",
            )
        return _load_entry_point(sources[0], self.dirs)


def _load_entry_point(source: discovery.Source, dirs: list[str]) -> Provider:
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


def _load_overlay(source: discovery.Source, dirs: list[str]) -> Provider:
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
    try:
        return files.read_regular(file, MAX_BYTES + 1)
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
) -> Provider:
    """Make the metadata's paths absolute, checking each stays where it must and exists."""
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
            rel_site = posix_relpath(real, real_site)
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


def _record_files(record: str | None, distribution: str | None = None) -> set[str]:
    """Paths (relative to site-packages, ``/``-separated) listed in a RECORD file."""
    if record is None:
        return set()
    try:
        lines = files.read_regular(record).decode("utf-8", "replace").splitlines()
    except OSError:
        return set()
    import csv  # only for a library outside the package directory, or a hint

    # RECORD is CSV; a path holding a comma is quoted. Paths are the first column.
    try:
        return {os.path.normpath(row[0]).replace(os.sep, "/") for row in csv.reader(lines) if row}
    except csv.Error as exc:
        raise InvalidMetadata(
            f"RECORD is not valid CSV: {exc}", distribution=distribution, file=record
        ) from None


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
