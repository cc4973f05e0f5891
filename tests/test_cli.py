"""The pylinkdep command: pkg-config semantics, list, show, errors."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from pylinkdep.cli import main
from pylinkdep.cli.commands import COMMANDS

from .conftest import MakeProvider, valid_doc


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_provider: MakeProvider) -> Path:
    """A site directory on sys.path with providers 'demo' (requires 'base') and 'base'."""
    monkeypatch.delenv("PYLINK_PATH", raising=False)
    path = tmp_path / "site dir"  # a space, escaped in flags as pkg-config does
    make_provider(path, "demo", doc=valid_doc("demo", requires=["base>=1.0"], link_args=["-lm"]))
    make_provider(path, "base")
    monkeypatch.syspath_prepend(str(path))
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cflags_libs(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--cflags", "--libs", "demo")
    assert code == 0
    assert shlex.split(out) == [  # per provider in link order, as pkg-config
        f"-I{site}/demo/include",
        "-DDEMO_SHARED",
        f"-I{site}/base/include",
        "-DBASE_SHARED",
        f"{site}/demo/libdemo.so.1",
        "-lm",
        f"{site}/base/libbase.so.1",
    ]
    assert out.count("site\\ dir") == 4  # escaped for the shell, as pkg-config does


def test_modversion_and_requires(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "--modversion", "demo", "base") == (0, "1.2.0\n1.2.0\n", "")
    assert cli(capsys, "--print-requires", "demo") == (0, "base>=1.0\n", "")
    assert cli(capsys, "--print-requires", "base") == (0, "", "")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--exists", "demo"], 0),
        (["--exists", "nothing"], 1),
        (["--exists", "demo >= 1.2"], 0),
        (["--exists", "demo", ">=", "1.3"], 1),
        (["--exists", "demo<2"], 0),
        (["--exists", "demo", "=", "1.2.0"], 0),
        (["--atleast-version", "1.0", "demo"], 0),
        (["--atleast-version=1.3", "demo"], 1),
        (["--exact-version", "1.2", "demo"], 0),
        (["--max-version", "1.1", "demo"], 1),
    ],
)
def test_exists_and_versions(
    site: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int
) -> None:
    assert cli(capsys, *args) == (code, "", "")


def test_errors_are_one_line(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--cflags", "nothing")
    assert (code, out) == (1, "")
    assert err.startswith("pylinkdep: error: no pylink provider named 'nothing'")
    assert err.count("\n") == 1
    code, _, err = cli(capsys, "--exists", "--print-errors", "demo >= 9")
    assert code == 1 and "demo 1.2.0 is installed, but >=9 is required" in err


def test_list(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "list")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["base", "1.2.0", "base"]
    code, out, _ = cli(capsys, "list", "--json")
    entries = json.loads(out)
    assert [e["name"] for e in entries] == ["base", "demo"]
    assert entries[1]["cmake_name"] == "Demo" and entries[1]["distribution"] == "demo"
    assert entries[1]["requirement"] == "demo>=1.2,<2"


def test_list_reports_broken_provider(
    site: Path, capsys: pytest.CaptureFixture[str], make_provider: MakeProvider
) -> None:
    make_provider(site, "broken", doc=valid_doc("broken", pylink=9))
    code, out, err = cli(capsys, "list")
    assert code == 1
    assert "demo" in out and "broken" not in out
    assert "unsupported schema version 9" in err and "field 'pylink'" in err


def test_show(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "show", "demo", "--rpath-from", "consumer/sub")
    assert code == 0
    assert "demo 1.2.0 (distribution demo)" in out
    assert "requires:     base 1.2.0 (base)" in out
    assert "run path from consumer/sub: $ORIGIN/../../demo:$ORIGIN/../../base" in out
    code, out, _ = cli(capsys, "show", "--json", "demo", "--rpath-from", "consumer/sub")
    data = json.loads(out)
    assert data["rpath"] == ["$ORIGIN/../../demo", "$ORIGIN/../../base"]
    assert data["libraries"][0]["soname"] == "libdemo.so.1"
    assert data["requires"] == [{"name": "base", "version": "1.2.0", "distribution": "base"}]
    assert data["package_relpath"] == "demo"


def test_cmake_prefix_path_fast_path_agrees_with_argparse(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--cmake-prefix-path DIR`` and ``--cmake-prefix-path=DIR`` write the same."""
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    assert cli(capsys, "--cmake-prefix-path", str(fast)) == (0, f"{fast}\n", "")
    assert cli(capsys, f"--cmake-prefix-path={slow}") == (0, f"{slow}\n", "")
    for file in fast.glob("*/*.cmake"):
        expected = file.read_text().replace(str(fast), str(slow))
        assert (slow / file.relative_to(fast)).read_text() == expected
    assert len(list(slow.glob("*/*.cmake"))) == 5
    with pytest.raises(SystemExit) as info:
        main(["--cmake-prefix-path", "-x"])  # a value that looks like a flag: argparse's error
    assert info.value.code == 1  # a usage error of the query, as pkg-config's


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "demo", "--rpath-from", "/abs"], 2),  # a subcommand: argparse's 2
        (["show"], 2),
        (["--cflags"], 1),  # the query: 1, as pkg-config
        (["--bogus", "demo"], 1),
        (["--variable"], 1),
        (["--libs-only-l=x", "demo"], 1),
    ],
)
def test_usage_errors(
    site: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int
) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == code
    assert "usage: pylinkdep" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["show", "--help"]])
