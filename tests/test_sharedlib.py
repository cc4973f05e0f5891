"""The lookup path's own ELF header reader (pylinkdep.sharedlib) against pyelftools, on the
shared objects this machine has: the same SONAME, or a refusal where there is none."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile

from pylinkdep import sharedlib

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF platforms")


def system_objects(limit: int = 1000) -> list[Path]:
    """Regular ELF files named ``*.so*`` in the C library's and Python's library
    directories: shared libraries with a SONAME, and extension modules without one."""
    dirs = {Path(sysconfig.get_config_var("LIBDIR") or "/usr/lib")}
    dirs |= {Path(p) for p in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib")}
    dirs.add(Path(sysconfig.get_config_var("DESTSHARED") or "/nonexistent"))  # lib-dynload
    found: set[Path] = set()
    for d in dirs:
        if d.is_dir():
            for p in d.iterdir():
                if ".so" in p.name and p.is_file() and not p.is_symlink():
                    with p.open("rb") as f:
                        if f.read(4) == b"\x7fELF":
                            found.add(p)
    return sorted(found)[:limit]


def pyelftools_soname(path: Path) -> str | None:
    """DT_SONAME of an ET_DYN object, read by pyelftools from its PT_DYNAMIC segment."""
    with path.open("rb") as f:
        elf = ELFFile(f)
        if elf["e_type"] != "ET_DYN":
            return None
        for segment in elf.iter_segments():
            if isinstance(segment, DynamicSegment):
                for tag in segment.iter_tags():
                    if tag.entry.d_tag == "DT_SONAME":
                        return str(tag.soname)  # type: ignore[attr-defined]
    return None


def test_soname_agrees_with_pyelftools() -> None:
    objects = system_objects()
    assert len(objects) >= 20, objects  # libc, libpython's neighbours, lib-dynload
    with_soname = 0
    for path in objects:
        expected = pyelftools_soname(path)
        if expected is None:
            with pytest.raises(sharedlib.NotSharedLibrary):
                sharedlib.soname(str(path))
        else:
            assert sharedlib.soname(str(path)) == expected, path
            with_soname += 1
    assert 10 <= with_soname < len(objects), objects
