"""Reading files that other distributions installed, without trusting what they are, and
writing generated files so that no reader ever sees half of one."""

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


def read_regular(path: str, limit: int = -1, *, dir_fd: int | None = None) -> bytes:
    """Up to ``limit`` bytes (all when negative) of the regular file at ``path``
    (relative to the directory ``dir_fd``, if given).

    Reads with ``os.read``, once for a file that does not grow meanwhile: cheaper than
    ``open()``, and discovery calls this for every installed distribution.
    """
    fd = os.open(path, _FLAGS, dir_fd=dir_fd)
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


def peek(path: str, size: int, *, dir_fd: int | None = None) -> bytes:
    """Up to ``size`` bytes from the start of the file at ``path``, in one read and without
    the checks of :func:`read_regular` (an ``fstat`` costs more than the read): for a
    first look at many files. A named pipe gives what it holds (the descriptor does not
    block), a device up to ``size`` bytes, a directory OSError; read what you keep again
    with :func:`read_regular`."""
    fd = os.open(path, _FLAGS, dir_fd=dir_fd)
    try:
        return os.read(fd, size)
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
