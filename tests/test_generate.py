"""``pylinkdep generate`` on real gcc-built libraries: what the provider helpers run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pylinkdep.cli import main


def test_generate_into_a_new_directory(real_library: Path, tmp_path: Path) -> None:
    """make (unlike ninja) does not create a custom command's output directory."""
    out = tmp_path / "not" / "yet" / "pylink.json"
    args = ["generate", "-o", str(out), "--name", "demo", "--version", "1.2.0"]
    assert main([*args, "--abi=>=1.2,<2", "--library", str(real_library)]) == 0
    doc = json.loads(out.read_text())
    assert doc["libraries"] == [
        {"path": "libdemo.so.1", "soname": "libdemo.so.1", "kind": "shared"}
    ]


def test_generate_refuses_a_library_without_soname(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "x.c"
    src.write_text("int x(void) { return 1; }\n")
    lib = tmp_path / "libx.so.1"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    args = ["generate", "-o", str(tmp_path / "pylink.json"), "--name", "x", "--version", "1.0"]
    assert main([*args, "--abi=>=1.0,<2", "--library", str(lib)]) == 1
    err = capsys.readouterr().err
    assert f"{lib} has no SONAME" in err and "field 'libraries'" in err
    assert not (tmp_path / "pylink.json").exists()
