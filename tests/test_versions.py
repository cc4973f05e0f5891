"""The packaging-free fast path of version checks agrees with packaging."""

from __future__ import annotations

import itertools

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pylinkdep.versions import release_contains

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
