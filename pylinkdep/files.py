"""Reading files that other distributions installed, without trusting what they are."""

from __future__ import annotations

import errno
import os
import stat

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe must not block the reader
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_regular(path: str, limit: int = -1) -> bytes:
    """Up to ``limit`` bytes (all when negative) of the regular file at ``path``.

    OSError for anything else: missing, unreadable, a directory, a named pipe or a
    device (``/dev/zero`` never ends).
    """
    with open(os.open(path, _FLAGS), "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        return f.read(limit)
