"""Path hygiene: no binary that a test installed names a path of the build machine.

``test_installed_binaries`` runs last in every session (conftest.py moves it there)
and reads the dynamic section of every ELF file under any ``site-packages`` directory
in the session's base temporary directory: each RUNPATH and RPATH entry must be
``$ORIGIN``-relative and stay inside that site-packages, and no NEEDED entry may hold
a ``/``. A directory holding a ``.path-hygiene-exempt`` file (its text says why, e.g. a
test showing that a stock route leaks paths) is skipped.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pylinkdep import _binary, _fs

from .conftest import dynamic

pytestmark = pytest.mark.integration

EXEMPT = ".path-hygiene-exempt"
ORIGINS = ("$ORIGIN", "${ORIGIN}")


def problems_of(binary: str, site: str) -> list[str]:
    """What is wrong with one ELF file installed in ``site``."""
    info = dynamic(binary)
    found = [f"NEEDED {n!r} is a path" for n in info.needed if "/" in n]
    for tag, entries in (("RUNPATH", info.runpath), ("RPATH", info.rpath)):
        for entry in entries:
            token = next((t for t in ORIGINS if entry == t or entry.startswith(t + "/")), None)
            if token is None:
                kind = "absolute" if entry.startswith("/") else "relative to the working directory"
                found.append(f"{tag} {entry!r} is {kind}")
                continue
            target = posixpath.normpath(os.path.dirname(binary) + entry[len(token) :])
            if not (target + "/").startswith(site.rstrip("/") + "/"):
                found.append(f"{tag} {entry!r} leaves {site}")
    return found


def scan(root: Path) -> tuple[int, list[str], list[str]]:
    """(ELF files read, problems, exempt directories) under every site-packages in ``root``."""
    count, problems, exempt = 0, [], []
    for directory, dirs, _names in os.walk(root):
        if os.path.basename(directory) != "site-packages":
            continue
        dirs.clear()  # this walk goes on below, with the site directory known
        for subdir, subdirs, subnames in os.walk(directory):
            if EXEMPT in subnames:
                exempt.append(subdir)
                subdirs.clear()
                continue
            for name in subnames:
                path = os.path.join(subdir, name)
                try:
                    if not stat.S_ISREG(os.lstat(path).st_mode):
                        continue  # symlinks (their targets are checked where they are), FIFOs
                    if _fs.read_regular(path, 4) != b"\x7fELF":
                        continue
                    found = problems_of(path, directory)
                except (OSError, _binary.NotSharedLibrary):
                    continue  # unreadable, or a fake library no loader would load
                count += 1
                problems += [f"{path}: {p}" for p in found]
    return count, problems, exempt


def test_installed_binaries(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every ELF file this session installed is free of build-machine paths."""
    count, problems, exempt = scan(tmp_path_factory.getbasetemp())
    if not count:
        pytest.skip("this session installed no binaries")
    print(f"{count} installed ELF files checked; exempt: {exempt or 'none'}")
    assert not problems, "build-machine paths in installed binaries:\n" + "\n".join(problems)


PLANTED = """
import subprocess
from pathlib import Path

def gcc(*args):
    subprocess.run(["gcc", "-shared", "-fPIC", *map(str, args)], check=True)

def test_plant(tmp_path):
    site = tmp_path / "venv" / "lib" / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (tmp_path / "f.c").write_text("int f(void) { return 1; }\\n")
    build = tmp_path / "build"
    build.mkdir()
    gcc("-o", build / "libnosoname.so", tmp_path / "f.c")
    gcc("-Wl,--enable-new-dtags", "-Wl,-rpath,/opt/build-machine/lib:$ORIGIN/../pkg",
        "-o", site / "pkg" / "librunpath.so", tmp_path / "f.c")
    gcc("-Wl,--disable-new-dtags", "-Wl,-rpath,$ORIGIN/../../../..",
        "-o", site / "pkg" / "librpath.so", tmp_path / "f.c")
    (tmp_path / "g.c").write_text("int f(void); int g(void) { return f(); }\\n")
    gcc("-o", site / "pkg" / "libneeded.so", tmp_path / "g.c", build / "libnosoname.so")
    gcc("-Wl,-rpath,$ORIGIN", "-o", site / "pkg" / "libfine.so", tmp_path / "f.c")
"""


def test_planted_paths_fail_the_session(tmp_path: Path) -> None:
    """A session that installs gcc-built libraries with build paths ends with a failed test."""
    test_file = tmp_path / "planted" / "test_planted.py"
    test_file.parent.mkdir()
    test_file.write_text(textwrap.dedent(PLANTED))
    inner = tmp_path / "inner-basetemp"
    repo = Path(__file__).resolve().parent.parent
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
             f"--rootdir={repo}", f"--basetemp={inner}", str(test_file),
             f"{Path(__file__).relative_to(repo)}::test_installed_binaries"],
            cwd=repo, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        shutil.rmtree(inner, ignore_errors=True)  # keep this session's own check clean
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "1 failed, 1 passed" in out
    assert "FAILED tests/test_path_hygiene.py::test_installed_binaries" in out
    assert "librunpath.so: RUNPATH '/opt/build-machine/lib' is absolute" in out
    assert "librpath.so: RPATH '$ORIGIN/../../../..' leaves" in out
    assert "libneeded.so: NEEDED '" in out and "/build/libnosoname.so' is a path" in out
    assert "libfine.so" not in out
    assert "'$ORIGIN/../pkg'" not in out
