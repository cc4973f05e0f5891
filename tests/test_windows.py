"""Windows for real, on this machine: a provider DLL and its import library built by
CMake (``pylink_add_provider``) with mingw-w64, packaged as a win_amd64 wheel and
installed by pip into a site directory; consumers linked through pylinkdep's own flags,
by CMake with a mingw-w64 toolchain file and by meson with a cross file, both resolving
the provider from that site directory as a cross build does; and under wine, a harness
that loads each consumer as CPython loads an extension after the actions ``runtime.plan``
gives for win32. Skips, naming the install command, without mingw-w64 or wine64."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pylinkdep import _shipped, find, runtime
from pylinkdep.cli import main
from pylinkdep.errors import InvalidMetadata
from pylinkdep.metadata import oldest_format, parse
from pylinkdep.outputs import cargo, cmake, flags, pkgconfig, runtime_module
from pylinkdep.setuptools import apply_dependencies
from pylinkdep.wheel.check import check_wheel

from .conftest import MakeProvider, valid_doc
from .crossbuild import MINGW
from .test_check import write_wheel
from .test_metadata import SCHEMA
from .test_providers import CMAKE

integration = pytest.mark.integration

PROV_H = """\
#ifdef PROV_BUILDING
#  define PROV_API __declspec(dllexport)
#else
#  define PROV_API __declspec(dllimport)
#endif
PROV_API int prov_count(void);
"""
# The provider's one global state: a counter; each step comes from a helper DLL its
# distribution ships in prov.libs/, as a repair tool would place it.
PROV_C = """\
#define PROV_BUILDING
#include "prov.h"
__declspec(dllimport) int helper_step(void);
static int count;
int prov_count(void) { return count += helper_step(); }
"""
HELPER_C = "__declspec(dllexport) int helper_step(void) { return 1; }\n"
CONSUMER_C = """\
#include "prov.h"
__declspec(dllexport) int {name}(void) {{ return prov_count(); }}
"""
# Each argument an action: D<dir> AddDllDirectory; L<path> a load as ctypes.CDLL(path) and
# CPython's extension import do it (Python 3.8+); C<name> a call of int name(void) in the
# module loaded last. One line printed per action; the first failure ends the run.
HARNESS_C = r"""
#include <windows.h>
#include <stdio.h>
int wmain(int argc, wchar_t **argv) {
  HMODULE last = NULL;
  for (int i = 1; i < argc; i++) {
    wchar_t *arg = argv[i] + 1;
    if (argv[i][0] == L'D') {
      if (!AddDllDirectory(arg)) { printf("error %lu\n", GetLastError()); return 1; }
      printf("added\n");
    } else if (argv[i][0] == L'L') {
      last = LoadLibraryExW(arg, NULL,
          LOAD_LIBRARY_SEARCH_DEFAULT_DIRS | LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR);
      if (!last) { printf("error %lu\n", GetLastError()); return 1; }
      printf("loaded\n");
    } else {
      char name[256];
      WideCharToMultiByte(CP_UTF8, 0, arg, -1, name, sizeof name, NULL, NULL);
      FARPROC f = GetProcAddress(last, name);
      if (!f) { printf("error %lu\n", GetLastError()); return 1; }
      printf("%d\n", ((int (*)(void))f)());
    }
    fflush(stdout);
  }
  return 0;
}
"""
ERROR_MOD_NOT_FOUND = 126


def mingw(cwd: Path, *argv: str | Path) -> None:
    proc = subprocess.run([MINGW, *map(str, argv)], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{argv}: {proc.stderr}"


PROVIDER_CMAKE = """
cmake_minimum_required(VERSION 3.15)
project(prov VERSION 1.0 LANGUAGES C)
include(PylinkProvider)
add_library(helper SHARED helper.c)
add_library(prov SHARED prov.c)
target_link_libraries(prov PRIVATE helper)
pylink_add_provider(TARGET prov NAME prov HEADERS prov.h)
install(TARGETS helper RUNTIME DESTINATION prov.libs)
"""
TOOLCHAIN = f"set(CMAKE_SYSTEM_NAME Windows)\nset(CMAKE_C_COMPILER {MINGW})\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The provider's install tree, built with mingw-w64 by CMake through
    ``pylink_add_provider``: ``prov/`` holds libprov.dll, its import library
    libprov.dll.a, include/prov.h and pylink.json; ``prov.libs/`` the helper DLL."""
    if shutil.which(MINGW) is None:
        pytest.skip(f"{MINGW} builds the Windows test DLLs: apt-get install gcc-mingw-w64-x86-64")
    out = tmp_path_factory.mktemp("winbuild")
    src = out / "src"
    src.mkdir()
    for name, text in (("CMakeLists.txt", PROVIDER_CMAKE), ("prov.h", PROV_H),
                       ("prov.c", PROV_C), ("helper.c", HELPER_C)):  # fmt: skip
        (src / name).write_text(text)
    (out / "toolchain.cmake").write_text(TOOLCHAIN)
    prefix = out / "prefix"
    for argv in (
        [*CMAKE, "-S", str(src), "-B", str(out / "build"),
         f"-DCMAKE_TOOLCHAIN_FILE={out / 'toolchain.cmake'}",
         f"-DCMAKE_MODULE_PATH={_shipped.CMAKE_DIR}", f"-DPython3_EXECUTABLE={sys.executable}",
         f"-DCMAKE_INSTALL_PREFIX={prefix}"],
        [CMAKE[0], "--build", str(out / "build")],
        [CMAKE[0], "--install", str(out / "build")],
    ):  # fmt: skip
        proc = subprocess.run(argv, capture_output=True, text=True)
        assert proc.returncode == 0, f"{argv}: {proc.stdout}{proc.stderr}"
    return prefix


