"""pylinkdep._binary's dynamic-section reader against pyelftools, the field's reader, on the
shared objects this machine has: the same SONAME, NEEDED, RUNPATH and RPATH, and a refusal
to link a library that has no SONAME."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile

from pylinkdep import _binary

from .conftest import dynamic

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


def pyelftools_names(path: Path) -> dict[str, list[str]] | None:
    """The DT_SONAME, DT_NEEDED, DT_RUNPATH and DT_RPATH strings of an ET_DYN object, read
    by pyelftools from its PT_DYNAMIC segment; None for another kind of ELF file."""
    names: dict[str, list[str]] = {"soname": [], "needed": [], "runpath": [], "rpath": []}
    with path.open("rb") as f:
        elf = ELFFile(f)
        if elf["e_type"] != "ET_DYN":
            return None
        for segment in elf.iter_segments():
            if isinstance(segment, DynamicSegment):
                for tag in segment.iter_tags():
                    kind = str(tag.entry.d_tag).removeprefix("DT_").lower()
                    if kind in names:
                        names[kind].append(str(getattr(tag, kind)))
    return names


def test_dynamic_names_agree_with_pyelftools() -> None:
    objects = system_objects()
    assert len(objects) >= 20, objects  # libc, libpython's neighbours, lib-dynload
    with_soname = 0
    for path in objects:
        expected = pyelftools_names(path)
        if expected is None:
            with pytest.raises(_binary.NotSharedLibrary):
                dynamic(path)
            continue
        info = dynamic(path)
        assert info.soname == (expected["soname"][0] if expected["soname"] else None), path
        assert list(info.needed) == expected["needed"], path
        assert ":".join(info.runpath) == ":".join(expected["runpath"]), path
        assert ":".join(info.rpath) == ":".join(expected["rpath"]), path
        if expected["soname"]:
            assert _binary.linkable_soname(str(path)) == expected["soname"][0]
            with_soname += 1
        else:
            with pytest.raises(_binary.NotSharedLibrary, match="has no SONAME"):
                _binary.linkable_soname(str(path))
    assert 10 <= with_soname < len(objects), objects
