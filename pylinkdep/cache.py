"""A cache of lookups, so that a build's repeated ``pylinkdep`` calls skip the scan.

One file per environment (search path, PYLINK_PATH, Python and pylinkdep versions) in
``$PYLINKDEP_CACHE_DIR``, else ``$XDG_CACHE_HOME/pylinkdep``, else ``~/.cache/pylinkdep``;
``PYLINKDEP_NO_CACHE=1`` turns it off. What it holds is used only while

- every search-path and PYLINK_PATH directory is as it was (installing, upgrading or
  removing a distribution adds or removes entries there, which changes its
  modification time), and
- every file an answer was read from or points to (pylink.json, libraries, include
  directories) has the same modification time, size and inode.

Nothing that changed in the last two seconds is stored, since a later change could keep
the same time stamp on a coarse clock. The file is replaced atomically and read only
when the current user owns it and nobody else may write it; a missing, read-only or
broken cache means no cache, never an error. The format is ``marshal``, as for .pyc
files: importing ``json`` would cost more than a cached lookup takes.
"""

import marshal
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    Stat = tuple[int, int, int, int] | None

FORMAT = 1
RACY_NS = 2_000_000_000


class Lookups:
    """The cached lookups of one search path (``sys.path`` when None).

    ``names`` is every provider name the last scan found (None when unknown);
    ``get(key)`` gives the stored answer for a name while it is still valid.
    """

    def __init__(self, path: "Sequence[str] | None") -> None:
        search = [os.path.abspath(p or ".") for p in (sys.path if path is None else path)]
        overlays = [
            os.path.abspath(d) for d in os.environ.get("PYLINK_PATH", "").split(os.pathsep) if d
        ]
        # Taken before any scan, so that a change during the scan invalidates it.
        self.dirs = tuple((d, _stat(d)) for d in search + overlays)
        self.key = repr((FORMAT, sys.version, search, overlays))
        self.names: frozenset[str] | None = None
        self.results: dict[str, tuple[object, tuple[tuple[str, Stat], ...]]] = {}
        directory = cache_dir()
        self.file = directory and os.path.join(directory, f"lookups-{_digest(self.key):016x}")
        if self.file:
            self._read(self.file)

    def get(self, key: str) -> object | None:
        """The answer stored for ``key``, if every file it depends on is unchanged."""
        try:
            answer, files = self.results[key]
            return answer if all(_stat(f) == s for f, s in files) else None
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, names: "Iterable[str]", key: str, answer: object, files: "Iterable[str]") -> None:
        """Store the names a scan found and, unless None, the ``answer`` for ``key``."""
        if not self.file or any(_racy(s) for _, s in self.dirs):
            return
        self.names = frozenset(names)
        stats = tuple((f, _stat(f)) for f in files)
        if answer is not None and not any(s is None or _racy(s) for _, s in stats):
            self.results[key] = (answer, stats)
        data = (self.key, self.dirs, tuple(sorted(self.names)), self.results)
        _write_private(self.file, marshal.dumps(data))

    def _read(self, file: str) -> None:
        try:
            with open(file, "rb") as f:
                if not _trusted(os.fstat(f.fileno())):
                    return
                data = marshal.loads(f.read())
            key, dirs, names, results = data
            if key == self.key and dirs == self.dirs and isinstance(results, dict):
                self.names = frozenset(names)
                self.results = results
        except (OSError, EOFError, ValueError, TypeError):
            return


def cache_dir() -> str | None:
    """Where cache files go, or None when caching is off or no place is known."""
    if os.environ.get("PYLINKDEP_NO_CACHE"):
        return None
    if os.environ.get("PYLINKDEP_CACHE_DIR"):
        return os.environ["PYLINKDEP_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.expanduser(os.path.join("~", ".cache"))
    return os.path.join(base, "pylinkdep") if os.path.isabs(base) else None


def _stat(path: str) -> "Stat":
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_mode)


def _racy(stat: "Stat") -> bool:
    """Changed so recently that a further change might keep the same time stamp."""
    return stat is not None and stat[0] > time.time_ns() - RACY_NS


def _trusted(st: os.stat_result) -> bool:
    """Owned by the current user and writable by nobody else."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _write_private(file: str, data: bytes) -> None:
    """Write the cache file (mode 0600); a cache that cannot be written is no cache."""
    from . import files  # only when writing: not on a cached lookup

    try:
        os.makedirs(os.path.dirname(file), mode=0o700, exist_ok=True)
        files.write_atomic(file, data, mode=0o600)
    except OSError:
        pass


def _digest(text: str) -> int:
    """A stable 64-bit file name for the key (``hash()`` differs between processes): the
    key's bytes as one integer, modulo the largest 64-bit prime, computed in C. A clash
    only costs a miss, since the file holds the whole key."""
    return int.from_bytes(text.encode("utf-8", "surrogateescape"), "little") % _PRIME


_PRIME = 2**64 - 59