def provider_members(built: Path) -> dict[str, bytes]:
    """A win_amd64 wheel of ``prov``: the DLL and import library beside pylink.json, the
    helper DLL in prov.libs/."""
    dist_info = "prov-1.0.dist-info"
    return {
        "prov/__init__.py": b"",
        **{
            f.relative_to(built).as_posix(): f.read_bytes()
            for f in sorted(built.rglob("*"))
            if f.is_file()
        },
        f"{dist_info}/METADATA": b"Metadata-Version: 2.1\nName: prov\nVersion: 1.0\n",
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
        b"Tag: py3-none-win_amd64\n",
        f"{dist_info}/entry_points.txt": b"[pylink]\nprov = prov\n",
        f"{dist_info}/RECORD": b"",
    }


@pytest.fixture(scope="module")
def site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory pip installed the provider's win_amd64 wheel into."""
    root = tmp_path_factory.mktemp("winsite")
    wheel = write_wheel(root / "prov-1.0-py3-none-win_amd64.whl", provider_members(built))
    target = root / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         "--platform", "win_amd64", "--only-binary=:all:", "--target", str(target), str(wheel)],
        check=True,
    )  # fmt: skip
    return target


@pytest.fixture(scope="module")
def consumers(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two consumer DLLs, ``cons/cons_a.dll`` and ``cons/cons_b.dll`` in the site
    directory, compiled and linked with ``flags.cflags`` and ``flags.libs`` of the
    provider resolved from that site directory."""
    dep = find("prov", path=[str(site)], python_abi="")
    src = tmp_path_factory.mktemp("winconsumers")
    (site / "cons").mkdir(exist_ok=True)
    built = {}
    for name in ("cons_a", "cons_b"):
        (src / f"{name}.c").write_text(CONSUMER_C.format(name=name))
        dll = site / "cons" / f"{name}.dll"
        mingw(src, "-shared", "-o", dll, f"{name}.c", *flags.cflags([dep]), *flags.libs([dep]))
        built[name] = dll
    return built


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command line that runs the harness under wine, in a scratch prefix."""
    wine = shutil.which("wine64") or "/usr/lib/wine/wine64"  # Debian installs it off PATH
    if not os.access(wine, os.X_OK):
        pytest.skip("wine64 runs the Windows loader test: apt-get install wine64")
    if shutil.which(MINGW) is None:
        pytest.skip(f"{MINGW} builds the harness: apt-get install gcc-mingw-w64-x86-64")
    out = tmp_path_factory.mktemp("harness")
    (out / "harness.c").write_text(HARNESS_C)
    mingw(out, "-municode", "-o", "harness.exe", "harness.c")
    os.environ["WINEPREFIX"] = str(out / "prefix")
    os.environ["WINEDEBUG"] = "-all"
    return [wine, str(out / "harness.exe")]


def windows_path(path: str | Path) -> str:
    """``path`` as wine's Windows programs see it: through drive Z:, the Unix root."""
    return "Z:" + str(path).replace("/", "\\")


def run_harness(harness: list[str], *args: str) -> list[str]:
    proc = subprocess.run([*harness, *args], capture_output=True, text=True, timeout=300)
    return proc.stdout.split()


def actions_args(actions: list[tuple[str, str]]) -> list[str]:
    """``runtime.plan``'s actions as harness arguments: each load by full path, each
    directory added."""
    return [("L" if a == "load" else "D") + windows_path(target) for a, target in actions]


def plan(site: Path) -> list[tuple[str, str]]:
    """What the consumer's run-time module does on Windows, from its real provider table."""
    table = runtime_module.provider_table([find("prov", path=[str(site)], python_abi="")])
    return runtime.plan("cons", str(site), table, platform="win32", path=[str(site)])


IMPLIB = {"path": "libdemo.so.1", "soname": "libdemo.so.1", "import_library": "libdemo.dll.a"}


def test_import_library_is_format_2() -> None:
    """A nested key counts for the format like a top-level one: one rule."""
    doc = valid_doc(libraries=[IMPLIB])
    assert oldest_format(doc) == 2 and oldest_format(valid_doc()) == 1
    with pytest.raises(InvalidMetadata) as exc:
        parse(json.dumps(doc).encode(), file="pylink.json")
    assert "field 'libraries[].import_library'" in str(exc.value)
    assert "needs format version 2 or later; this file says 1" in str(exc.value)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)
    doc["pylink"] = 2
    jsonschema.validate(doc, SCHEMA)
    assert parse(json.dumps(doc).encode(), file="f").libraries[0].import_library == "libdemo.dll.a"
    for bad in ("/abs/libdemo.dll.a", "C:/libdemo.lib", "sub\\libdemo.lib", ""):
        doc["libraries"] = [{**IMPLIB, "import_library": bad}]
        with pytest.raises(InvalidMetadata, match=r"libraries\[0\]\.import_library"):
            parse(json.dumps(doc).encode(), file="f")
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("libdemo.dll.a", "'libdemo.dll.a': no such file"),
        ("../outside.lib", "outside the package directory"),
        ("a|b.lib", "holds '|', which ninja"),
    ],
)
def test_import_library_is_bound_like_path(
    tmp_path: Path, make_provider: MakeProvider, rel: str, message: str
) -> None:
    site = tmp_path / "site"
    doc = valid_doc(pylink=2, libraries=[{**IMPLIB, "path": "libdemo.so.1", "import_library": rel}])
    pkg = make_provider(site, "demo", doc=doc)
    (site / "outside.lib").write_bytes(b"!<arch>\n")
    (pkg / "a|b.lib").write_bytes(b"!<arch>\n")
    with pytest.raises(InvalidMetadata, match=r"libraries\[0\]\.import_library") as exc:
        find("demo", path=[str(site)])
    assert message in str(exc.value)
    (pkg / "libdemo.dll.a").write_bytes(b"!<arch>\n")
    doc["libraries"][0]["import_library"] = "libdemo.dll.a"
    (pkg / "pylink.json").write_text(json.dumps(doc))
    (lib,) = find("demo", path=[str(site)]).libraries
    assert lib.link_file == lib.import_library == str(pkg / "libdemo.dll.a")


