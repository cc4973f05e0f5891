"""Frozen: the value classes of the lookup path (dataclasses is slow to import)."""

from __future__ import annotations

import pytest

from pylinkdep._value import Frozen, frozen


@frozen
class Point(Frozen):
    x: int
    y: int
    label: str = "p"


def test_fields_defaults_equality_hash_repr() -> None:
    p = Point(x=1, y=2)
    assert (p.x, p.y, p.label) == (1, 2, "p")
    assert p == Point(x=1, y=2, label="p") and p != Point(x=1, y=3)
    assert hash(p) == hash(Point(x=1, y=2)) and len({p, Point(x=1, y=2)}) == 1
    assert repr(p) == "Point(x=1, y=2, label='p')"


def test_immutable_and_strict() -> None:
    p = Point(x=1, y=2)
    with pytest.raises(AttributeError, match="immutable"):
        p.x = 3  # type: ignore[misc]
    with pytest.raises(TypeError, match=r"missing \['y'\]"):
        Point(x=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"unknown \['z'\]"):
        Point(x=1, y=2, z=3)  # type: ignore[call-arg]
