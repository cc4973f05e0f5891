"""Library facts: what the loader and the linker see in a shared library.

Two readers, for two questions. :func:`read_dynamic` reads the file's headers and, for
ELF, its dynamic section (SONAME, NEEDED, RUNPATH, RPATH) with ``int.from_bytes``: the
lookup path asks it whether a provider's library is linkable, and pyelftools would cost
that path three times Python's start-up. :func:`exported_symbols` and
:func:`imported_symbols` read the dynamic symbol table with pyelftools, for ``generate``,
``check`` and ``requirement``; :func:`has_debug_info` its sections, for ``abi-diff``.
Mach-O and PE files are recognised by their headers only.
"""

import os

from . import _fs
from ._value import Frozen, frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO, Literal

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
ET_EXEC, ET_DYN, PT_LOAD, PT_DYNAMIC = 2, 3, 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 14, 15, 29
_NAMED = (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH)
MH_DYLIB, MH_BUNDLE = 6, 8


class NotSharedLibrary(ValueError):
    """The file cannot be linked as a shared library; the message says why."""


@frozen
class Dynamic(Frozen):
    """The names a shared library gives the loader (ELF; empty for Mach-O and PE)."""

    format: "Literal['elf', 'macho', 'pe']"
    soname: str | None
    needed: tuple[str, ...]
    runpath: tuple[str, ...]
    rpath: tuple[str, ...]


def linkable_soname(path: str) -> str:
    """The SONAME of the shared library at ``path`` ("" for Mach-O and PE files).

    NotSharedLibrary when it is not a library pylinkdep links by path: linked so, an ELF
    library without a SONAME would be recorded in every consumer's NEEDED by that path.
    OSError when it cannot be read.
    """
    with _fs.open_regular(path) as f:
        info = read_dynamic(f, shared_only=True)
    if info.format == "elf" and not info.soname:
        raise NotSharedLibrary(
            "has no SONAME: consumers linking it would record its path; "
            "link it with -Wl,-soname,<file name>"
        )
    return info.soname or ""


def read_dynamic(f: "BinaryIO", *, shared_only: bool = False) -> Dynamic:
    """The :class:`Dynamic` facts of the shared library (or, unless ``shared_only``, the
    dynamically linked ELF executable) open as ``f`` (seekable).

    NotSharedLibrary for an object file, a malformed file or anything else the loader
    does not load.
    """
    head = f.read(64)
    if head.startswith(b"\x7fELF"):
        try:
            return _elf_dynamic(f, head, shared_only)
        except NotSharedLibrary:
            raise
        except (IndexError, KeyError, ValueError, OverflowError):
            raise NotSharedLibrary("is a malformed ELF file") from None
    if head[:4] in _MACHO and len(head) >= 16:
        filetype = _int(head, 12, 4, _MACHO[head[:4]])
        if filetype not in (MH_DYLIB, MH_BUNDLE):
            raise NotSharedLibrary("is a Mach-O file, but not a dylib or bundle")
        return Dynamic(format="macho", soname=None, needed=(), runpath=(), rpath=())
    if head.startswith(_OTHER):
        fmt: Literal["macho", "pe"] = "pe" if head.startswith(b"MZ") else "macho"
        return Dynamic(format=fmt, soname=None, needed=(), runpath=(), rpath=())
    raise NotSharedLibrary("is not a shared library (ELF, Mach-O or PE)")


def exported_symbols(f: "BinaryIO") -> frozenset[str]:
    """The symbols an ELF shared library exports: defined, global or weak, of default or
    protected visibility (what other objects can link). NotSharedLibrary if not ELF."""
    return frozenset(
        sym.name
        for sym in _dynamic_symbols(f)
        if sym["st_shndx"] != "SHN_UNDEF"
        and sym["st_other"]["visibility"] in ("STV_DEFAULT", "STV_PROTECTED")
        and sym["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK")
    )


def imported_symbols(f: "BinaryIO") -> frozenset[str]:
    """The symbols an ELF file needs from the libraries it loads: undefined and global (a
    weak reference may stay unresolved). NotSharedLibrary if not ELF."""
    return frozenset(
        sym.name
        for sym in _dynamic_symbols(f)
        if sym["st_shndx"] == "SHN_UNDEF" and sym["st_info"]["bind"] == "STB_GLOBAL" and sym.name
    )


def _dynamic_symbols(f: "BinaryIO") -> "list[Any]":
    """The entries of an ELF file's ``.dynsym`` (pyelftools ``Symbol`` objects)."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    try:
        dynsym = ELFFile(f).get_section_by_name(".dynsym")
        return list(dynsym.iter_symbols()) if isinstance(dynsym, SymbolTableSection) else []
    except ELFError as exc:
        raise NotSharedLibrary(f"is a malformed ELF file: {exc}") from None


def has_debug_info(f: "BinaryIO") -> bool:
    """Whether an ELF file carries DWARF debug information (a ``.debug_info`` section,
    maybe compressed). NotSharedLibrary if not ELF."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        elf = ELFFile(f)
        return any(elf.get_section_by_name(name) for name in (".debug_info", ".zdebug_info"))
    except ELFError as exc:
        raise NotSharedLibrary(f"is a malformed ELF file: {exc}") from None


def _elf_dynamic(f: "BinaryIO", head: bytes, shared_only: bool) -> Dynamic:
    layout = _ELF_LAYOUT[head[4]]
    word, e_phoff, e_phentsize, e_phnum, p_offset, p_vaddr, p_filesz, p_size = layout
    order = _ELF_ORDER[head[5]]
    e_type = _int(head, 16, 2, order)
    if e_type != ET_DYN and (shared_only or e_type != ET_EXEC):
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
    strtab = None
    named: list[tuple[int, int]] = []
    for entry in range(0, len(data) - 2 * word + 1, 2 * word):
        tag = _int(data, entry, word, order, signed=True)
        if tag == DT_NULL:
            break
        value = _int(data, entry + word, word, order)
        if tag == DT_STRTAB and strtab is None:
            strtab = value
        elif tag in _NAMED:
            named.append((tag, value))
    names: dict[int, list[str]] = {tag: [] for tag in _NAMED}
    if named:
        if strtab is None:
            raise ValueError("names without a string table")
        start = next((off + strtab - va for va, sz, off in loads if va <= strtab < va + sz), None)
        if start is None:
            raise ValueError("string table outside the loaded segments")
        for tag, offset in named:
            name = _read_at(f, start + offset, 4096).split(b"\0", 1)[0]
            names[tag].append(name.decode("utf-8", "replace"))
    sonames = names[DT_SONAME]
    if sonames and not sonames[0]:
        raise ValueError("empty SONAME")
    return Dynamic(
        format="elf",
        soname=sonames[0] if sonames else None,
        needed=tuple(names[DT_NEEDED]),
        runpath=tuple(e for v in names[DT_RUNPATH] for e in v.split(":") if e),
        rpath=tuple(e for v in names[DT_RPATH] for e in v.split(":") if e),
    )


def _int(data: bytes, offset: int, size: int, order: "Order", *, signed: bool = False) -> int:
    """The ``size``-byte integer at ``offset``; ValueError where ``data`` ends before it."""
    if offset + size > len(data):
        raise ValueError("truncated")
    return int.from_bytes(data[offset : offset + size], order, signed=signed)


def _read_at(f: "BinaryIO", offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset``, which a header gave: ValueError if past the end."""
    end = f.seek(0, os.SEEK_END)
    if not 0 <= offset <= end:
        raise ValueError("offset past the end of the file")
    f.seek(offset)
    return f.read(size)
