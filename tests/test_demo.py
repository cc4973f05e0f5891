"""The README's first set-up command: examples/demo.py, end to end, in a fresh directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import demo

pytestmark = pytest.mark.integration


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = demo.sh([sys.executable, str(demo.EXAMPLES / "demo.py"), str(tmp_path / "demo")])
    assert "consumer imported; exampleprov's Python package loaded: False" in out
    assert "4 consumers imported; exampleprov's Python package loaded: False" in out
    assert "total seen by each: [51, 51, 51, 51] (one shared counter)" in out
    for consumer in demo.CONSUMERS:
        assert f"== pip install examples/{consumer} (isolated build)" in out
    assert "RUNPATH [$ORIGIN/../../../exampleprov]" in out  # consumer_meson/sub/deep
    assert "/site-packages/exampleprov/libexampleprov.so.1" in out.splitlines()[-1]
