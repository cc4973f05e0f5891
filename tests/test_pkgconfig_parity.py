"""pkg-config parity: each query option through ``pylinkdep`` and through the real pkgconf
reading the .pc files ``pylinkdep pkgconfig-path`` wrote (``PKG_CONFIG_PATH`` = the
directory it printed, no system directories): the same stdout and the same exit status,
error cases included. The deliberate differences (docs/cli.md: PEP 440 versions,
``--print-requires``) are tested as differences.

The providers: the three real example providers installed from their wheels, and beside
them (``PYTHONPATH``) a provider that requires one of them and has extra compile and link
args, a pre-release, and one in a directory whose name pkg-config must escape.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from .conftest import MakeProvider, valid_doc

PKGCONF = shutil.which("pkgconf")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(PKGCONF is None, reason="needs pkgconf: apt-get install pkgconf"),
]

REAL = ("exampleprov", "tallyprov", "extmodprov")
NAMES = (*REAL, "top", "spaced", "rc")


class Answer(NamedTuple):
    status: int
    stdout: str


class Tools(NamedTuple):
    pylinkdep: str
    pkgconf: str
    env: dict[str, str]
    trailing_space: bool  # pkgconf before 1.9.4 ends each line of flags with a space

    def pylinkdep_answer(self, *args: str) -> Answer:
        proc = subprocess.run([self.pylinkdep, *args], env=self.env, capture_output=True, text=True)
        assert "Traceback" not in proc.stderr, proc.stderr
        return Answer(proc.returncode, proc.stdout)

    def pkgconf_answer(self, *args: str) -> Answer:
        proc = subprocess.run([self.pkgconf, *args], env=self.env, capture_output=True, text=True)
        out = (
            re.sub(r"(?<=\S) $", "", proc.stdout, flags=re.M)
            if self.trailing_space
            else proc.stdout
        )
        return Answer(proc.returncode, out)

    def both(self, *args: str) -> tuple[Answer, Answer]:
        return self.pylinkdep_answer(*args), self.pkgconf_answer(*args)


@pytest.fixture(scope="module")
def tools(
    examples_python: Path, make_provider: MakeProvider, tmp_path_factory: pytest.TempPathFactory
) -> Tools:
    root = tmp_path_factory.mktemp("parity")
    site, spaced_site = root / "site", root / "site #2"
    doc = valid_doc(
        "top",
        requires=["exampleprov>=1.2"],
        compile_args=["-pthread", "-O2"],
        link_args=["-L/opt/top/lib", "-lm", "-lib:top", "-Wl,--as-needed"],  # -lib: is other
    )
    make_provider(site, "top", doc=doc)
    make_provider(site, "rc", doc=valid_doc("rc", version="1.0rc1", abi=">=1.0rc1,<2"))
    # Its .pxd directory (the header directory will do) under a path with ' ' and '#'.
    spaced = valid_doc("spaced", pylink=2, cython_include_dirs=["include"])
    make_provider(spaced_site, "spaced", doc=spaced)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PKG_CONFIG"))},
        "PYTHONPATH": os.pathsep.join([str(site), str(spaced_site)]),
        "PYLINKDEP_CACHE_DIR": str(root / "cache dir"),  # pcfiledir holds a space
    }
    pylinkdep = str(examples_python.parent / "pylinkdep")
    proc = subprocess.run(
        [pylinkdep, "pkgconfig-path"], env=env, capture_output=True, text=True, check=True
    )
    pc_dir = proc.stdout.strip()
    assert sorted(os.listdir(pc_dir)) == sorted(f"{n}.pc" for n in NAMES)
    env.update(PKG_CONFIG_PATH=pc_dir, PKG_CONFIG_LIBDIR="")
    assert PKGCONF is not None
    version = subprocess.run([PKGCONF, "--version"], capture_output=True, text=True).stdout
    numbers = tuple(int(n) for n in version.strip().split(".")[:3])
    return Tools(pylinkdep, PKGCONF, env, trailing_space=numbers < (1, 9, 4))


ONE_OPTION = [
    ["--cflags"],
    ["--libs"],
    ["--cflags-only-I"],
    ["--cflags-only-other"],
    ["--libs-only-l"],
    ["--libs-only-L"],
    ["--libs-only-other"],
    ["--modversion"],
    ["--variable=prefix"],
    ["--variable", "pcfiledir"],
    ["--variable=nosuchvariable"],
    ["--variable=cython_include_dir"],
    ["--print-variables"],
    ["--exists"],
    ["--atleast-version", "0.9"],
    ["--atleast-version=99"],
    ["--max-version", "99"],
    ["--max-version=0.1"],
]


@pytest.mark.parametrize("name", NAMES)
def test_each_option_as_pkgconf(tools: Tools, name: str) -> None:
    """Every option on one package: the same output and status."""
    ours = {" ".join(args): tools.pylinkdep_answer(*args, name) for args in ONE_OPTION}
    theirs = {" ".join(args): tools.pkgconf_answer(*args, name) for args in ONE_OPTION}
    assert ours == theirs
    assert ours["--libs-only-other"].stdout.strip()  # each has a library
    if name == "top":  # its own flags, then those of what it requires
        assert ours["--libs-only-l"] == (0, "-lm\n")
        assert ours["--libs-only-L"] == (0, "-L/opt/top/lib\n")
        assert "-lib:top" in ours["--libs-only-other"].stdout.split()
        other = ours["--cflags-only-other"].stdout.split()
        assert other == ["-DTOP_SHARED", "-pthread", "-O2", "-DEXAMPLEPROV_SHARED"]


@pytest.mark.parametrize(
    "args",
    [
        # several options, several packages
        ["--cflags", "--libs", "top"],
        ["--cflags-only-I", "--libs-only-L", "top"],
        ["--cflags", "--libs-only-l", "top"],
        ["--cflags-only-I", "--cflags-only-other", "spaced"],
        ["--modversion", "exampleprov", "tallyprov", "rc"],
        ["--variable=prefix", "spaced", "exampleprov"],
        ["--variable=nosuchvariable", "spaced", "exampleprov"],
        ["--variable=", "exampleprov"],
        ["--print-variables", "top", "spaced"],
        ["--modversion", "--print-variables", "--variable=pcfiledir", "--cflags", "top"],
        ["--variable=prefix", "--libs", "exampleprov"],
        ["--exists", "--cflags", "tallyprov"],
        ["--print-requires", "exampleprov", "tallyprov"],
        # constraints in the package list
        ["--exists", "exampleprov >= 1.2"],
        ["--exists", "exampleprov", ">=", "1.3"],
        ["--exists", "tallyprov < 2.1"],
        ["--exists", "tallyprov != 2.1.0"],
        ["--modversion", "exampleprov = 1.2.0"],
        ["--cflags", "extmodprov <= 1.0.0"],
        ["--exact-version", "2.1.0", "tallyprov"],
        # errors: an unknown package, a version outside, bad usage
        ["--cflags", "nosuchprovider"],
        ["--modversion", "exampleprov", "nosuchprovider"],
        ["--variable=prefix", "nosuchprovider"],
        ["--exists", "nosuchprovider"],
        ["--exists", "--print-errors", "nosuchprovider"],
        ["--atleast-version", "1.0", "nosuchprovider"],
        ["--cflags", "exampleprov >= 9"],
        [],
        ["--cflags"],
        ["--exists"],
        ["--variable"],
        ["--atleast-version"],
        ["--frobnicate", "exampleprov"],
        ["--cflags=yes", "exampleprov"],
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_combinations_and_errors_as_pkgconf(tools: Tools, args: list[str]) -> None:
    ours, theirs = tools.both(*args)
    assert ours == theirs


def test_list_all_as_pkgconf(tools: Tools) -> None:
    """The same lines; pkgconf prints them in its directory's order, pylinkdep sorted."""
    ours, theirs = tools.both("--list-all")
    assert ours.status == theirs.status == 0
    assert ours.stdout.splitlines() == sorted(theirs.stdout.splitlines())
    assert len(ours.stdout.splitlines()) == len(NAMES)
    # names given as well: ignored, as by pkgconf
    ours, theirs = tools.both("--list-all", "nosuchprovider")
    assert ours.stdout.splitlines() == sorted(theirs.stdout.splitlines())
    assert ours.status == theirs.status == 0
    tally = [line for line in ours.stdout.splitlines() if line.startswith("tallyprov ")]
    desc = "Example registry of named tallies with process-global state"
    assert tally == [f"{'tallyprov':<30} tallyprov - {desc}"]


