"""PEP 440 containment without importing ``packaging`` in the usual case.

Versions are usually plain release numbers (``1.2.0``) and ABI ranges plain comparisons
(``>=1.2,<2``). Between such versions, PEP 440 order is the order of the release numbers
with trailing zeros ignored (the rules about pre-, post- and local releases have nothing
to act on), so ``packaging``, slow to import, is left for everything else.
"""

from __future__ import annotations

import re

_RELEASE = re.compile(r"\d+(?:\.\d+)*")
_CLAUSE = re.compile(r"\s*(==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)\s*")
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
    if not _RELEASE.fullmatch(version):
        return None
    key = _key(version)
    inside = True
    for clause in spec.split(","):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return None
        op, other = match.groups()
        inside = _COMPARE[op](key, _key(other)) and inside
    return inside


def _key(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)
