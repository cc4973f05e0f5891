"""Real Mach-O and PE libraries for the tests, cross-built on this machine once per
session: PyPI's ziglang links Mach-O dylibs with no SDK (``zig cc -target aarch64-macos``),
Debian's mingw-w64 links PE DLLs with their import libraries. A test that needs a tool the
machine lacks skips, naming the command that installs it.

Each fixture gives its files by role: ``provider`` (``libprov.1.dylib`` / ``libprov.dll``),
its ``consumer``, and the provider or consumer built wrong in one way each."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

PROV_H = """\
#ifdef _WIN32
#  ifdef PROV_BUILDING
#    define PROV_API __declspec(dllexport)
#  else
#    define PROV_API __declspec(dllimport)
#  endif
#else
#  define PROV_API __attribute__((visibility("default")))
#endif
PROV_API int prov_answer(void);
PROV_API extern int prov_data;
"""
# prov_hidden: a function the build forgot to export (no PROV_API, hidden visibility).
PROV_C = """\
#define PROV_BUILDING
#include "prov.h"
int prov_hidden(void) { return 0; }
int prov_data = 3;
int prov_answer(void) { return 42 + prov_hidden(); }
"""
CONS_C = """\
#include "prov.h"
int cons_call(void) { return prov_answer() + prov_data; }
"""
HIDDEN = "prov_hidden"
"""The function ``PROV_C`` defines but does not export."""
API = frozenset({"prov_answer", "prov_data"})
"""What the provider exports, and the consumer imports from it."""
RUN_PATH = "@loader_path/../prov"
"""The consumer's LC_RPATH."""
BUILD_DIR = "/build/tree/prov"
"""A path of a build machine, linked into the broken variants."""
MACOS_TARGETS = {"aarch64-macos": "ARM64", "x86_64-macos": "x86_64"}
"""zig's targets, with the architecture macholib names."""
MINGW = "x86_64-w64-mingw32-gcc"


def sources(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (("prov.h", PROV_H), ("prov.c", PROV_C), ("cons.c", CONS_C)):
        (out / name).write_text(text)


def run(cwd: Path, *argv: str) -> None:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{argv}: {proc.stderr}"


def _zig(cwd: Path, target: str, output: str, *args: str) -> Path:
    """``zig cc -shared`` for ``target``, run in ``cwd`` (so no build path is recorded)."""
    run(cwd, sys.executable, "-m", "ziglang", "cc", "-target", target, "-shared",
         "-o", output, *args)  # fmt: skip
    return cwd / output


def universal(slices: list[Path], output: Path) -> Path:
    """A universal Mach-O file of the thin ``slices``, as ``lipo -create`` writes one: a
    big-endian fat header, then each slice at a 16 KiB boundary."""
    align = 14
    table, body = [], b""
    offset = 1 << align
    for path in slices:
        data = path.read_bytes()
        cputype, subtype = struct.unpack_from("<iI", data, 4)  # after a little-endian magic
        table.append(struct.pack(">iIIII", cputype, subtype, offset, len(data), align))
        padded = data + b"\0" * (-len(data) % (1 << align))
        body += padded
        offset += len(padded)
    head = struct.pack(">II", 0xCAFEBABE, len(slices)) + b"".join(table)
    output.write_bytes(head.ljust(1 << align, b"\0") + body)
    return output


@pytest.fixture(scope="session")
def macho_libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Mach-O dylibs linked by zig: ``provider`` and ``consumer`` for ``aarch64-macos``,
    the same for ``x86_64-macos`` (keys suffixed ``-x86_64-macos``), ``universal`` (both
    providers in one file), ``absolute-install-name`` and ``leaf-install-name`` providers,
    and ``absolute-rpath``, a consumer with a build directory as LC_RPATH."""
    if importlib.util.find_spec("ziglang") is None:
        pytest.skip("zig links the Mach-O test libraries: pip install ziglang")
    root = tmp_path_factory.mktemp("macho")
    built: dict[str, Path] = {}
    for target in MACOS_TARGETS:
        out = root / target
        sources(out)
        suffix = "" if target == "aarch64-macos" else f"-{target}"
        built[f"provider{suffix}"] = _zig(
            out, target, "libprov.1.dylib", "-fvisibility=hidden", "prov.c",
            "-Wl,-install_name,@rpath/libprov.1.dylib",
        )  # fmt: skip
        built[f"consumer{suffix}"] = _zig(
            out, target, "cons.dylib", "cons.c", "libprov.1.dylib", f"-Wl,-rpath,{RUN_PATH}"
        )
    out = root / "aarch64-macos"
    built["universal"] = universal(
        [built["provider"], built["provider-x86_64-macos"]], root / "libprov.1.dylib"
    )
    for name, flags in (("absolute", [f"-Wl,-install_name,{BUILD_DIR}/libprov.1.dylib"]),
                        ("leaf", [])):  # fmt: skip
        (out / name).mkdir()  # zig's default install name: the output's name
        built[f"{name}-install-name"] = _zig(
            out / name, "aarch64-macos", "libprov.1.dylib", "-fvisibility=hidden", "../prov.c",
            *flags,
        )  # fmt: skip
    built["absolute-rpath"] = _zig(
        out, "aarch64-macos", "cons-abs.dylib", "cons.c", "libprov.1.dylib",
        f"-Wl,-rpath,{RUN_PATH}", f"-Wl,-rpath,{BUILD_DIR}",
    )  # fmt: skip
    return built


@pytest.fixture(scope="session")
def pe_libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PE DLLs linked by mingw-w64: ``provider`` (with ``import-library``,
    ``libprov.dll.a``), ``consumer`` (linked with that import library), and
    ``wrong-dll-name``: ``libprov.dll`` whose module-definition file names it
    ``libprov-old.dll``."""
    if shutil.which(MINGW) is None:
        pytest.skip(f"{MINGW} links the PE test libraries: apt-get install gcc-mingw-w64-x86-64")
    out = tmp_path_factory.mktemp("pe")
    sources(out)
    run(out, MINGW, "-shared", "-o", "libprov.dll", "prov.c",
         "-Wl,--out-implib,libprov.dll.a")  # fmt: skip
    run(out, MINGW, "-shared", "-o", "cons.dll", "cons.c", "libprov.dll.a")
    (out / "old").mkdir()
    (out / "old" / "prov.def").write_text(
        "LIBRARY libprov-old.dll\nEXPORTS\n    prov_answer\n    prov_data DATA\n"
    )
    run(out, MINGW, "-shared", "-o", "old/libprov.dll", "prov.c", "old/prov.def")
    return {
        "provider": out / "libprov.dll",
        "import-library": out / "libprov.dll.a",
        "consumer": out / "cons.dll",
        "wrong-dll-name": out / "old" / "libprov.dll",
    }
