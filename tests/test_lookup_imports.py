"""What ``pylinkdep --cflags --libs NAME`` must not import: the modules whose import alone
would take the query past its budget (docs/benchmarks.md: at most 2.7 times ``python -c
pass`` with 1,000 distributions installed; bench/lookup.py measures it). Everything else
is free to change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MakeProvider

DENIED = {
    "argparse",  # the query's plain parser reads the option table instead
    "dataclasses",  # with inspect, a third of Python's start-up: pylinkdep._value instead
    "elftools",  # three times Python's start-up: the lookup reads library headers itself
    "importlib.metadata",  # scans every distribution: discovery reads entry_points.txt
    "inspect",
    "packaging",  # PEP 508 only, for providers with requires; versions: pylinkdep._versions
    "typing",
}
QUERY_IMPORTS = """\
import sys
before = set(sys.modules)
from pylinkdep.cli import main
status = main(["--cflags", "--libs", "demo"])
print(status, *sorted(set(sys.modules) - before))
"""


def test_query_imports_nothing_denied(tmp_path: Path, make_provider: MakeProvider) -> None:
    site = tmp_path / "site-packages"
    make_provider(site, "demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [sys.executable, "-c", QUERY_IMPORTS],
        env={**env, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].endswith("/libdemo.so.1"), out  # the flags, then the status and modules
    status, *modules = out[1].split()
    assert status == "0", out
    assert "pylinkdep._discovery" in modules  # the query did scan
    imported = {m for m in modules if m.split(".")[0] in DENIED or m in DENIED}
    assert not imported, sorted(imported)


@pytest.mark.parametrize(
    "argv",
    [
        ["--cflags", "--libs", "demo"],
        ["--modversion", "demo"],
        ["--variable=prefix", "demo"],
        ["--variable", "pcfiledir", "--print-variables", "demo", "base"],
        ["--cflags-only-I", "--libs-only-l", "demo"],
        ["--list-all"],
        ["--cmake-prefix-path=/some/dir"],
    ],
)
def test_plain_options_are_argparse_options(argv: list[str]) -> None:
    """The plain parser and argparse read one table and give the same options."""
    from pylinkdep.cli import query

    plain = query._plain_options(argv)
    assert plain is not None
    assert vars(plain) == vars(query._parse_options(argv))
