"""How the command line reports problems: one line on stderr each."""

import sys

from ..errors import PylinkError


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters backslash-escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def report(exc: PylinkError) -> None:
    """``pylinkdep: error: ...`` on stderr, whatever characters the message quotes."""
    print(f"pylinkdep: error: {one_line(str(exc))}", file=sys.stderr)


def warn(problem: PylinkError) -> None:
    """``pylinkdep: warning: ...`` on stderr."""
    print(f"pylinkdep: warning: {one_line(str(problem))}", file=sys.stderr)
