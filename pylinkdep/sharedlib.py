"""Tell a shared library from other files by its headers (without pyelftools: slow to import).

An ELF file must be a shared object (``ET_DYN``) with a ``DT_SONAME``: linked by full
path, as pylinkdep links, a library without one would be recorded in every consumer's
``NEEDED`` by that path. A Mach-O file must be a dylib or bundle; a PE file is accepted
by its ``MZ`` header.
"""

from __future__ import annotations

import io
import os
import struct

from . import files

# Mach-O magic numbers (32 and 64 bits) and the byte order they imply.
_MACHO = {
    b"\xfe\xed\xfa\xce": ">",
    b"\xce\xfa\xed\xfe": "<",
    b"\xfe\xed\xfa\xcf": ">",
    b"\xcf\xfa\xed\xfe": "<",
}
_OTHER = (b"\xca\xfe\xba\xbe", b"MZ")  # universal Mach-O, PE
_ELF_TYPES = {0: "file of no type", 1: "relocatable object", 2: "executable", 4: "core dump"}
ET_DYN, PT_LOAD, PT_DYNAMIC, DT_NULL, DT_STRTAB, DT_SONAME = 3, 1, 2, 0, 5, 14
MH_DYLIB, MH_BUNDLE = 6, 8


class NotSharedLibrary(ValueError):
    """The file cannot be linked as a shared library; the message says why."""


def soname(path: str) -> str:
    """The SONAME of the shared library at ``path`` ("" for Mach-O and PE files).

    NotSharedLibrary when it is not one; OSError when it cannot be read.
    """
    with files.open_regular(path) as f:
        head = f.read(64)
        if head.startswith(b"\x7fELF"):
            try:
                return _elf_soname(f, head)
            except NotSharedLibrary:
                raise
            except (struct.error, IndexError, KeyError, ValueError, OverflowError):
                raise NotSharedLibrary("is a malformed ELF file") from None
        if head[:4] in _MACHO and len(head) >= 16:
            (filetype,) = struct.unpack_from(_MACHO[head[:4]] + "I", head, 12)
            if filetype not in (MH_DYLIB, MH_BUNDLE):
                raise NotSharedLibrary("is a Mach-O file, but not a dylib or bundle")
            return ""
        if head.startswith(_OTHER):
            return ""
    raise NotSharedLibrary("is not a shared library (ELF, Mach-O or PE)")


def _elf_soname(f: io.BufferedReader, head: bytes) -> str:
    bits = {1: 32, 2: 64}[head[4]]
    order = {1: "<", 2: ">"}[head[5]]
    (e_type,) = struct.unpack_from(order + "H", head, 16)
    if e_type != ET_DYN:
        kind = _ELF_TYPES.get(e_type, f"file of type {e_type}")
        raise NotSharedLibrary(f"is an ELF {kind}, not a shared library")
    if bits == 64:
        (phoff,) = struct.unpack_from(order + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
        ph_format, dyn_format = order + "IIQQQQ", order + "qQ"
    else:
        (phoff,) = struct.unpack_from(order + "I", head, 28)
        phentsize, phnum = struct.unpack_from(order + "HH", head, 42)
        ph_format, dyn_format = order + "IIIII", order + "iI"
    if not struct.calcsize(ph_format) <= phentsize <= 256:
        raise ValueError("program header entry size")
    table = _read_at(f, phoff, phentsize * phnum)
    loads: list[tuple[int, int, int]] = []
    dynamic = None
    for i in range(phnum):
        fields = struct.unpack_from(ph_format, table, i * phentsize)
        if bits == 64:
            p_type, _, offset, vaddr, _, filesz = fields
        else:
            p_type, offset, vaddr, _, filesz = fields
        if p_type == PT_LOAD:
            loads.append((vaddr, filesz, offset))
        elif p_type == PT_DYNAMIC:
            dynamic = (offset, filesz)
    if dynamic is None:
        raise NotSharedLibrary("is an ELF file without a dynamic section, not a shared library")
    data = _read_at(f, dynamic[0], min(dynamic[1], 1 << 20))
    size = struct.calcsize(dyn_format)
    tags: dict[int, int] = {}
    for tag, value in struct.iter_unpack(dyn_format, data[: len(data) - len(data) % size]):
        if tag == DT_NULL:
            break
        tags.setdefault(tag, value)
    if DT_SONAME not in tags:
        raise NotSharedLibrary(
            "has no SONAME: consumers linking it would record its path; "
            "link it with -Wl,-soname,<file name>"
        )
    strtab = tags[DT_STRTAB]
    start = next((off + strtab - va for va, sz, off in loads if va <= strtab < va + sz), None)
    if start is None:
        raise ValueError("string table outside the loaded segments")
    name = _read_at(f, start + tags[DT_SONAME], 4096).split(b"\0", 1)[0]
    if not name:
        raise ValueError("empty SONAME")
    return name.decode("utf-8", "replace")


def _read_at(f: io.BufferedReader, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset``, which a header gave: ValueError if past the end."""
    if not 0 <= offset <= os.fstat(f.fileno()).st_size:
        raise ValueError("offset past the end of the file")
    f.seek(offset)
    return f.read(size)
