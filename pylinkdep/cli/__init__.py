"""The ``pylinkdep`` command: a pkg-config style query (:mod:`.query`) or a subcommand
(:mod:`.commands`, one registry)."""

import sys

from ..errors import PylinkError
from .messages import report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def main(argv: "Sequence[str] | None" = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and not args[0].startswith("-"):  # a subcommand, or a query's first name
            from .commands import COMMANDS

            if args[0] in COMMANDS:
                return COMMANDS[args[0]].run(args[1:])
        from . import query

        return query.run(args)
    except PylinkError as exc:
        report(exc)
        return 1