@pytest.mark.parametrize(
    ("args", "pep440", "rpmvercmp"),
    [
        (["--exact-version", "1.2", "exampleprov"], 0, 1),  # 1.2 == 1.2.0 by PEP 440 only
        (["--max-version", "1.2", "exampleprov"], 0, 1),
        (["--exists", "exampleprov = 1.2"], 0, 1),
        (["--atleast-version", "1.0", "rc"], 1, 0),  # 1.0rc1 is before 1.0 by PEP 440 only
        (["--exists", "rc >= 1.0"], 1, 0),
        (["--max-version", "1.0", "rc"], 0, 1),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_versions_compare_by_pep440(
    tools: Tools, args: list[str], pep440: int, rpmvercmp: int
) -> None:
    """The documented difference: pylinkdep compares versions by PEP 440, pkgconf by its
    rpmvercmp rules; nothing is printed either way."""
    ours, theirs = tools.both(*args)
    assert ours == (pep440, "")
    assert theirs == (rpmvercmp, "")


def test_print_requires_as_written(tools: Tools) -> None:
    """The documented difference: pylinkdep prints pylink.json's PEP 508 requires as
    written; pkgconf prints the .pc file's Requires: (pkg-config's form)."""
    ours, theirs = tools.both("--print-requires", "top")
    assert ours == (0, "exampleprov>=1.2\n")
    assert theirs == (0, "exampleprov >= 1.2\n")


def test_several_names(tools: Tools) -> None:
    """The documented differences with several names: a version test needs every name to
    pass (pkgconf 1.8: any), and a provider named twice keeps its first place (pkgconf
    moves a repeated -D and library to its last)."""
    ours, theirs = tools.both("--atleast-version", "2", "exampleprov", "tallyprov")
    assert (ours.status, theirs.status) == (1, 0)
    ours, theirs = tools.both("--cflags", "--libs", "exampleprov", "top")
    assert ours.status == theirs.status == 0
    assert sorted(ours.stdout.split()) == sorted(theirs.stdout.split())
    for answer, first in ((ours, "-DEXAMPLEPROV_SHARED"), (theirs, "-DTOP_SHARED")):
        defines = [w for w in answer.stdout.split() if w.startswith("-D")]
        assert defines[0] == first, answer
