"""PEP 440 containment without importing ``packaging`` in the usual case.

Versions are usually plain release numbers (``1.2.0``) and ABI ranges plain comparisons
(``>=1.2,<2``). Between such versions, PEP 440 order is the order of the release numbers
with trailing zeros ignored (the rules about pre-, post- and local releases have nothing
to act on), so ``packaging``, slow to import, is left for everything else.
"""

from __future__ import annotations

import re

# [0-9], not \d: packaging takes ASCII digits only.
_RELEASE = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_CLAUSE = re.compile(r"\s*(==|!=|<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)*)\s*")
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
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return None
        op, other = match.groups()
        inside = _COMPARE[op](key, release_key(_numbers(other))) and inside
    return inside


def release(version: str) -> tuple[int, ...] | None:
    """The numbers of a plain release version (``1.2.0`` -> ``(1, 2, 0)``); None for any
    other version (then ask ``packaging``)."""
    return _numbers(version) if _RELEASE.fullmatch(version) else None


def release_key(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """Release numbers in PEP 440 order: trailing zeros ignored (``1.2.0`` == ``1.2``)."""
    parts = list(numbers)
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split("."))
