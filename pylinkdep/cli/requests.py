"""Requests as pkg-config takes them: ``NAME``, ``NAME OP VERSION`` (one argument or three)."""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import NoReturn

OPERATORS = ("<=", ">=", "!=", "==", "<", ">", "=")
"""Version operators of a request, longest first; pkg-config's ``=`` is PEP 440's ``==``."""


def parse_requests(
    tokens: "Sequence[str]", error: "Callable[[str], NoReturn]"
) -> list[tuple[str, list[str]]]:
    """``['foo', '>=', '1.2', 'bar>=2']`` -> ``[('foo', ['>=1.2']), ('bar', ['>=2'])]``."""
    requests: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].strip()
        # 'foo >= 1.2' in one argument, or 'foo>=1.2'
        for op in OPERATORS:
            name, sep, version = token.partition(op)
            if sep and name.strip():
                requests.append((name.strip(), [_specifier(op, version.strip())]))
                break
        else:
            if i + 2 < len(tokens) and tokens[i + 1] in OPERATORS:
                requests.append((token, [_specifier(tokens[i + 1], tokens[i + 2])]))
                i += 2
            elif token in OPERATORS:
                error(f"{token!r} needs a package name before it and a version after it")
            else:
                requests.append((token, []))
        i += 1
    return requests


def _specifier(op: str, version: str) -> str:
    return f"{'==' if op == '=' else op}{version}"
