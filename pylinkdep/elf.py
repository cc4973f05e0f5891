"""What the loader and linker see in an ELF shared object, read with pyelftools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from elftools.common.exceptions import ELFError
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection


@dataclass(frozen=True)
class DynamicInfo:
    """The dynamic section's names and the symbols the object exports."""

    soname: str | None
    needed: tuple[str, ...]
    runpath: tuple[str, ...]
    rpath: tuple[str, ...]
    exported: frozenset[str]
    """Defined, global or weak, default or protected visibility: what other objects can link."""


class NotELF(ValueError):
    """The file is not an ELF object."""


def read(stream: BinaryIO) -> DynamicInfo:
    """Read a shared object's dynamic section and exported symbols."""
    try:
        elf = ELFFile(stream)
        tags: dict[str, list[str]] = {
            "DT_SONAME": [],
            "DT_NEEDED": [],
            "DT_RUNPATH": [],
            "DT_RPATH": [],
        }
        exported: set[str] = set()
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                for tag in section.iter_tags():
                    if tag.entry.d_tag in tags:
                        tags[tag.entry.d_tag].append(_tag_value(tag))
            if isinstance(section, SymbolTableSection) and section.name == ".dynsym":
                for sym in section.iter_symbols():
                    defined = sym["st_shndx"] != "SHN_UNDEF"
                    visible = sym["st_other"]["visibility"] in ("STV_DEFAULT", "STV_PROTECTED")
                    if defined and visible and sym["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK"):
                        exported.add(sym.name)
    except ELFError as exc:
        raise NotELF(str(exc)) from None
    return DynamicInfo(
        soname=tags["DT_SONAME"][0] if tags["DT_SONAME"] else None,
        needed=tuple(tags["DT_NEEDED"]),
        runpath=tuple(e for v in tags["DT_RUNPATH"] for e in v.split(":") if e),
        rpath=tuple(e for v in tags["DT_RPATH"] for e in v.split(":") if e),
        exported=frozenset(exported),
    )


def read_file(path: str) -> DynamicInfo:
    with open(path, "rb") as f:
        return read(f)


def _tag_value(tag: object) -> str:
    for attr in ("soname", "needed", "runpath", "rpath"):
        value = getattr(tag, attr, None)
        if isinstance(value, str):
            return value
    return ""
