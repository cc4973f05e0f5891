"""Where providers' metadata comes from: ``pylink`` entry points in the dist-info
directories of the search path, and ``PYLINK_PATH`` overlays.

Reads ``*.dist-info/entry_points.txt`` files directly, each bounded: no
``importlib.metadata`` (it scans every distribution's metadata), and never an import of
provider code.
"""

import os
import sys

from . import _fs
from ._value import Frozen, frozen
from .errors import InvalidMetadata
from .metadata import normalize_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

GROUP = "pylink"
OVERLAY_SUFFIX = ".pylink.json"
ENTRY_POINTS_MAX = 1 << 20
"""The largest entry_points.txt read; a longer one with a ``[pylink]`` section is refused."""
_SECTION = f"[{GROUP}]".encode()


@frozen
class Source(Frozen):
    """Where one provider's metadata comes from, before the metadata is read.

    For an entry point, ``value`` is the package named by it and ``origin`` the
    dist-info directory; for an overlay, ``origin`` is the overlay file and
    ``value`` is empty until the file is read.
    """

    name: str
    value: str
    distribution: str
    origin: str
    site_dir: str

    @property
    def key(self) -> str:
        return normalize_name(self.name)


def search_path(path: "Sequence[str] | None" = None) -> list[str]:
    """The directories to scan: ``path`` or ``sys.path``, existing directories only."""
    dirs = sys.path if path is None else path
    return [os.path.abspath(p or ".") for p in dirs if os.path.isdir(p or ".")]


def overlay_dirs() -> list[str]:
    """The directories listed in PYLINK_PATH, in order, made absolute."""
    return [os.path.abspath(d) for d in os.environ.get("PYLINK_PATH", "").split(os.pathsep) if d]


def entry_point_sources(
    dirs: "Sequence[str]", errors: "list[InvalidMetadata]"
) -> "Iterator[Source]":
    """Every ``pylink`` entry point, in search-path order; an entry_points.txt that
    cannot be read goes to ``errors``, and the scan goes on.

    A distribution found again in a later directory is shadowed, as for imports.
    """
    seen: set[str] = set()
    for site_dir in dirs:
        try:
            found = _pylink_sections(site_dir, seen)
        except OSError:  # not a readable directory
            continue
        for entry, data in found:
            dist_info = os.path.join(site_dir, entry)
            distribution = _distribution_name(dist_info) or entry.split("-")[0]
            try:
                pairs = parse_entry_points(data, dist_info, distribution)
            except InvalidMetadata as exc:
                errors.append(exc)
                continue
            for name, value in pairs:
                yield Source(
                    name=name,
                    value=value,
                    distribution=distribution,
                    origin=dist_info,
                    site_dir=site_dir,
                )


def _pylink_sections(site_dir: str, seen: set[str]) -> list[tuple[str, bytes]]:
    """The ``*.dist-info`` entries of ``site_dir`` whose entry_points.txt has a
    ``[pylink]`` section, with its bytes; distributions in ``seen`` (earlier directories)
    are skipped, and this directory's are added to it."""
    dir_fd = _fs.open_dir(site_dir)
    prefix = "" if dir_fd is not None else site_dir + os.sep
    try:
        listed = os.listdir(site_dir if dir_fd is None else dir_fd)
        found = []
        for entry in sorted(e for e in listed if e.endswith(".dist-info")):
            dist_key = normalize_name(entry[: -len(".dist-info")].partition("-")[0])
            if dist_key in seen:
                continue
            seen.add(dist_key)
            file = prefix + entry + os.sep + "entry_points.txt"
            # Most distributions have none: access() says so without raising an exception.
            if not os.access(file, os.F_OK, dir_fd=dir_fd):
                continue
            try:
                data = _fs.read_regular(file, ENTRY_POINTS_MAX + 1, dir_fd=dir_fd)
            except OSError:
                continue
            if _SECTION in data:
                found.append((entry, data))
        return found
    finally:
        if dir_fd is not None:
            os.close(dir_fd)


def overlay_sources(dirs: "Sequence[str]") -> "Iterator[Source]":
    """The PYLINK_PATH overlays ``<dir>/<name>.pylink.json`` of ``dirs``, in order."""
    for directory in dirs:
        try:
            names = sorted(f for f in os.listdir(directory) if f.endswith(OVERLAY_SUFFIX))
        except OSError:
            continue
        for file in names:
            path = os.path.join(directory, file)
            if os.path.isfile(path):
                yield Source(
                    name=file[: -len(OVERLAY_SUFFIX)],
                    value="",
                    distribution="",
                    origin=path,
                    site_dir="",
                )


def find_dist_info(site_dir: str, distribution: str) -> str | None:
    """The ``*.dist-info`` directory of ``distribution`` in ``site_dir``, if one is there."""
    key = normalize_name(distribution)
    try:
        entries = sorted(os.listdir(site_dir))
    except OSError:
        return None
    for entry in entries:
        if entry.endswith(".dist-info") and normalize_name(entry.partition("-")[0]) == key:
            return os.path.join(site_dir, entry)
    return None


def dist_info_version(dist_info: str) -> str:
    """The version in a dist-info directory's name (``foo-1.2.0.dist-info``: ``1.2.0``),
    as the installer wrote it."""
    return os.path.basename(dist_info)[: -len(".dist-info")].partition("-")[2]


def find_package_dir(package: str, first: str, dirs: "Sequence[str]") -> tuple[str, str] | None:
    """Locate the directory of an importable package without importing it.

    Looks in ``first`` (the entry point's own site directory) before ``dirs``.
    Returns ``(site_dir, package_dir)``.
    """
    parts = package.split(".")
    for site_dir in ([first] if first else []) + list(dirs):
        candidate = os.path.join(site_dir, *parts)
        if os.path.isdir(candidate):
            return site_dir, candidate
    return None


def parse_entry_points(
    data: bytes, dist_info: str, distribution: str | None = None
) -> list[tuple[str, str]]:
    """The ``name = value`` pairs of the ``[pylink]`` section of entry_points.txt."""
    if _SECTION not in data:
        return []
    file = os.path.join(dist_info, "entry_points.txt")
    if len(data) > ENTRY_POINTS_MAX:
        raise InvalidMetadata(
            f"file is larger than {ENTRY_POINTS_MAX} bytes", distribution=distribution, file=file
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidMetadata(f"not UTF-8: {exc}", distribution=distribution, file=file) from None
    pairs: list[tuple[str, str]] = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == GROUP:
            name, sep, value = line.partition("=")
            if not sep:
                raise InvalidMetadata(
                    f"malformed line {raw!r}", distribution=distribution, file=file, field=GROUP
                )
            pairs.append((name.strip(), value.strip()))
    return pairs


def _distribution_name(dist_info: str) -> str | None:
    """The ``Name:`` header of a dist-info's METADATA."""
    try:
        head = _fs.read_regular(os.path.join(dist_info, "METADATA"), 1 << 16)
    except OSError:
        return None
    for line in head.decode("utf-8", "replace").splitlines():
        if line.startswith("Name:"):
            return line[5:].strip()
        if not line.strip():
            break
    return None