def test_help(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 0
    assert "usage: pylinkdep" in capsys.readouterr().out


def test_python_m_without_traceback(site: Path, make_provider: MakeProvider) -> None:
    """A hostile pylink.json gives one clear line on stderr from a real process."""
    make_provider(site, "hostile", doc=valid_doc("hostile", include_dirs=["../../../etc"]))
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [sys.executable, "-m", "pylinkdep", "--cflags", "hostile"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "outside the package directory" in proc.stderr
    assert "distribution 'hostile'" in proc.stderr and "field 'include_dirs[0]'" in proc.stderr


def test_cargo(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Directives a build.rs prints unchanged: libraries, link args, run path, reruns."""
    code, out, _ = cli(capsys, "cargo", "demo >= 1.0", "--rpath-from", "consumer_rs")
    assert code == 0
    assert out.splitlines() == [
        f"cargo:rustc-link-arg={site}/demo/libdemo.so.1",  # a space needs no escaping here
        f"cargo:rustc-link-arg={site}/base/libbase.so.1",
        "cargo:rustc-link-arg=-lm",
        "cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../demo",
        "cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../base",
        f"cargo:rerun-if-changed={site}/demo/pylink.json",
        f"cargo:rerun-if-changed={site}/base/pylink.json",
        f"cargo:rerun-if-changed={site}/demo/libdemo.so.1",
        f"cargo:rerun-if-changed={site}/base/libbase.so.1",
        "cargo:rerun-if-env-changed=PYLINK_PATH",
        "cargo:rerun-if-env-changed=PYLINKDEP_TARGET_SITE",
        "cargo:rerun-if-env-changed=PYLINKDEP_TARGET_PYTHON_ABI",
        "cargo:rerun-if-env-changed=PYLINKDEP_TARGET_PLATFORM",
    ]
    code, out, _ = cli(capsys, "cargo", "base", "demo", "--rpath-from", ".")
    assert code == 0
    assert "cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/base" in out.splitlines()
    assert out.count("libbase.so.1") == 2  # once to link, once to watch


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cargo", "demo"], "the following arguments are required: --rpath-from"),
        (["cargo", "--rpath-from", "x"], "the following arguments are required: NAME"),
        (["cargo", "demo", "--rpath-from", "../x"], "consumer_subdir '../x' leaves site-packages"),
    ],
)
def test_cargo_usage_errors(
    site: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: pylinkdep cargo" in err and message in err


def test_cargo_errors(
    site: Path, capsys: pytest.CaptureFixture[str], make_provider: MakeProvider
) -> None:
    code, out, err = cli(capsys, "cargo", "demo >= 2", "--rpath-from", "x")
    assert (code, out) == (1, "")
    assert "demo 1.2.0 is installed, but >=2 is required" in err
    # A line break would smuggle in a directive of the provider's choosing.
    make_provider(site, "sneaky", doc=valid_doc("sneaky", link_args=["-lm\ncargo:rustc-env=X=1"]))
    code, out, err = cli(capsys, "cargo", "sneaky", "--rpath-from", "x")
    assert (code, out) == (1, "")
    assert "line break U+000A in a string" in err
    assert "distribution 'sneaky'" in err and "field 'link_args[0]'" in err


def test_cargo_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["cargo", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: pylinkdep cargo" in out and "--rpath-from SUBDIR" in out
    main_help = subprocess.run(
        [sys.executable, "-m", "pylinkdep", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "pylinkdep cargo NAME --rpath-from DIR" in main_help


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each subcommand parses its own options (imported lazily: a missing import shows here)."""
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: pylinkdep {command}")
