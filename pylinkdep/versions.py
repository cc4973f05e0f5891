"""PEP 440 containment without importing ``packaging`` in the usual case.

Versions are usually plain release numbers (``1.2.0``) and ABI ranges plain comparisons
(``>=1.2,<2``). Between such versions, PEP 440 order is the order of the release numbers
with trailing zeros ignored (the rules about pre-, post- and local releases have nothing
to act on), so ``packaging``, slow to import, is left for everything else.
"""

TYPE_CHECKING = False  # no typing import: this module is on the lookup path
if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    Bound = tuple[Version, bool] | None
    """A bound of an interval: (version, inclusive); None when unbounded."""

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


def past_prefix(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """The first release after every release that starts with ``numbers``:
    ``(1, 2)`` -> ``(1, 3)`` (what ``==1.2.*`` and ``~=1.2.0`` stay below)."""
    return (*numbers[:-1], numbers[-1] + 1)


def interval(spec: "SpecifierSet") -> "tuple[Bound, Bound]":
    """The lowest and highest versions ``spec`` allows (``!=`` clauses ignored), by
    ``packaging``'s rules for ``~=`` and ``==X.*``. On a tie between equal versions the
    exclusive bound wins; between two inclusive (or two exclusive) ones, the first."""
    from packaging.version import Version

    lo: Bound = None
    hi: Bound = None
    for clause in spec:
        op, text = clause.operator, clause.version
        bounds: list[tuple[str, Version, bool]] = []
        if op == "!=":
            continue
        if text.endswith(".*"):  # ==1.2.* -> >=1.2, <1.3
            numbers = Version(text[:-2]).release
            bounds += [("lo", Version(_dotted(numbers)), True)]
            bounds += [("hi", Version(_dotted(past_prefix(numbers))), False)]
        elif op in (">=", ">"):
            bounds += [("lo", Version(text), op == ">=")]
        elif op in ("<=", "<"):
            bounds += [("hi", Version(text), op == "<=")]
        elif op in ("==", "==="):
            bounds += [("lo", Version(text), True), ("hi", Version(text), True)]
        elif op == "~=":  # ~=1.2.3 -> >=1.2.3, <1.3
            version = Version(text)
            bounds += [("lo", version, True)]
            bounds += [("hi", Version(_dotted(past_prefix(version.release[:-1]))), False)]
        for side, version, inclusive in bounds:
            if side == "lo" and (lo is None or (version, not inclusive) > (lo[0], not lo[1])):
                lo = version, inclusive
            if side == "hi" and (hi is None or (version, inclusive) < hi):
                hi = version, inclusive
    return lo, hi


def _dotted(numbers: tuple[int, ...]) -> str:
    return ".".join(map(str, numbers))
