"""Library facts: what the loader and the linker see in a shared library.

The lookup path asks :func:`read_dynamic` whether a provider's library is linkable: it
reads the file's headers and, for ELF, its dynamic section (SONAME, NEEDED, RUNPATH, RPATH)
with ``int.from_bytes`` (pyelftools would cost that path three times Python's start-up),
and recognises Mach-O and PE files by their headers only. ``generate``, ``check`` and
``requirement`` ask the rest, read with the libraries the repair tools of each platform
use, imported inside the functions: :func:`images` gives the loader's names of every image
(ELF's from :func:`read_dynamic`, Mach-O's with macholib, one per architecture of a
universal file, PE's with pefile); :func:`exported_symbols`, :func:`imports_by_library`
and :func:`imported_symbols` the symbols (pyelftools, macholib, pefile);
:func:`has_debug_info` an ELF file's sections, for ``abi-diff``.

Symbols are named as C names them on every format: a Mach-O symbol loses the one leading
``_`` that compilers for macOS add (``_prov_answer`` is ``prov_answer``, C++'s ``__Z3fooi``
is ``_Z3fooi`` as on ELF), and one without it (the linker's ``dyld_stub_binder``) is kept
as it is. A PE symbol known by its ordinal only is ``#<ordinal>``.
"""

import os

from . import _fs
from ._value import Frozen, frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, BinaryIO, Literal, TypeVar

    _T = TypeVar("_T")

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
MAX_IMAGE_BYTES = 2 << 30
"""The largest Mach-O or PE file read whole (macholib reads from a file, pefile from bytes)."""


_LIBRARY_SUFFIXES = (".dylib", ".dll", ".pyd")


def library_name(name: str) -> bool:
    """Whether a file name is one a shared library or extension module has: holding
    ``.so`` (``libfoo.so.1``, ``_ext.cpython-312-x86_64-linux-gnu.so``) or ending in
    ``.dylib``, ``.dll`` or ``.pyd``."""
    base = os.path.basename(name)
    return ".so" in base or base.lower().endswith(_LIBRARY_SUFFIXES)


class NotSharedLibrary(ValueError):
    """The file cannot be linked as a shared library; the message says why."""


@frozen
class Dynamic(Frozen):
    """The names a shared library image gives the loader.

    ``soname`` is ELF's DT_SONAME, Mach-O's install name (LC_ID_DYLIB), PE's DLL name (of
    the export directory); ``needed`` the NEEDED entries, the names of the LC_LOAD_DYLIB
    family of load commands, the imported and delay-imported DLLs; ``runpath`` the
    DT_RUNPATH or LC_RPATH entries; ``rpath`` the DT_RPATH entries. :func:`read_dynamic`
    leaves Mach-O's and PE's empty; :func:`images` reads them.
    """

    format: "Literal['elf', 'macho', 'pe']"
    soname: str | None
    needed: tuple[str, ...]
    runpath: tuple[str, ...]
    rpath: tuple[str, ...]
    arch: str = ""
    """A Mach-O image's CPU type, as macholib names it (``ARM64``, ``x86_64``)."""


def linkable_soname(path: str) -> str:
    """The SONAME of the shared library at ``path`` ("" for Mach-O and PE files).

    NotSharedLibrary when it is not a library pylinkdep links by path: linked so, an ELF
    library without a SONAME would be recorded in every consumer's NEEDED by that path.
    OSError when it cannot be read.
    """
    with _fs.open_regular(path) as f:
        info = read_dynamic(f, shared_only=True)
    if info.format == "elf" and not info.soname:
        raise NotSharedLibrary(name_problem(info, os.path.basename(path)))
    return info.soname or ""


AR_MAGIC = b"!<arch>\n"
"""The first bytes of an ``ar`` archive: an import library (MSVC's ``.lib``, mingw's
``.dll.a``) is one."""


