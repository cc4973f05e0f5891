"""Version questions inside pylinkdep (PEP 440), all answered by one evaluator: the one in
:mod:`pylinkdep.runtime`, which consumers carry at run time and which is tested against
``packaging``. ``packaging`` itself parses PEP 508 requirements only: importing its
specifiers would cost a lookup, and every CMake configure, more than Python's start-up
(docs/benchmarks.md)."""

from .runtime import Version, clauses, version_in

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

Bound = tuple[Version, bool] | None
"""A bound of an interval: (version, inclusive); None when unbounded."""

__all__ = [
    "Bound",
    "Version",
    "contains",
    "interval",
    "narrowed",
    "newest",
    "release",
    "upper_bound",
]


def contains(spec: str, version: str) -> bool:
    """Whether the specifier set ``spec`` allows ``version`` (pre-releases included).
    ValueError for text that is not PEP 440."""
    return version_in(version, spec)


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


def interval(spec: str) -> tuple[Bound, Bound]:
    """The lowest and highest versions ``spec`` allows (``!=`` clauses ignored), by PEP
    440's rules for ``~=`` and ``==X.*``. On a tie between equal versions the exclusive
    bound wins; between two inclusive (or two exclusive) ones, the first. ValueError for
    text that is not PEP 440."""
    version_in("0", spec)  # refuses what PEP 440 does not allow
    lo: Bound = None
    hi: Bound = None
    for op, text in clauses(spec):
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
            if side == "lo" and (lo is None or (version.key, not inclusive) > _rank(lo, True)):
                lo = version, inclusive
            if side == "hi" and (hi is None or (version.key, inclusive) < _rank(hi, False)):
                hi = version, inclusive
    return lo, hi


def narrowed(abi: str, since: str | None) -> str:
    """``abi`` with its lower bound raised to ``since`` where that is higher."""
    if since is None:
        return abi
    lowest, _ = interval(abi)
    if lowest is not None and not lowest[0] < Version(since):
        return abi
    kept = [f"{op}{version}" for op, version in clauses(abi) if op not in (">=", ">")]
    return ",".join([f">={since}", *kept])


def newest(versions: "Iterable[str]") -> str | None:
    """The highest of ``versions`` (None if there are none)."""
    parsed = [Version(v) for v in versions]
    return max(parsed, key=lambda v: v.key).text if parsed else None


def _rank(bound: tuple[Version, bool], lower: bool) -> tuple[object, bool]:
    """How bounds of one side compare: by version, then the exclusive one as the tighter."""
    version, inclusive = bound
    return version.key, (not inclusive) if lower else inclusive


def upper_bound(abi: str) -> tuple[str | None, bool]:
    """The lowest upper bound of an ABI range, as release numbers, and whether it is
    inclusive: ``<2`` -> ``("2", False)``; ``<=1.9`` -> ``("1.9", True)``; ``~=1.2`` and
    ``==1.*`` -> ``("2", False)``; ``==1.2.0`` -> ``("1.2.0", True)``."""
    _, highest = interval(abi)
    if highest is None:
        return None, False
    return dotted(highest[0].release), highest[1]
