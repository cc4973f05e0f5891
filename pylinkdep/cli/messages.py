"""How the command line reports problems: one line on stderr each."""

import contextlib
import sys

from ..errors import PylinkError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters backslash-escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def report(exc: PylinkError) -> None:
    """``pylinkdep: error: ...`` on stderr, whatever characters the message quotes."""
    print(f"pylinkdep: error: {one_line(str(exc))}", file=sys.stderr)


def warn(problem: PylinkError) -> None:
    """``pylinkdep: warning: ...`` on stderr."""
    print(f"pylinkdep: warning: {one_line(str(problem))}", file=sys.stderr)


@contextlib.contextmanager
def writing(target: str) -> "Iterator[None]":
    """Turn an OSError while writing ``target`` into one PylinkError line."""
    try:
        yield
    except OSError as exc:
        message = f"cannot write {exc.filename or target}: {exc.strerror}"
        raise PylinkError(message, file=target) from None
