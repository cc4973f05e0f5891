"""How the command line reports problems: one line on stderr each."""

import sys

from ..errors import PylinkError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters backslash-escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def report(exc: PylinkError) -> None:
    """``pylinkdep: error: ...`` on stderr, whatever characters the message quotes."""
    print(f"pylinkdep: error: {one_line(str(exc))}", file=sys.stderr)


def warn(problem: PylinkError) -> None:
    """``pylinkdep: warning: ...`` on stderr."""
    print(f"pylinkdep: warning: {one_line(str(problem))}", file=sys.stderr)


class writing:
    """Turn an OSError while writing ``target`` into one PylinkError line (a class, not
    ``contextlib.contextmanager``, whose import the query would pay)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: "type[BaseException] | None",
        exc: BaseException | None,
        tb: "TracebackType | None",
    ) -> None:
        if isinstance(exc, OSError):
            message = f"cannot write {exc.filename or self.target}: {exc.strerror}"
            raise PylinkError(message, file=self.target) from None
