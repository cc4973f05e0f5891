"""The packaging-free fast path of version checks agrees with packaging."""

from __future__ import annotations

import itertools

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pylinkdep.versions import interval, release_contains

VERSIONS = ["0", "1", "1.0", "1.2", "1.2.0", "1.2.1", "1.10", "2", "2.0.0.0", "10.0", "01.2"]
OPERATORS = ["==", "!=", "<=", ">=", "<", ">"]


def test_agrees_with_packaging_on_plain_releases() -> None:
    for version, (op, other), (op2, other2) in itertools.product(
        VERSIONS, itertools.product(OPERATORS, VERSIONS[:6]), [("<", "2"), (">=", "1.1")]
    ):
        spec = f"{op}{other}, {op2} {other2}"
        expected = SpecifierSet(spec).contains(Version(version), prereleases=True)
        assert release_contains(spec, version) is expected, (spec, version)


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        (">=1.2", "1.2rc1"),
        (">=1.2", "1.2.post1"),
        (">=1.2", "1.2+local"),
        (">=1.2", "v1.2"),
        ("==1.*", "1.2"),
        ("~=1.2", "1.3"),
        ("===1.2", "1.2"),
        ("", "1.2"),
        (">=1.2,", "1.2"),
        (">=1.2a1", "1.2"),
        ("<>1", "1"),
        (">=1.2", "1.\u00b2"),
        (">=1.2", "1..2"),
        (">=1", "\u0661.\u0662"),  # packaging takes ASCII digits only
        (">=\u0661", "1.2"),
    ],
)
def test_anything_else_is_left_to_packaging(spec: str, version: str) -> None:
    assert release_contains(spec, version) is None


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

    assert interval(SpecifierSet(spec)) == (expected(low), expected(high))
