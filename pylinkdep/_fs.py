"""Files and paths: bounded reads of files other distributions installed, atomic writes,
path containment, ``/``-separated relative paths and pylinkdep's cache directory."""

import errno
import io
import itertools
import os
import stat

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe must not block the reader
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def open_regular(path: str) -> io.BufferedReader:
    """Open the regular file at ``path`` for binary reading; OSError for anything else
    (see :func:`read_regular`)."""
    f = open(os.open(path, _FLAGS), "rb")
    if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
        f.close()
        raise OSError(errno.EINVAL, "not a regular file", path)
    return f


def read_regular(path: str, limit: int, *, dir_fd: int | None = None) -> bytes:
    """Up to ``limit`` bytes of the regular file at ``path`` (relative to the directory
    ``dir_fd``, if given).

    OSError for anything but a regular file: missing, unreadable, a directory, a named
    pipe or a device (``/dev/zero`` never ends).
    """
    fd = os.open(path, _FLAGS, dir_fd=dir_fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        # A byte more than the file holds: a short read is its end, in one read as a rule.
        chunks = [os.read(fd, min(limit, st.st_size + 1))]
        size = len(chunks[0])
        while size < limit and size > st.st_size:  # the file grew since fstat
            chunk = os.read(fd, min(limit - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_dir(path: str) -> int | None:
    """A descriptor of the directory at ``path``, to open and test files relative to (a
    short path walk per file instead of the whole path), or None on platforms that do
    not support this (Windows). The caller closes it; OSError if it cannot be opened."""
    if not (
        os.open in os.supports_dir_fd
        and os.access in os.supports_dir_fd
        and os.listdir in os.supports_fd
    ):
        return None
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))


_serial = itertools.count()


def write_atomic(path: str, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a new hidden file in the same directory, renamed
    over ``path``: readers, and other processes writing the same file, see the old file
    or a whole new one. The file gets ``mode`` whatever the umask. OSError on failure,
    with the temporary file removed."""
    directory, name = os.path.split(path)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}-{next(_serial)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        with os.fdopen(fd, "wb") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def inside(path: str, directory: str, sep: str = os.sep) -> bool:
    """Whether ``path`` is ``directory`` or below it (both normalized, same kind)."""
    return path == directory or path.startswith(directory.rstrip(sep) + sep)


def posix_relpath(path: str, start: str) -> str:
    """``path`` relative to ``start``, with ``/`` separators."""
    return os.path.relpath(path, start).replace(os.sep, "/")


def cache_dir(*parts: str) -> str:
    """pylinkdep's cache directory (joined with ``parts``): ``$PYLINKDEP_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/pylinkdep``, else ``~/.cache/pylinkdep``. A relative value of either
    variable is ignored, as the XDG Base Directory rules say."""
    base = os.environ.get("PYLINKDEP_CACHE_DIR", "")
    if not os.path.isabs(base):
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        root = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(root, "pylinkdep")
    return os.path.join(base, *parts)
