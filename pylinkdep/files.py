"""Reading files that other distributions installed, without trusting what they are, and
writing generated files so that no reader ever sees half of one."""

from __future__ import annotations

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
    """Open the regular file at ``path`` for binary reading.

    OSError for anything else: missing, unreadable, a directory, a named pipe or a
    device (``/dev/zero`` never ends).
    """
    f = open(os.open(path, _FLAGS), "rb")
    if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
        f.close()
        raise OSError(errno.EINVAL, "not a regular file", path)
    return f


def read_regular(path: str, limit: int = -1) -> bytes:
    """Up to ``limit`` bytes (all when negative) of the regular file at ``path``.

    Reads with ``os.read``, once for a file that does not grow meanwhile: cheaper than
    ``open()``, and discovery calls this for every installed distribution.
    """
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        size = st.st_size
        # A byte more than the file holds: a short read is its end, the usual single read.
        data = os.read(fd, size + 1 if limit < 0 else min(limit, size + 1))
        while len(data) > size and len(data) != limit:  # the file grew since fstat
            more = os.read(fd, 1 << 16 if limit < 0 else min(1 << 16, limit - len(data)))
            if not more:
                break
            data += more
        return data
    finally:
        os.close(fd)


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