def is_archive(path: str) -> bool:
    """Whether the file at ``path`` is an ``ar`` archive; OSError when it cannot be read."""
    return _fs.read_regular(path, len(AR_MAGIC)) == AR_MAGIC


def name_problem(image: Dynamic, file: str) -> str | None:
    """Why consumers cannot record the library ``file`` by the name ``image`` gives the
    loader, with the fix (None when they can): an ELF library needs a SONAME, a Mach-O one
    the install name ``@rpath/<file>``, a PE one an export directory naming the DLL."""
    if image.format == "elf" and not image.soname:
        return (
            f"has no SONAME: consumers would record its build path; link it with "
            f"-Wl,-soname,{file} (meson: soversion, CMake: SOVERSION or NO_SONAME OFF)"
        )
    if image.format == "macho":
        fix = f"link it with -Wl,-install_name,@rpath/{file} (CMake: INSTALL_NAME_DIR @rpath)"
        if image.soname is None:
            return f"has no install name (LC_ID_DYLIB), so consumers cannot link it; {fix}"
        name = image.soname.removeprefix("@rpath/")
        if name == image.soname or "/" in name:
            absolute = "absolute " if image.soname.startswith("/") else ""
            return (
                f"has the {absolute}install name {image.soname!r}, not @rpath/<file>: "
                f"consumers would load it by that name, not through their run path; {fix}"
            )
    if image.format == "pe" and image.soname is None:
        return (
            "has no export directory, so no DLL name for consumers to import from; "
            "export its API with __declspec(dllexport)"
        )
    return None


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


def images(f: "BinaryIO") -> tuple[Dynamic, ...]:
    """The :class:`Dynamic` names of each image of the shared library (or dynamically
    linked ELF executable) open as ``f`` (seekable): one, or one per architecture of a
    universal Mach-O file. NotSharedLibrary as :func:`read_dynamic` says, or for a
    malformed Mach-O or PE file."""
    info = read_dynamic(f)
    f.seek(0)
    if info.format == "elf":
        return (info,)
    if info.format == "pe":
        return (_pe_names(_pe(f)),)
    return tuple(_each_macho(f, _macho_names))


def exported_symbols(f: "BinaryIO") -> frozenset[str]:
    """The symbols other objects can link from the library open as ``f``, of every
    architecture of a universal file: ELF's defined global or weak dynamic symbols of
    default or protected visibility, Mach-O's defined external symbols that are not
    private, the names of PE's export directory. NotSharedLibrary as :func:`images`."""
    tables = _symbol_tables(f)
    return frozenset.intersection(*(exported for exported, _ in tables))


def imports_by_library(f: "BinaryIO") -> dict[str, frozenset[str]]:
    """The symbols the library open as ``f`` needs from the libraries it loads (of any
    architecture of a universal file): undefined and global, not weak references (which
    may stay unresolved). By the library named to provide them: PE's by
    imported DLL, Mach-O's by the LC_LOAD_DYLIB name its two-level namespace binds them
    to; ``""`` where no library is named (ELF, whose loader searches every loaded object,
    and Mach-O's flat namespace and ``-undefined dynamic_lookup``). NotSharedLibrary as
    :func:`images`."""
    found: dict[str, frozenset[str]] = {}
    for _, imports in _symbol_tables(f):
        for library, names in imports.items():
            found[library] = found.get(library, frozenset()) | names
    return found


def imported_symbols(f: "BinaryIO") -> frozenset[str]:
    """The symbols the library open as ``f`` needs from any library it loads
    (:func:`imports_by_library`). NotSharedLibrary as :func:`images`."""
    return frozenset().union(*imports_by_library(f).values())


# What one image's symbol table says: its exports, and its imports by library.
_Symbols = tuple[frozenset[str], dict[str, frozenset[str]]]


def _symbol_tables(f: "BinaryIO") -> list[_Symbols]:
    """Each image's :data:`_Symbols`."""
    fmt = read_dynamic(f).format
    f.seek(0)
    if fmt == "elf":
        return [_elf_symbols(f)]
    if fmt == "pe":
        return [_pe_symbols(_pe(f))]
    return _each_macho(f, _macho_symbols)


