"""PEP 440 containment without importing ``packaging`` in the usual case.

Versions are usually plain release numbers (``1.2.0``) and ABI ranges plain comparisons
(``>=1.2,<2``). Between such versions, PEP 440 order is the order of the release numbers
with trailing zeros ignored (the rules about pre-, post- and local releases have nothing
to act on), so ``packaging``, slow to import, is left for everything else.
"""

from __future__ import annotations

# Parsed with str methods: compiling regular expressions costs more than a cached lookup.
_OPERATORS = ("~=", "==", "!=", "<=", ">=", "<", ">")  # longest first
_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}


def release_contains(spec: str, version: str) -> bool | None:
    """Whether the specifier set ``spec`` contains ``version``, when both are of the plain
    kind; None otherwise (then ask ``packaging``)."""
    numbers = release(version)
    if numbers is None:
        return None
    key = release_key(numbers)
    inside = True
    for clause in spec.split(","):
        op, other = split_clause(clause) or ("", "")
        bound = release(other)
        if op not in _COMPARE or bound is None:
            return None
        inside = _COMPARE[op](key, release_key(bound)) and inside
    return inside


def split_clause(clause: str) -> tuple[str, str] | None:
    """``" >= 1.2 "`` -> ``(">=", "1.2")``: a clause's operator and the text after it,
    whitespace stripped; None when it starts with no comparison operator."""
    text = clause.strip()
    for op in _OPERATORS:
        if text.startswith(op):
            return op, text[len(op) :].strip()
    return None


def release(version: str) -> tuple[int, ...] | None:
    """The numbers of a plain release version (``1.2.0`` -> ``(1, 2, 0)``); None for any
    other version (then ask ``packaging``)."""
    parts = version.split(".")
    # ASCII digits only, as packaging takes: str.isdigit alone takes "²" and Arabic digits.
    if not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def release_key(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """Release numbers in PEP 440 order: trailing zeros ignored (``1.2.0`` == ``1.2``)."""
    parts = list(numbers)
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)
