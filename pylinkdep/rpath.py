"""Run paths: from where a consumer's extension is installed to a provider's library, and
the linker arguments that carry them (every integration builds them here).

Both places are given relative to their site-packages root, with ``/``: a consumer
extension installed as ``site-packages/consumer/sub/_ext.so`` has the subdirectory
``consumer/sub``; a provider library ``site-packages/prov/libprov.so.1`` has ``prov``.
The result assumes both are installed under the same root, as pip does.
"""

import posixpath
import sys

from .metadata import CONTROL

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

ORIGIN = {"linux": "$ORIGIN", "darwin": "@loader_path"}
# ',' ends a -Wl, argument, ':' separates run path entries, ';' CMake's INSTALL_RPATH
# items (which do not split inside '[ ]'), '$' starts a loader token ($ORIGIN, $LIB); a
# control character (a line break, NUL) ends the value in the files that carry it.
_UNSAFE = ",:;[]$"
_UNSAFE_NAMES = "',', ':', ';', '[', ']', '$' or a control character"


__all__ = ["carried", "linker_args", "origin_token", "relative_rpath"]


def origin_token(platform: str | None = None) -> str:
    """``$ORIGIN`` on ELF platforms, ``@loader_path`` on macOS.

    Windows has no run path (the loader reuses a DLL already loaded by name, or
    searches directories added with ``os.add_dll_directory``): ValueError.
    """
    platform = platform or sys.platform
    if platform == "win32" or platform == "cygwin":
        raise ValueError("Windows has no run path: load the provider's DLL first instead")
    return ORIGIN.get(platform, "$ORIGIN")


def relative_rpath(consumer_subdir: str, library_dir: str, platform: str | None = None) -> str:
    """The run path entry that reaches ``library_dir`` from ``consumer_subdir``.

    >>> relative_rpath("consumer/sub", "prov")
    '$ORIGIN/../../prov'
    """
    start = _site_relative(consumer_subdir, "consumer_subdir")
    target = _site_relative(library_dir, "library_dir")
    rel = posixpath.relpath(target, start)
    token = origin_token(platform)
    return token if rel == "." else f"{token}/{rel}"


def _site_relative(path: str, what: str) -> str:
    """Normalize a path relative to site-packages; refuse one that leaves it."""
    if "\\" in path or path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        raise ValueError(f"{what} {path!r} must be relative to site-packages, with '/'")
    if not carried(path):
        raise ValueError(f"{what} {path!r}: a run path cannot hold {_UNSAFE_NAMES}")
    norm = posixpath.normpath(path or ".")
    if norm == ".." or norm.startswith("../"):
        raise ValueError(f"{what} {path!r} leaves site-packages")
    return norm


def carried(path: str) -> bool:
    """Whether a directory relative to site-packages can be written in a run path and in
    the ``-Wl,-rpath,`` argument that carries it, and read back as the same directory."""
    return not any(c in path for c in _UNSAFE) and not CONTROL.search(path)


def linker_args(entries: "Iterable[str]") -> list[str]:
    """The linker arguments that give a binary the run path ``entries``, in order."""
    return [f"-Wl,-rpath,{entry}" for entry in entries]