def _elf_symbols(f: "BinaryIO") -> _Symbols:
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    exported: set[str] = set()
    imported: set[str] = set()
    try:
        dynsym = ELFFile(f).get_section_by_name(".dynsym")
        symbols = dynsym.iter_symbols() if isinstance(dynsym, SymbolTableSection) else ()
        for sym in symbols:
            bind = sym["st_info"]["bind"]
            if not sym.name or bind not in ("STB_GLOBAL", "STB_WEAK"):
                continue
            if sym["st_shndx"] == "SHN_UNDEF":
                if bind == "STB_GLOBAL":
                    imported.add(sym.name)
            elif sym["st_other"]["visibility"] in ("STV_DEFAULT", "STV_PROTECTED"):
                exported.add(sym.name)
    except ELFError as exc:
        raise NotSharedLibrary(f"is a malformed ELF file: {exc}") from None
    return frozenset(exported), {"": frozenset(imported)} if imported else {}


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


def _read_whole(f: "BinaryIO", kind: str) -> bytes:
    data = f.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise NotSharedLibrary(f"is a {kind} file larger than {MAX_IMAGE_BYTES} bytes")
    return data


def _each_macho(f: "BinaryIO", read: "Callable[[Any, Any], _T]") -> "list[_T]":
    """``read(macho, header)`` of each image of the Mach-O file open as ``f`` (macholib's
    ``MachO`` and ``MachOHeader``), each image a dylib or a bundle.

    macholib reads a named file (its symbol tables too), so the bytes are copied into a
    temporary one while ``read`` runs.
    """
    import struct
    import tempfile

    from macholib.MachO import MachO

    data = _read_whole(f, "Mach-O")
    with tempfile.TemporaryDirectory(prefix="pylinkdep-") as tmp:
        path = os.path.join(tmp, "image")
        with open(path, "wb") as out:
            out.write(data)
        try:
            macho = MachO(path, allow_unknown_load_commands=True)
            if not macho.headers:
                raise NotSharedLibrary("is a universal Mach-O file without an image")
            if any(h.header.filetype not in (MH_DYLIB, MH_BUNDLE) for h in macho.headers):
                raise NotSharedLibrary("has a Mach-O image that is not a dylib or bundle")
            return [read(macho, header) for header in macho.headers]
        except NotSharedLibrary:
            raise
        except (OSError, ValueError, IndexError, KeyError, AttributeError, struct.error) as exc:
            raise NotSharedLibrary(f"is a malformed Mach-O file: {exc}") from None


def _lc_string(command: "tuple[Any, Any, bytes]", offset: int) -> str:
    """The string an ``lc_str`` field of a load command points to."""
    from macholib.MachO import lc_str_value

    return _text(lc_str_value(offset, command).split(b"\0", 1)[0])


def _macho_names(macho: "Any", header: "Any") -> Dynamic:
    from macholib.mach_o import CPU_TYPE_NAMES, LC_ID_DYLIB, LC_RPATH

    soname, needed, runpath = None, [], []
    for command in header.commands:
        load, body, _ = command
        if load.cmd == LC_ID_DYLIB:
            soname = _lc_string(command, body.name)
        elif load.cmd in _dylib_loads():
            needed.append(_lc_string(command, body.name))
        elif load.cmd == LC_RPATH:
            runpath.append(_lc_string(command, body.path))
    cputype = header.header.cputype
    return Dynamic(
        format="macho",
        soname=soname,
        needed=tuple(needed),
        runpath=tuple(runpath),
        rpath=(),
        arch=CPU_TYPE_NAMES.get(cputype, str(cputype)),
    )


