"""Details of the scan that the lookup path relies on for speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylinkdep.discovery import _dist_key
from pylinkdep.files import read_regular
from pylinkdep.names import normalize_name


@pytest.mark.parametrize(
    "entry",
    ["foo.dist-info", "Foo_Bar-1.0.dist-info", "a__b-1.dist-info", "a._b-2.dist-info",
     "x.y-1.dist-info", "_x_-1.dist-info", "UPPER-1.dist-info"],
)  # fmt: skip
def test_dist_key_is_normalize_name(entry: str) -> None:
    assert _dist_key(entry) == normalize_name(entry[: -len(".dist-info")].split("-")[0])


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


def test_shell_join_escapes_as_pkg_config() -> None:
    import re

    from pylinkdep.emit.flags import shell_join

    special = re.compile(r"([^A-Za-z0-9_/.,:=+@%^-])")
    args = ["-I/a b/c", '-DX="1"', "$ORIGIN/../x", "plain-1.2_x/y,z:w=v+u@t%s^r", "é;&|"]
    assert shell_join(args) == " ".join(special.sub(r"\\\1", a) for a in args)
