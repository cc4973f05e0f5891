"""Reading files that other distributions installed, without trusting what they are."""

from __future__ import annotations

import errno
import io
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
    """Up to ``limit`` bytes (all when negative) of the regular file at ``path``."""
    with open_regular(path) as f:
        return f.read(limit)
