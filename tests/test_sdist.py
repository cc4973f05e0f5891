"""A wheel built from pylinkdep's sdist (what pip does when it installs from an sdist) and one
built from the tree hold the same files, pylinkdep's CMake modules and meson snippet among them.

The builds are isolated (hatchling comes from the package index; the test venv lacks it)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent

SHIPPED = [
    "pylinkdep/cmake/pylinkdepConfig.cmake",
    "pylinkdep/cmake/PylinkProvider.cmake",
    "pylinkdep/cmake/PylinkConsumer.cmake",
    "pylinkdep/cmake/PylinkdepRuntime.cmake",
    "pylinkdep/meson_files/provider.meson",
]


class Built(NamedTuple):
    sdist: Path
    from_sdist: Path
    from_tree: Path


def build(*args: str | Path, outdir: Path) -> Path:
    """``python -m build ARGS --outdir OUTDIR`` (isolated); the one file it made."""
    cmd = [sys.executable, "-m", "build", *map(str, args), "--outdir", str(outdir)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    (made,) = outdir.iterdir()
    return made


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """pylinkdep's sdist, a wheel built from the unpacked sdist, and a wheel built from the tree."""
    tmp = tmp_path_factory.mktemp("sdist")
    sdist = build(REPO, "--sdist", outdir=tmp / "sdist")
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tmp / "unpacked", filter="data")
        else:  # Python < 3.10.12 / 3.11.4; the sdist was just built from this tree
            tar.extractall(tmp / "unpacked")
    (source,) = (tmp / "unpacked").iterdir()
    from_sdist = build(source, "--wheel", outdir=tmp / "from-sdist")
    from_tree = build(REPO, "--wheel", outdir=tmp / "from-tree")
    return Built(sdist, from_sdist, from_tree)


def test_wheels_from_sdist_and_tree_hold_the_same_files(built: Built) -> None:
    with zipfile.ZipFile(built.from_sdist) as a, zipfile.ZipFile(built.from_tree) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        assert set(SHIPPED) <= set(a.namelist())
        for member in SHIPPED:
            assert a.read(member) == b.read(member) == (REPO / member).read_bytes(), member
