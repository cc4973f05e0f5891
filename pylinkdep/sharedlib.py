"""Tell a shared library from other files by its headers (without pyelftools: slow to import).

An ELF file must be a shared object (``ET_DYN``) with a ``DT_SONAME``: linked by full
path, as pylinkdep links, a library without one would be recorded in every consumer's
``NEEDED`` by that path. A Mach-O file must be a dylib or bundle; a PE file is accepted
by its ``MZ`` header.
"""

import io
import os

from . import files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    Order = Literal["little", "big"]

# Mach-O magic numbers (32 and 64 bits) and the byte order they imply.
_MACHO: "dict[bytes, Order]" = {
    b"\xfe\xed\xfa\xce": "big",
    b"\xce\xfa\xed\xfe": "little",
    b"\xfe\xed\xfa\xcf": "big",
    b"\xcf\xfa\xed\xfe": "little",
}
_ELF_ORDER: "dict[int, Order]" = {1: "little", 2: "big"}  # EI_DATA
# Where the fields read sit, by ELF class (EI_CLASS 1: 32 bits, 2: 64 bits): the word size
# (of e_phoff, p_offset, p_vaddr, p_filesz, d_tag and d_val); e_phoff, e_phentsize and
# e_phnum in the file header; p_offset, p_vaddr and p_filesz in a program header entry
# (p_type is its first word), and the least size of such an entry.
_ELF_LAYOUT = {1: (4, 28, 42, 44, 4, 8, 16, 20), 2: (8, 32, 54, 56, 8, 16, 32, 40)}
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
            except (IndexError, KeyError, ValueError, OverflowError):
                raise NotSharedLibrary("is a malformed ELF file") from None
        if head[:4] in _MACHO and len(head) >= 16:
            filetype = _int(head, 12, 4, _MACHO[head[:4]])
            if filetype not in (MH_DYLIB, MH_BUNDLE):
                raise NotSharedLibrary("is a Mach-O file, but not a dylib or bundle")
            return ""
        if head.startswith(_OTHER):
            return ""
    raise NotSharedLibrary("is not a shared library (ELF, Mach-O or PE)")


def _elf_soname(f: io.BufferedReader, head: bytes) -> str:
    layout = _ELF_LAYOUT[head[4]]
    word, e_phoff, e_phentsize, e_phnum, p_offset, p_vaddr, p_filesz, p_size = layout
    order = _ELF_ORDER[head[5]]
    e_type = _int(head, 16, 2, order)
    if e_type != ET_DYN:
        kind = _ELF_TYPES.get(e_type, f"file of type {e_type}")
        raise NotSharedLibrary(f"is an ELF {kind}, not a shared library")
    phoff = _int(head, e_phoff, word, order)
    phentsize, phnum = _int(head, e_phentsize, 2, order), _int(head, e_phnum, 2, order)
    if not p_size <= phentsize <= 256:
        raise ValueError("program header entry size")
    table = _read_at(f, phoff, phentsize * phnum)
    if len(table) < phentsize * phnum:
        raise ValueError("program header table past the end of the file")
    loads: list[tuple[int, int, int]] = []
    dynamic = None
    for entry in range(0, phentsize * phnum, phentsize):
        p_type = _int(table, entry, 4, order)
        offset = _int(table, entry + p_offset, word, order)
        if p_type == PT_LOAD:
            vaddr = _int(table, entry + p_vaddr, word, order)
            loads.append((vaddr, _int(table, entry + p_filesz, word, order), offset))
        elif p_type == PT_DYNAMIC:
            dynamic = (offset, _int(table, entry + p_filesz, word, order))
    if dynamic is None:
        raise NotSharedLibrary("is an ELF file without a dynamic section, not a shared library")
    data = _read_at(f, dynamic[0], min(dynamic[1], 1 << 20))
    tags: dict[int, int] = {}
    for entry in range(0, len(data) - 2 * word + 1, 2 * word):
        tag = _int(data, entry, word, order, signed=True)
        if tag == DT_NULL:
            break
        tags.setdefault(tag, _int(data, entry + word, word, order))
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


def _int(data: bytes, offset: int, size: int, order: "Order", *, signed: bool = False) -> int:
    """The ``size``-byte integer at ``offset`` (``int.from_bytes``: ``struct`` costs an
    import); ValueError where ``data`` ends before it."""
    if offset + size > len(data):
        raise ValueError("truncated")
    return int.from_bytes(data[offset : offset + size], order, signed=signed)


def _read_at(f: io.BufferedReader, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset``, which a header gave: ValueError if past the end."""
    if not 0 <= offset <= os.fstat(f.fileno()).st_size:
        raise ValueError("offset past the end of the file")
    f.seek(offset)
    return f.read(size)
