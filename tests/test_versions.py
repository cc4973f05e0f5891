"""Interval bounds of specifier sets (the CMake version file's ABI bound, check's
Requires-Dist rule), from pylinkdep's one PEP 440 evaluator."""

from __future__ import annotations

import pytest
from packaging.version import Version

from pylinkdep._versions import Bound, interval


@pytest.mark.parametrize(
    ("spec", "low", "high"),
    [
        (">=1.2,<2", ("1.2", True), ("2", False)),
        ("~=1.2.3", ("1.2.3", True), ("1.3", False)),
        ("==1.2.*", ("1.2", True), ("1.3", False)),
        ("==1.4", ("1.4", True), ("1.4", True)),
        (">1,<=2,<2,!=1.5", ("1", False), ("2", False)),  # on a tie, the exclusive bound
        ("!=1.5", None, None),
    ],
)
def test_interval(spec: str, low: tuple[str, bool] | None, high: tuple[str, bool] | None) -> None:
    def expected(bound: tuple[str, bool] | None) -> object:
        return None if bound is None else (Version(bound[0]), bound[1])

    def as_packaging(bound: Bound) -> object:
        return None if bound is None else (Version(bound[0].text), bound[1])

    lo, hi = interval(spec)
    assert (as_packaging(lo), as_packaging(hi)) == (expected(low), expected(high))


@pytest.mark.parametrize("spec", [">=1.2+local", "==1.2rc1.*", "~=1", "between 1 and 2"])
def test_interval_refuses_what_pep_440_does(spec: str) -> None:
    with pytest.raises(ValueError):
        interval(spec)
