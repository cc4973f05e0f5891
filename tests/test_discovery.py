"""The scan of installed distributions and the bounded reads it relies on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pylinkdep import InvalidMetadata, _discovery, _fs
from pylinkdep._fs import read_regular


def test_read_regular(tmp_path: Path) -> None:
    big = b"x" * 200_000
    (tmp_path / "f").write_bytes(big)
    assert read_regular(str(tmp_path / "f"), 1 << 20) == big
    assert read_regular(str(tmp_path / "f"), 70_000) == big[:70_000]
    assert read_regular(str(tmp_path / "f"), 0) == b""
    proc = Path("/proc/self/status")  # size 0 in stat: read as a file that grew
    if proc.exists():
        assert read_regular(str(proc), 1 << 20).startswith(b"Name:")
        assert len(read_regular(str(proc), 5)) == 5
    for not_a_file in (tmp_path / "missing", tmp_path):  # a directory is refused too
        with pytest.raises(OSError):
            read_regular(str(not_a_file), 1 << 20)


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
        monkeypatch.setattr(_fs, "open_dir", lambda path: None)
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
    errors: list[InvalidMetadata] = []
    sources = _discovery.entry_point_sources([first, str(tmp_path / "missing"), second], errors)
    found = [(s.name, s.value, s.site_dir) for s in sources]
    assert errors == []
    assert found == [("zeta", "zeta_pkg", first), ("beta", "beta_pkg", second), ("l", "l", second)]


def test_shell_join_escapes_as_pkg_config() -> None:
    import re

    from pylinkdep.outputs.flags import shell_join

    special = re.compile(r"([^A-Za-z0-9_/.,:=+@%^-])")
    args = ["-I/a b/c", '-DX="1"', "$ORIGIN/../x", "plain-1.2_x/y,z:w=v+u@t%s^r", "é;&|"]
    assert shell_join(args) == " ".join(special.sub(r"\\\1", a) for a in args)


def test_entry_points_read_bounded(tmp_path: Path) -> None:
    """A sparse 1 GiB entry_points.txt of an unrelated distribution is skipped after 1 MiB
    read; one with a [pylink] section past the limit is refused, naming the file."""
    site = _site(tmp_path, {"huge-1.0.dist-info": None, "big-1.0.dist-info": None})
    with open(tmp_path / "huge-1.0.dist-info" / "entry_points.txt", "wb") as f:
        f.truncate(1 << 30)
    big = tmp_path / "big-1.0.dist-info" / "entry_points.txt"
    big.write_bytes(b"[pylink]\nbig = big\n" + b"#" * _discovery.ENTRY_POINTS_MAX)
    errors: list[InvalidMetadata] = []
    assert list(_discovery.entry_point_sources([site], errors)) == []
    assert len(errors) == 1 and "larger than" in str(errors[0])
    assert errors[0].file == str(big)
    big.unlink()
    assert list(_discovery.entry_point_sources([site], errors)) == [] and len(errors) == 1


def test_cache_dir_follows_the_xdg_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PYLINKDEP_CACHE_DIR, else $XDG_CACHE_HOME/pylinkdep, else ~/.cache/pylinkdep; a
    relative value of either is ignored (it would write under the working directory)."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PYLINKDEP_CACHE_DIR", str(tmp_path / "own"))
    assert _fs.cache_dir("cmake", "k") == str(tmp_path / "own" / "cmake" / "k")
    monkeypatch.setenv("PYLINKDEP_CACHE_DIR", "relative/own")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _fs.cache_dir("pkgconfig") == str(tmp_path / "xdg" / "pylinkdep" / "pkgconfig")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")
    assert _fs.cache_dir() == str(home / ".cache" / "pylinkdep")