def _dylib_loads() -> tuple[int, ...]:
    """The load commands that name a dylib to load: those library ordinals count."""
    from macholib import mach_o

    return (
        mach_o.LC_LOAD_DYLIB,
        mach_o.LC_LOAD_WEAK_DYLIB,
        mach_o.LC_REEXPORT_DYLIB,
        mach_o.LC_LAZY_LOAD_DYLIB,
        mach_o.LC_LOAD_UPWARD_DYLIB,
    )


def _macho_symbols(macho: "Any", header: "Any") -> _Symbols:
    from macholib.mach_o import (
        DYNAMIC_LOOKUP_ORDINAL,
        GET_LIBRARY_ORDINAL,
        MH_TWOLEVEL,
        N_EXT,
        N_PEXT,
        N_STAB,
        N_TYPE,
        N_UNDF,
        N_WEAK_REF,
    )
    from macholib.SymbolTable import SymbolTable

    if header.getSymbolTableCommand() is None:
        return frozenset(), {}
    # Two-level namespace: an undefined symbol's library ordinal (1 to 253) counts the
    # dylib loads; above those: dynamic lookup (-undefined dynamic_lookup), the executable.
    libraries = _macho_names(macho, header).needed if header.header.flags & MH_TWOLEVEL else ()
    exported: set[str] = set()
    imported: dict[str, set[str]] = {}
    for nlist, raw in SymbolTable(macho, header).nlists:
        kind = nlist.n_type
        if not raw or kind & N_STAB or not kind & N_EXT:
            continue
        name = _text(raw.removeprefix(b"_"))
        if kind & N_TYPE != N_UNDF:
            if not kind & N_PEXT:
                exported.add(name)
        elif nlist.n_value == 0 and not nlist.n_desc & N_WEAK_REF:  # not common, not weak
            ordinal = GET_LIBRARY_ORDINAL(nlist.n_desc)
            named = 0 < ordinal < DYNAMIC_LOOKUP_ORDINAL and ordinal <= len(libraries)
            imported.setdefault(libraries[ordinal - 1] if named else "", set()).add(name)
    return frozenset(exported), {lib: frozenset(names) for lib, names in imported.items()}


def _pe(f: "BinaryIO") -> "Any":
    """pefile's ``PE`` of the file open as ``f``, its export and import tables parsed."""
    import pefile

    data = _read_whole(f, "PE")
    try:
        pe = pefile.PE(data=data, fast_load=True)
        pe.parse_data_directories(
            directories=[
                pefile.DIRECTORY_ENTRY[f"IMAGE_DIRECTORY_ENTRY_{entry}"]
                for entry in ("EXPORT", "IMPORT", "DELAY_IMPORT")
            ]
        )
    except pefile.PEFormatError as exc:
        raise NotSharedLibrary(f"is a malformed PE file: {exc.value}") from None
    return pe


def _pe_imports(pe: "Any") -> "list[Any]":
    """The import descriptors, delay-loaded ones after the others."""
    return [
        *getattr(pe, "DIRECTORY_ENTRY_IMPORT", ()),
        *getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", ()),
    ]


def _pe_names(pe: "Any") -> Dynamic:
    exports = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    return Dynamic(
        format="pe",
        soname=_text(exports.name) if exports is not None and exports.name else None,
        needed=tuple(_text(entry.dll) for entry in _pe_imports(pe)),
        runpath=(),
        rpath=(),
    )


def _pe_symbols(pe: "Any") -> _Symbols:
    exports = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    exported = frozenset(
        _pe_symbol(sym.name, sym.ordinal) for sym in (exports.symbols if exports else ())
    )
    imported: dict[str, set[str]] = {}
    for entry in _pe_imports(pe):
        names = imported.setdefault(_text(entry.dll), set())
        names.update(_pe_symbol(imp.name, imp.ordinal) for imp in entry.imports)
    return exported, {dll: frozenset(names) for dll, names in imported.items()}


def _pe_symbol(name: bytes | None, ordinal: int | None) -> str:
    return _text(name) if name else f"#{ordinal}"


def _text(name: bytes) -> str:
    return name.decode("utf-8", "replace")