@integration
def test_cmake_installs_the_dll_and_its_import_library(built: Path) -> None:
    assert sorted(f.relative_to(built).as_posix() for f in built.rglob("*") if f.is_file()) == [
        "prov.libs/libhelper.dll",
        "prov/cmake/provConfig.cmake",
        "prov/cmake/provConfigVersion.cmake",
        "prov/include/prov.h",
        "prov/libprov.dll",
        "prov/libprov.dll.a",
        "prov/pylink.json",
    ]
    doc = json.loads((built / "prov" / "pylink.json").read_text())
    assert doc["pylink"] == 2  # import_library is a format 2 key
    assert doc["libraries"] == [
        {"path": "libprov.dll", "soname": "libprov.dll", "kind": "shared",
         "import_library": "libprov.dll.a"}
    ]  # fmt: skip


@integration
def test_generate_refuses_a_mismatched_or_wrong_import_library(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["generate", "-o", str(tmp_path / "pylink.json"), "--name", "prov", "--version",
            "1.0", "--abi=>=1.0,<2", "--library", str(built / "prov" / "libprov.dll")]  # fmt: skip
    assert main([*args, "--import-library", str(built / "prov" / "libprov.dll")]) == 1
    assert "libprov.dll is not an import library (an ar archive" in capsys.readouterr().err
    assert main([*args, *(["--import-library", str(built / "prov" / "libprov.dll.a")] * 2)]) == 1
    assert "2 import libraries for 1 libraries" in capsys.readouterr().err
    assert not (tmp_path / "pylink.json").exists()


@integration
def test_check_windows_provider_wheel(built: Path, tmp_path: Path) -> None:
    """The wheel passes; without the import library shipped, or recorded, it fails with
    one line naming the entry."""
    members = provider_members(built)
    assert check_wheel(str(write_wheel(tmp_path / "ok.whl", members))) == []
    del members["prov/libprov.dll.a"]
    assert check_wheel(str(write_wheel(tmp_path / "unshipped.whl", members))) == [
        "prov/pylink.json: libraries[0].import_library 'libprov.dll.a': import library "
        "missing from the wheel"
    ]
    doc = json.loads(members["prov/pylink.json"])
    del doc["libraries"][0]["import_library"]
    members["prov/pylink.json"] = json.dumps(doc).encode()
    assert check_wheel(str(write_wheel(tmp_path / "unrecorded.whl", members))) == [
        "prov/pylink.json: libraries[0]: 'libprov.dll' is a DLL and pylink.json gives no "
        "import_library: consumers on Windows link the .lib or .dll.a (pylinkdep generate "
        "--import-library FILE, and ship the file)"
    ]


@integration
def test_every_output_links_the_import_library(site: Path, tmp_path: Path) -> None:
    dep = find("prov", path=[str(site)], python_abi="")
    dll, implib = site / "prov" / "libprov.dll", site / "prov" / "libprov.dll.a"
    (lib,) = dep.libraries
    assert (lib.path, lib.import_library, lib.link_file) == (str(dll), str(implib), str(implib))
    assert flags.libs([dep]) == [str(implib)]
    assert f"cargo:rustc-link-arg={implib}" in cargo.directives([dep], "cons", "win32")
    assert not any("rpath" in d for d in cargo.directives([dep], "cons", "win32"))
    config = cmake.config_files(dep)["provConfig.cmake"]
    assert f'IMPORTED_IMPLIB "{implib}"' in config
    assert f'IMPORTED_LOCATION "{dll}"' in config
    assert "add_library(prov::prov SHARED IMPORTED)" in config
    assert "Libs: ${prefix}/libprov.dll.a" in pkgconfig.pc_text(dep.provider)

    from setuptools import Extension

    ext = Extension("cons._cons", ["cons.c"])
    apply_dependencies(ext, [dep], "cons", "win32")
    assert (ext.extra_objects, ext.extra_link_args) == ([str(implib)], [])


@integration
def test_consumers_import_the_provider_dll(consumers: dict[str, Path]) -> None:
    from pylinkdep import _binary

    for dll in consumers.values():
        with open(dll, "rb") as f:
            (image,) = _binary.images(f)
        assert "libprov.dll" in image.needed


@integration
def test_plan_adds_only_the_helper_directory(site: Path) -> None:
    assert plan(site) == [
        ("add_dll_directory", str(site / "prov.libs")),
        ("load", str(site / "prov" / "libprov.dll")),
    ]


@integration
def test_wine_loads_consumers_as_cpython_after_the_plan(
    harness: list[str], site: Path, consumers: dict[str, Path]
) -> None:
    """Without the plan the consumer's import fails as on Windows (error 126, module not
    found); without the helper directory the provider's preload fails; with the plan both
    consumers load and call the provider, sharing its one counter."""
    a, b = (windows_path(consumers[n]) for n in ("cons_a", "cons_b"))
    actions = plan(site)
    assert run_harness(harness, f"L{a}") == ["error", str(ERROR_MOD_NOT_FOUND)]
    loads = [x for x in actions if x[0] == "load"]
    assert run_harness(harness, *actions_args(loads), f"L{a}") == [
        "error",
        str(ERROR_MOD_NOT_FOUND),
    ]
    assert run_harness(harness, *actions_args(actions), f"L{a}", "Ccons_a", f"L{b}",
                       "Ccons_b", "Ccons_b") == ["added", "loaded", "loaded", "1", "loaded",
                                                 "2", "3"]  # fmt: skip


CONSUMER_CMAKE = """\
cmake_minimum_required(VERSION 3.15)
project(cons_cmake C)
find_package(pylinkdep REQUIRED COMPONENTS prov)
find_package(prov 1.0 REQUIRED)
add_library(cons_cmake MODULE cons_cmake.c)
set_target_properties(cons_cmake PROPERTIES PREFIX "")
target_link_libraries(cons_cmake PRIVATE prov::prov)
pylink_target_rpath(cons_cmake DESTINATION cons)
"""
CONSUMER_MESON = """\
project('cons_meson', 'c')
dep = dependency('prov', method: 'pylink')
shared_module('cons_meson', 'cons_meson.c', dependencies: dep, name_prefix: '')
"""
CROSS_FILE = """\
[binaries]
c = '{cc}'
ar = 'x86_64-w64-mingw32-ar'
strip = 'x86_64-w64-mingw32-strip'
python = '{python}'
[host_machine]
system = 'windows'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
[properties]
pylink_target_site = '{site}'
pylink_target_python_abi = 'none'
"""


def build(*argv: str | Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(list(map(str, argv)), capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"{argv}: {proc.stdout}{proc.stderr}"


@pytest.fixture(scope="module")
def build_systems(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The build directories of two more consumers of the target site's provider, each
    copied into ``cons/`` of the site: ``cmake`` (``cons_cmake.dll``: a MODULE library
    linked to ``prov::prov``, with a mingw-w64 toolchain file and PYLINKDEP_TARGET_SITE)
    and ``meson`` (``cons_meson.dll``: pylinkdep-meson with a cross file for
    x86_64-w64-mingw32 whose [properties] name the target site)."""
    root = tmp_path_factory.mktemp("winbuildsystems")
    (root / "toolchain.cmake").write_text(TOOLCHAIN)
    (root / "cross.ini").write_text(
        CROSS_FILE.format(cc=shutil.which(MINGW), python=sys.executable, site=site)
    )
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    builds = {}
    for system, build_file, text in (("cmake", "CMakeLists.txt", CONSUMER_CMAKE),
                                     ("meson", "meson.build", CONSUMER_MESON)):  # fmt: skip
        name = f"cons_{system}"
        source, out = root / system, root / f"{system}-build"
        source.mkdir()
        (source / build_file).write_text(text)
        (source / f"{name}.c").write_text(CONSUMER_C.format(name=name))
        if system == "cmake":
            build(*CMAKE, "-S", source, "-B", out,
                  f"-DCMAKE_TOOLCHAIN_FILE={root / 'toolchain.cmake'}",
                  f"-Dpylinkdep_DIR={_shipped.CMAKE_DIR}", f"-DPython_EXECUTABLE={sys.executable}",
                  f"-DPYLINKDEP_TARGET_SITE={site}", "-DPYLINKDEP_TARGET_PYTHON_ABI=none",
                  env=env)  # fmt: skip
        else:
            build(sys.executable, "-m", "pylinkdep.meson", "setup", "--cross-file",
                  root / "cross.ini", out, source, env=env)  # fmt: skip
        build("ninja", "-C", out, env=env)
        (site / "cons").mkdir(exist_ok=True)
        shutil.copy(out / f"{name}.dll", site / "cons" / f"{name}.dll")
        builds[system] = out
    return builds


@integration
def test_build_systems_link_the_target_import_library(
    site: Path, build_systems: dict[str, Path]
) -> None:
    """CMake links the imported target's IMPORTED_IMPLIB, meson the import library of
    the cross file's target site; each DLL imports the provider's API from libprov.dll
    by name, with no path."""
    from pylinkdep import _binary

    implib = str(site / "prov" / "libprov.dll.a")
    config = (build_systems["cmake"] / "pylinkdep" / "prov" / "provConfig.cmake").read_text()
    assert f'IMPORTED_IMPLIB "{implib}"' in config
    for system, out in build_systems.items():
        assert implib in (out / "build.ninja").read_text(), system
        with (site / "cons" / f"cons_{system}.dll").open("rb") as f:
            assert _binary.imports_by_library(f).get("libprov.dll") == frozenset({"prov_count"}), (
                system
            )


@integration
def test_wine_shares_one_provider_between_build_systems(
    harness: list[str], site: Path, consumers: dict[str, Path], build_systems: dict[str, Path]
) -> None:
    """The CMake and meson consumers load under wine as CPython loads an extension: not
    without the run-time module's plan (error 126), and after it with the consumer
    linked from pylinkdep's flags, all three calling one provider instance."""
    cmake_dll, meson_dll = (windows_path(site / "cons" / f"cons_{s}.dll") for s in build_systems)
    for dll in (cmake_dll, meson_dll):
        assert run_harness(harness, f"L{dll}") == ["error", str(ERROR_MOD_NOT_FOUND)]
    a = windows_path(consumers["cons_a"])
    assert run_harness(harness, *actions_args(plan(site)), f"L{cmake_dll}", "Ccons_cmake",
                       f"L{meson_dll}", "Ccons_meson", f"L{a}", "Ccons_a",
                       "Ccons_a") == ["added", "loaded", "loaded", "1", "loaded", "2",
                                      "loaded", "3", "4"]  # fmt: skip
