"""Version questions inside pylinkdep (PEP 440), all answered by ``packaging``.

Imported only where a version question is asked: ``packaging`` costs a lookup more to
import than the rest of its work. (Whether ``version`` lies inside ``abi``, asked of every
pylink.json, is answered by :func:`pylinkdep.runtime.version_in`, the evaluator consumers
carry at run time.)"""

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

Bound = tuple[Version, bool] | None
"""A bound of an interval: (version, inclusive); None when unbounded."""

__all__ = ["Bound", "InvalidSpecifier", "InvalidVersion", "SpecifierSet", "Version"]


def contains(spec: str, version: str) -> bool:
    """Whether the specifier set ``spec`` allows ``version`` (pre-releases included).
    InvalidSpecifier or InvalidVersion for text that is not PEP 440."""
    return SpecifierSet(spec).contains(Version(version), prereleases=True)


def release(version: str) -> tuple[int, ...]:
    """The release numbers of a version: ``1.2.0rc1`` -> ``(1, 2, 0)``."""
    return Version(version).release


def past_prefix(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """The first release after every release that starts with ``numbers``:
    ``(1, 2)`` -> ``(1, 3)`` (what ``==1.2.*`` and ``~=1.2.0`` stay below)."""
    return (*numbers[:-1], numbers[-1] + 1)


def dotted(numbers: tuple[int, ...]) -> str:
    """``(1, 2)`` -> ``'1.2'``."""
    return ".".join(map(str, numbers))


def interval(spec: SpecifierSet) -> tuple[Bound, Bound]:
    """The lowest and highest versions ``spec`` allows (``!=`` clauses ignored), by
    ``packaging``'s rules for ``~=`` and ``==X.*``. On a tie between equal versions the
    exclusive bound wins; between two inclusive (or two exclusive) ones, the first."""
    lo: Bound = None
    hi: Bound = None
    for clause in spec:
        op, text = clause.operator, clause.version
        bounds: list[tuple[str, Version, bool]] = []
        if op == "!=":
            continue
        if text.endswith(".*"):  # ==1.2.* -> >=1.2, <1.3
            numbers = Version(text[:-2]).release
            bounds += [("lo", Version(dotted(numbers)), True)]
            bounds += [("hi", Version(dotted(past_prefix(numbers))), False)]
        elif op in (">=", ">"):
            bounds += [("lo", Version(text), op == ">=")]
        elif op in ("<=", "<"):
            bounds += [("hi", Version(text), op == "<=")]
        elif op in ("==", "==="):
            bounds += [("lo", Version(text), True), ("hi", Version(text), True)]
        elif op == "~=":  # ~=1.2.3 -> >=1.2.3, <1.3
            version = Version(text)
            bounds += [("lo", version, True)]
            bounds += [("hi", Version(dotted(past_prefix(version.release[:-1]))), False)]
        for side, version, inclusive in bounds:
            if side == "lo" and (lo is None or (version, not inclusive) > (lo[0], not lo[1])):
                lo = version, inclusive
            if side == "hi" and (hi is None or (version, inclusive) < hi):
                hi = version, inclusive
    return lo, hi


def upper_bound(abi: str) -> tuple[str | None, bool]:
    """The lowest upper bound of an ABI range, as release numbers, and whether it is
    inclusive: ``<2`` -> ``("2", False)``; ``<=1.9`` -> ``("1.9", True)``; ``~=1.2`` and
    ``==1.*`` -> ``("2", False)``; ``==1.2.0`` -> ``("1.2.0", True)``."""
    _, highest = interval(SpecifierSet(abi))
    if highest is None:
        return None, False
    return dotted(highest[0].release), highest[1]
