"""Details of the scan that the lookup path relies on for speed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pylinkdep import discovery, files
from pylinkdep.discovery import _dist_keys
from pylinkdep.files import read_regular
from pylinkdep.names import normalize_name

DIST_INFOS = [
    "foo.dist-info", "Foo_Bar-1.0.dist-info", "a__b-1.dist-info", "a._b-2.dist-info",
    "x.y-1.dist-info", "_x_-1.dist-info", "UPPER-1.dist-info", "\u0130stanbul-1.dist-info",
    "new\nline-1.dist-info", "-1.dist-info", ".dist-info",
]  # fmt: skip


def test_dist_keys_are_normalize_name() -> None:
    expected = [normalize_name(e[: -len(".dist-info")].split("-")[0]) for e in DIST_INFOS]
    assert _dist_keys(DIST_INFOS) == expected
    assert _dist_keys(DIST_INFOS[1:2]) == ["foo-bar"]
    assert _dist_keys([]) == []


def test_read_regular(tmp_path: Path) -> None:
    big = b"x" * 200_000
    (tmp_path / "f").write_bytes(big)
    assert read_regular(str(tmp_path / "f")) == big
    assert read_regular(str(tmp_path / "f"), 70_000) == big[:70_000]
    assert read_regular(str(tmp_path / "f"), 0) == b""
    proc = Path("/proc/self/status")  # size 0 in stat: read as a file that grew
    if proc.exists():
        assert read_regular(str(proc)).startswith(b"Name:")
        assert len(read_regular(str(proc), 5)) == 5
    for not_a_file in (tmp_path / "missing", tmp_path):  # a directory is refused too
        with pytest.raises(OSError):
            read_regular(str(not_a_file))


def test_peek(tmp_path: Path) -> None:
    """A first look never blocks or runs on: a named pipe gives what it holds, a device at
    most the size asked; a directory or a missing file raises."""
    (tmp_path / "f").write_bytes(b"[pylink]\n")
    assert files.peek(str(tmp_path / "f"), 4) == b"[pyl"
    assert files.peek(str(tmp_path / "f"), 100) == b"[pylink]\n"
    os.mkfifo(tmp_path / "pipe")
    assert files.peek(str(tmp_path / "pipe"), 100) == b""
    if Path("/dev/zero").exists():
        assert files.peek("/dev/zero", 100) == bytes(100)
    for not_a_file in (tmp_path / "missing", tmp_path):
        with pytest.raises(OSError):
            files.peek(str(not_a_file), 100)


def _site(path: Path, dists: dict[str, str | None]) -> str:
    """A site directory of dist-info directories, each with its entry_points.txt text."""
    for entry, text in dists.items():
        (path / entry).mkdir(parents=True)
        if text is not None:
            (path / entry / "entry_points.txt").write_text(text)
    return str(path)


@pytest.mark.parametrize("relative", [True, False], ids=["dir_fd", "full paths"])
def test_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool) -> None:
    """The same answer with files opened relative to the directory and, as on Windows,
    by full path: shadowing, files that are absent or not regular, other groups."""
    if not relative:
        monkeypatch.setattr(files, "open_dir", lambda path: None)
    first = _site(tmp_path / "first", {
        "Demo_A-2.0.dist-info": "[console_scripts]\nx = y:z\n",  # shadows demo-a below
        "other-1.0.dist-info": None,
        "zeta-1.0.dist-info": "[pylink]\nzeta = zeta_pkg\n",
    })  # fmt: skip
    second = _site(tmp_path / "second", {
        "demo.a-1.0.dist-info": "[pylink]\ndemo_a = demo_a\n",
        "beta-1.0.dist-info": "[pylink]\nbeta = beta_pkg\n",
        "gamma-1.0.dist-info": None,
        "long-1.0.dist-info": "[console_scripts]\n" + "x = y:z\n" * 4000 + "[pylink]\nl = l\n",
        "piped-1.0.dist-info": None,
        "zero-1.0.dist-info": None,
    })  # fmt: skip
    (tmp_path / "second" / "gamma-1.0.dist-info" / "entry_points.txt").mkdir()
    os.mkfifo(tmp_path / "second" / "piped-1.0.dist-info" / "entry_points.txt")
    if Path("/dev/zero").exists():
        os.symlink("/dev/zero", tmp_path / "second" / "zero-1.0.dist-info" / "entry_points.txt")
    sources = discovery.entry_point_sources([first, str(tmp_path / "missing"), second])
    found = [(s.name, s.value, s.site_dir) for s in sources]
    assert found == [("zeta", "zeta_pkg", first), ("beta", "beta_pkg", second), ("l", "l", second)]


def test_shell_join_escapes_as_pkg_config() -> None:
    import re

    from pylinkdep.emit.flags import shell_join

    special = re.compile(r"([^A-Za-z0-9_/.,:=+@%^-])")
    args = ["-I/a b/c", '-DX="1"', "$ORIGIN/../x", "plain-1.2_x/y,z:w=v+u@t%s^r", "é;&|"]
    assert shell_join(args) == " ".join(special.sub(r"\\\1", a) for a in args)
