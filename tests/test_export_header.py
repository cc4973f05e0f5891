"""``pylinkdep export-header``: the generated ``<name>_export.h`` compiled for real. A gcc
consumer (C and C++) calls the provider through the GOT, no PLT stub, bound at load by a
GLOB_DAT relocation; the library exports only what the macros mark; a static link, tcc
(no GCC attributes) and mingw-w64 (the Windows branch) build too; the CMake helper and the
example providers ship the header."""

from __future__ import annotations

import json
import platform
import re
import shutil
import sys
from pathlib import Path

import pytest

from pylinkdep.cli import main
from pylinkdep.outputs import export_header

from .conftest import demo, exported
from .test_providers import CMAKE

HEADER = """\
#include "demo_export.h"
#ifdef __cplusplus
extern "C" {
#endif
DEMO_API long demo_add(long n);
DEMO_DATA extern long demo_calls;
#ifdef __cplusplus
}
#endif
"""
LIBRARY = """\
#include "demo.h"
long demo_calls;
long demo_hidden(long n) { return n + 1; } /* in no header: stays hidden */
long demo_add(long n) { demo_calls++; return demo_hidden(n); }
"""
CONSUMER = """\
#include "demo.h"
#ifdef __cplusplus
extern "C"
#endif
long cons_run(long n) {
    long a = 0;
    for (long i = 0; i < n; i++) a = demo_add(a);
    return a * 100 + demo_calls;
}
"""
PROGRAM = """\
#include <stdio.h>
#include "demo.h"
int main(void) {
    long a = demo_add(demo_add(0));
    printf("%ld %ld\\n", a, demo_calls);
    return 0;
}
"""
WARNINGS = ["-Wall", "-Wextra", "-Werror"]  # an attribute GCC ignores would be an error
X86_64_ELF = pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64",
    reason="the noplt branch is x86-64 ELF's",
)


@pytest.mark.parametrize(
    ("name", "prefix"),
    [("exampleprov", "EXAMPLEPROV"), ("my-pkg.sub", "MY_PKG_SUB"), ("Zlib9", "ZLIB9")],
)
def test_prefix(name: str, prefix: str) -> None:
    assert export_header.prefix(name) == prefix
    assert export_header.building_define(name) == f"{prefix}_BUILDING"
    text = export_header.header(name)
    assert f"#  define {prefix}_API" in text and f"#  define {prefix}_DATA" in text


@pytest.mark.parametrize("name", ["3d", "", "_x", "é"])
def test_refuses_a_name_that_cannot_start_a_c_identifier(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "x_export.h"
    assert main(["export-header", "--name", name, "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not output.exists()
    prefix = re.sub("[^A-Za-z0-9_]", "_", name).upper()
    assert err == (
        f"pylinkdep: error: {name!r} cannot name C macros: {prefix}_API must start with an "
        "ASCII letter (field '--name')\n"
    )


def test_writes_the_header_and_prints_the_building_define(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "my_pkg_export.h"
    assert main(["export-header", "--name", "my-pkg", "-o", str(output)]) == 0
    assert capsys.readouterr().out == "MY_PKG_BUILDING\n"
    assert output.read_text() == export_header.header("my-pkg")
    inode = output.stat().st_ino
    export_header.write("my-pkg", str(output))  # unchanged: left alone (no rebuild)
    assert output.stat().st_ino == inode
    output.write_text("/* stale */\n")
    export_header.write("my-pkg", str(output))
    assert output.read_text() == export_header.header("my-pkg")


def sources(out: Path) -> Path:
    """The header, a provider library, a consumer and a program, in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    export_header.write("demo", str(out / "demo_export.h"))
    for name, text in [("demo.h", HEADER), ("demo.c", LIBRARY), ("cons.c", CONSUMER),
                       ("cons.cpp", CONSUMER), ("main.c", PROGRAM)]:  # fmt: skip
        (out / name).write_text(text)
    return out


def run_consumer(library: Path) -> str:
    """``cons_run(5)`` of a consumer library, loaded with its provider in a new process
    (so each test sees its own provider): ``505``."""
    code = (
        "import ctypes, sys; f = ctypes.CDLL(sys.argv[1]).cons_run; f.restype = ctypes.c_long; "
        "f.argtypes = [ctypes.c_long]; print(f(5))"
    )
    return demo.sh([sys.executable, "-c", code, str(library)]).strip()


@pytest.fixture(scope="module")
def gcc_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """libdemo.so.1 built as the helpers build a provider (hidden visibility,
    DEMO_BUILDING), with the project's default consumer flags nowhere changed."""
    out = sources(tmp_path_factory.mktemp("gcc"))
    demo.sh(["gcc", "-O2", "-fPIC", "-fvisibility=hidden", "-DDEMO_BUILDING", *WARNINGS,
             "-shared", "-Wl,-soname,libdemo.so.1", "-o", str(out / "libdemo.so.1"),
             str(out / "demo.c")])  # fmt: skip
    return out


@pytest.mark.integration
def test_library_exports_what_the_macros_mark(gcc_build: Path) -> None:
    symbols = exported(gcc_build / "libdemo.so.1")
    assert {"demo_add", "demo_calls"} <= symbols and "demo_hidden" not in symbols


@X86_64_ELF
@pytest.mark.integration
@pytest.mark.parametrize("compiler", ["gcc", "g++"])
def test_consumer_calls_through_the_got(compiler: str, gcc_build: Path) -> None:
    """-O2 -fPIC and nothing else: the call is ``call *GOT(%rip)``, the GOT slot a
    GLOB_DAT relocation (bound at load), and no PLT entry exists for the function."""
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is missing (Debian: apt-get install {compiler})")
    source = gcc_build / ("cons.c" if compiler == "gcc" else "cons.cpp")
    lib = gcc_build / f"libcons-{compiler}.so"
    demo.sh([compiler, "-O2", "-fPIC", *WARNINGS, "-shared", "-o", str(lib), str(source),
             str(gcc_build / "libdemo.so.1"), "-Wl,-rpath,$ORIGIN"])  # fmt: skip
    code = demo.sh(["objdump", "-d", "--no-show-raw-insn", str(lib)])
    assert "demo_add@plt" not in code
    (slot,) = re.findall(r"call\s+\*0x[0-9a-f]+\(%rip\)\s+# ([0-9a-f]+) <demo_add>", code)
    relocations = demo.sh(["readelf", "-rW", str(lib)])
    kinds = dict(re.findall(r"^0*([0-9a-f]+)\s+\S+\s+(R_X86_64_\w+)\s+\S+\s+demo_add\b",
                            relocations, re.MULTILINE))  # fmt: skip
    assert kinds == {slot: "R_X86_64_GLOB_DAT"}
    assert run_consumer(lib) == "505"


@X86_64_ELF
@pytest.mark.integration
def test_static_link(gcc_build: Path) -> None:
    """Linked from an archive into a program, the GOT call becomes a direct one."""
    obj, archive, program = (gcc_build / n for n in ("static.o", "libdemo.a", "static-main"))
    demo.sh(["gcc", "-O2", "-DDEMO_BUILDING", *WARNINGS, "-c", "-o", str(obj),
             str(gcc_build / "demo.c")])  # fmt: skip
    demo.sh(["ar", "rcs", str(archive), str(obj)])
    demo.sh(["gcc", "-O2", *WARNINGS, "-o", str(program), str(gcc_build / "main.c"), str(archive)])
    assert demo.sh([str(program)]) == "2 2\n"
    code = demo.sh(["objdump", "-d", "--no-show-raw-insn", str(program)])
    assert re.search(r"call\s+[0-9a-f]+ <demo_add>", code) and "<demo_add@plt>" not in code


@pytest.mark.integration
def test_compiler_without_gcc_attributes(tmp_path: Path) -> None:
    """tcc has neither __GNUC__ nor __has_attribute: plain declarations, which work."""
    if shutil.which("tcc") is None:
        pytest.skip("tcc is missing (Debian: apt-get install tcc)")
    out = sources(tmp_path)
    demo.sh(["tcc", "-DDEMO_BUILDING", "-shared", "-o", str(out / "libdemo.so.1"),
             str(out / "demo.c")])  # fmt: skip
    lib = out / "libcons.so"
    demo.sh(["tcc", "-shared", "-o", str(lib), str(out / "cons.c"), str(out / "libdemo.so.1"),
             "-Wl,-rpath=$ORIGIN"])  # fmt: skip
    assert run_consumer(lib) == "505"


MINGW = "x86_64-w64-mingw32-"


@pytest.mark.integration
def test_windows_branch_with_mingw(tmp_path: Path) -> None:
    """dllexport building the DLL (only the marked API exported), dllimport in a
    consumer (``__imp_`` references, linked through the import library), nothing with
    DEMO_STATIC (a static program links)."""
    if shutil.which(MINGW + "gcc") is None:
        pytest.skip("mingw-w64 is missing (Debian: apt-get install gcc-mingw-w64-x86-64)")
    out = sources(tmp_path)
    gcc = [MINGW + "gcc", "-O2", *WARNINGS]
    demo.sh([*gcc, "-DDEMO_BUILDING", "-shared", "-o", str(out / "demo.dll"), str(out / "demo.c"),
             f"-Wl,--out-implib,{out / 'libdemo.dll.a'}"])  # fmt: skip
    table = demo.sh([MINGW + "objdump", "-p", str(out / "demo.dll")])
    names = re.findall(r"^\s+\[\s*\d+\] (\w+)$", table.split("[Ordinal/Name Pointer] Table")[1],
                       re.MULTILINE)  # fmt: skip
    assert names == ["demo_add", "demo_calls"]

    demo.sh([*gcc, "-c", "-o", str(out / "cons.o"), str(out / "cons.c")])
    relocations = demo.sh([MINGW + "objdump", "-r", str(out / "cons.o")])
    assert {"__imp_demo_add", "__imp_demo_calls"} <= set(re.findall(r"\S+$", relocations, re.M))
    demo.sh([*gcc, "-shared", "-o", str(out / "cons.dll"), str(out / "cons.o"),
             str(out / "libdemo.dll.a")])  # fmt: skip

    demo.sh([*gcc, "-DDEMO_STATIC", "-DDEMO_BUILDING", "-c", "-o", str(out / "static.o"),
             str(out / "demo.c")])  # fmt: skip
    demo.sh([MINGW + "ar", "rcs", str(out / "libdemo.a"), str(out / "static.o")])
    demo.sh([*gcc, "-DDEMO_STATIC", "-c", "-o", str(out / "main.o"), str(out / "main.c")])
    assert "__imp_demo" not in demo.sh([MINGW + "objdump", "-r", str(out / "main.o")])
    demo.sh([*gcc, "-o", str(out / "main.exe"), str(out / "main.o"), str(out / "libdemo.a")])


CMAKE_PROJECT = """\
cmake_minimum_required(VERSION 3.15)
project(demo VERSION 1.4.0 LANGUAGES C)
include(PylinkProvider)
add_library(demo SHARED demo.c)
target_include_directories(demo PUBLIC ${{CMAKE_CURRENT_SOURCE_DIR}})
pylink_add_provider(TARGET demo NAME {name} PACKAGE_DIR demo HEADERS demo.h
                    EXPORT_HEADER {header})
add_library(cons SHARED cons.c)
target_link_libraries(cons PRIVATE demo)
"""


def cmake(tmp_path: Path, name: str = "demo", header: str = "demo_export.h") -> Path:
    """Configure a project of pylink_add_provider(EXPORT_HEADER), run by this Python."""
    src = sources(tmp_path / "src")
    (src / "demo_export.h").unlink()  # the helper generates it
    (src / "CMakeLists.txt").write_text(CMAKE_PROJECT.format(name=name, header=header))
    build = tmp_path / "build"
    cmake_dir = demo.REPO / "pylinkdep" / "cmake"
    demo.sh([*CMAKE, "-S", str(src), "-B", str(build), f"-DCMAKE_MODULE_PATH={cmake_dir}",
             f"-DPython_EXECUTABLE={sys.executable}",
             f"-DCMAKE_INSTALL_PREFIX={tmp_path / 'prefix'}"])  # fmt: skip
    return build


@pytest.mark.integration
def test_cmake_helper(tmp_path: Path) -> None:
    """The header generated at configure time, DEMO_BUILDING on the library only (its own
    consumer target calls through the GOT), installed beside the other headers."""
    build = cmake(tmp_path)
    demo.sh([CMAKE[0], "--build", str(build)])
    demo.sh([CMAKE[0], "--install", str(build)])
    pkg = tmp_path / "prefix" / "demo"
    assert sorted(p.name for p in (pkg / "include").iterdir()) == ["demo.h", "demo_export.h"]
    assert (pkg / "include" / "demo_export.h").read_text() == export_header.header("demo")
    doc = json.loads((pkg / "pylink.json").read_text())
    assert doc["include_dirs"] == ["include"] and doc["defines"] == []
    symbols = exported(pkg / "libdemo.so.1")
    assert {"demo_add", "demo_calls"} <= symbols and "demo_hidden" not in symbols
    relocations = demo.sh(["readelf", "-rW", str(build / "libcons.so")])
    assert re.search(r"R_X86_64_GLOB_DAT\s+\S+\s+demo_add\b", relocations)
    assert not re.search(r"R_X86_64_JUMP_SLOT\s+\S+\s+demo_add\b", relocations)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("name", "header", "message"),
    [
        ("3d", "demo_export.h", "'3d' cannot name C macros: 3D_API must start with"),
        ("demo", "sub/demo_export.h", "EXPORT_HEADER takes a file name, not sub/demo_export.h"),
    ],
)
def test_cmake_helper_refuses(name: str, header: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError) as info:
        cmake(tmp_path, name, header)
    assert message in " ".join(str(info.value).split())


@pytest.mark.parametrize("project", ["provider-meson", "provider-cmake"])
def test_examples_ship_the_header(project: str, examples_python: Path) -> None:
    """The meson snippet and the CMake helper install the generated header; the package's
    own extension, built with it, binds every provider function with GLOB_DAT (no PLT
    entry), so NAME_BUILDING reached the library only, never pylink.json."""
    name = {"provider-meson": "exampleprov", "provider-cmake": "tallyprov"}[project]
    pkg = demo.site_packages(examples_python) / name
    assert (pkg / "include" / f"{name}_export.h").read_text() == export_header.header(name)
    doc = json.loads((pkg / "pylink.json").read_text())
    assert not any(d.endswith("_BUILDING") for d in doc["defines"])
    (own,) = pkg.glob("_*.cpython-*.so")
    relocations = demo.sh(["readelf", "-rW", str(own)])
    kinds = re.findall(rf"(R_X86_64_\w+)\s+\S+\s+{name}_\w+", relocations)
    assert len(kinds) >= 4 and set(kinds) == {"R_X86_64_GLOB_DAT"}
