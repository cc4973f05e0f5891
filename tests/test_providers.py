"""The example providers (meson-python, scikit-build-core, an extension module that
exports its C API): real isolated wheel builds, installed with pip into one venv,
listed, checked, their own extensions called, and a gcc-built consumer of each sharing
the provider's state."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import demo, dynamic, exported

pytestmark = pytest.mark.integration

TESTS = Path(__file__).resolve().parent


def _tool(name: str) -> str:
    """A tool of the test extra (cmake, ninja): from this venv, else from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


CMAKE = [_tool("cmake"), "-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={_tool('ninja')}"]


@dataclass(frozen=True)
class Example:
    project: str  # directory under examples/
    name: str  # dependency, distribution and package name
    version: str
    abi: str
    cmake: str
    library: str
    kind: str
    own_extension: str  # Python code printing the provider's state after its own calls
    consumer_code: str  # Python code using consumer ``ext``, then the provider's module


EXAMPLES = [
    Example(
        "provider-meson",
        "exampleprov",
        "1.2.0",
        ">=1.2,<2",
        "ExampleProv",
        "libexampleprov.so.1",
        "shared",
        "import exampleprov as p; p.add(2); p.add(3); print(p.stats(), p.version())",
        "print(ext.add(40)); import exampleprov as p; print(p.add(2), ext.total())",
    ),
    Example(
        "provider-cmake",
        "tallyprov",
        "2.1.0",
        ">=2.1,<3",
        "TallyProv",
        "libtallyprov.so.2",
        "shared",
        "import tallyprov as p; p.bump('a', 2); p.bump('b'); p.bump('a'); "
        "print(p.items(), p.get('a'), p.version())",
        "print(ext.bump('x', 40)); import tallyprov as p; print(p.bump('x', 2), ext.size())",
    ),
    Example(
        "provider-extmodule",
        "extmodprov",
        "1.0.0",
        ">=1.0,<2",
        "ExtModProv",
        "libextmodprov.so.1",
        "extension",
        "import extmodprov as p; p.record(4); p.record(-1); print(p.summary(), p.version())",
        "print(ext.record(40)); import extmodprov as p; p.record(2); print(p.summary(), "
        "ext.summary())",
    ),
]
IDS = [e.project for e in EXAMPLES]


def run(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a script of the venv of ``python``, capturing its output."""
    return subprocess.run([str(python.parent / args[0]), *args[1:]], capture_output=True, text=True)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_wheel_layout(example: Example, example_wheels: dict[str, Path]) -> None:
    """Library under its SONAME, header and pylink.json in the package, entry point."""
    import zipfile

    with zipfile.ZipFile(example_wheels[example.project]) as zf:
        names = set(zf.namelist())
        pkg = example.name
        assert {f"{pkg}/{example.library}", f"{pkg}/include/{pkg}.h", f"{pkg}/pylink.json"} <= names
        assert not any(n.endswith(".so") and "/lib" in n for n in names)  # no dev symlink copy
        entry_points = zf.read(f"{pkg}-{example.version}.dist-info/entry_points.txt").decode()
        assert re.search(rf"^\[pylink\]\n{pkg} = {pkg}$", entry_points, re.MULTILINE)
        lib = dynamic(zf.read(f"{pkg}/{example.library}"))
        assert lib.soname == example.library
        doc = json.loads(zf.read(f"{pkg}/pylink.json"))
        assert (doc["version"], doc["abi"], doc["cmake"]["package"]) == (
            example.version,
            example.abi,
            example.cmake,
        )
        assert doc["libraries"] == [
            {"path": example.library, "soname": example.library, "kind": example.kind}
        ]
        if example.kind == "extension":
            assert doc["python_abi"].startswith("cp3") and "PyInit__core" in exported(
                zf.read(f"{pkg}/{example.library}")
            )
        else:
            (module,) = [n for n in names if re.fullmatch(rf"{pkg}/_\w+\.cpython-.*\.so", n)]
            own = dynamic(zf.read(module))
            assert own.needed[0] == example.library and own.runpath == ("$ORIGIN",)


def test_list_shows_every_example(examples_python: Path) -> None:
    proc = run(examples_python, "pylinkdep", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = {e["name"]: e for e in json.loads(proc.stdout)}
    assert sorted(listed) == sorted(e.name for e in EXAMPLES)
    for example in EXAMPLES:
        entry = listed[example.name]
        assert entry["version"] == example.version
        assert entry["requirement"] == f"{example.name}{example.abi}"
        assert entry["cmake_name"] == example.cmake
    text = run(examples_python, "pylinkdep", "list").stdout
    assert all(re.search(rf"^{e.name} +{e.version} ", text, re.MULTILINE) for e in EXAMPLES)


def test_every_example_passes_check(examples_python: Path, example_wheels: dict[str, Path]) -> None:
    """The installed pylinkdep (which knows the installed providers) passes every wheel."""
    wheels = [str(w) for w in example_wheels.values()]
    proc = run(examples_python, "pylinkdep", "check", *wheels)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == [f"{w}: OK" for w in wheels]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_own_extension_works(example: Example, examples_python: Path) -> None:
    out = demo.sh([str(examples_python), "-c", example.own_extension], cwd="/")
    expected = {
        "exampleprov": "{'count': 2, 'total': 5} 1.2.0",
        "tallyprov": "[('a', 3), ('b', 1)] 3 2.1.0",
        "extmodprov": "{'count': 2, 'min': -1, 'max': 4} 1.0.0",
    }
    assert out.strip() == expected[example.name]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_consumer_shares_state(example: Example, examples_python: Path) -> None:
    """A consumer compiled with gcc from `pylinkdep --cflags --libs`, imported first, loads
    the provider's library through its RUNPATH; the provider's module then sees its state."""
    subdir = f"{example.name}_consumer/sub"
    if example.name == "exampleprov":
        source = demo.EXAMPLES / "consumer-plain" / "_ext.c"
    else:
        source = TESTS / "consumers" / f"{example.name}_ext.c"
    target = demo.build_gcc_consumer(examples_python, example.name, source, subdir)
    dynamic = demo.sh(["readelf", "-d", str(target)])
    assert f"Shared library: [{example.library}]" in dynamic
    assert f"Library runpath: [$ORIGIN/../../{example.name}]" in dynamic
    module = subdir.replace("/", ".")
    code = (
        f"import sys, {module}._ext as ext\n"
        f"assert {example.name!r} not in sys.modules\n" + example.consumer_code.replace("; ", "\n")
    )
    out = demo.sh([str(examples_python), "-c", code], cwd="/").split("\n", 1)
    expected = {
        "exampleprov": ["40", "42 42"],
        "tallyprov": ["40", "42 1"],
        "extmodprov": ["1", "{'count': 2, 'min': 2, 'max': 40} {'count': 2, 'min': 2, 'max': 40}"],
    }
    assert [line.strip() for line in out] == expected[example.name]


def test_meson_snippet_is_what_the_example_uses() -> None:
    """pylinkdep/meson_files/provider.meson, filled in, appears line for line in the meson
    example, but for the symbols file, which the example does not keep (its variants in
    the tests remove exports on purpose)."""
    snippet = (demo.REPO / "pylinkdep" / "meson_files" / "provider.meson").read_text()
    lines = [
        line
        for line in snippet.splitlines()
        if line and not line.startswith("#") and ".symbols'" not in line
    ]
    values = {
        "<package>": "exampleprov",
        "<headers>": "'include/exampleprov.h'",
        "<library>": "libexampleprov",
        "<name>": "exampleprov",
        "<abi>": "abi",
        "<CMakeName>": "ExampleProv",
        "<DEFINE>": "EXAMPLEPROV_SHARED",
        "<one line>": "Example counter library with process-global state",
        "<header>": "include/exampleprov.h",
    }
    filled = "\n".join(lines)
    for placeholder, value in values.items():
        filled = filled.replace(placeholder, value)
    assert "<" not in filled.replace("'--abi=' + abi", "")
    # The example adds the snippet's optional .pxd lines (its comment says how).
    example = (demo.EXAMPLES / "provider-meson" / "meson.build").read_text().splitlines()
    assert filled in "\n".join(line for line in example if "cython" not in line.lower())


PLAIN_CMAKE = """
cmake_minimum_required(VERSION 3.15)
project(plainprov VERSION 3.4.5 LANGUAGES C)
include(PylinkProvider)
add_library(plainprov SHARED plainprov.c)
pylink_add_provider(TARGET plainprov NAME plainprov HEADERS plainprov.h
                    REQUIRES "exampleprov>=1.2" LINK_ARGS -Wl,--as-needed)
"""


def test_cmake_module_without_scikit_build_core(examples_python: Path, tmp_path: Path) -> None:
    """Plain CMake with `pylinkdep --cmake-dir` on CMAKE_MODULE_PATH; the Python CMake
    finds lacks pylinkdep, so the module runs it with the site directory it lives in."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(PLAIN_CMAKE)
    (src / "plainprov.h").write_text(
        '__attribute__((visibility("default"))) int plainprov_answer(void);\n'
    )
    (src / "plainprov.c").write_text(
        '#include "plainprov.h"\nint helper(void) { return 41; }\n'
        "int plainprov_answer(void) { return helper() + 1; }\n"
    )
    cmake_dir = run(examples_python, "pylinkdep", "--cmake-dir").stdout.strip()
    base_python = demo.sh(
        [str(examples_python), "-c", "import sys; print(sys._base_executable)"]
    ).strip()
    prefix = tmp_path / "prefix"
    demo.sh(
        [*CMAKE, "-S", str(src), "-B", str(tmp_path / "build"), f"-DCMAKE_MODULE_PATH={cmake_dir}",
         f"-DPython3_EXECUTABLE={base_python}", f"-DCMAKE_INSTALL_PREFIX={prefix}"],
        cwd=tmp_path,
    )  # fmt: skip
    cache = (tmp_path / "build" / "CMakeCache.txt").read_text()
    site = demo.site_packages(examples_python)
    assert "PYLINK_GENERATOR:INTERNAL=" in cache and f";PYTHONPATH={site};{base_python};" in cache
    demo.sh([CMAKE[0], "--build", str(tmp_path / "build")])
    demo.sh([CMAKE[0], "--install", str(tmp_path / "build")])
    installed = sorted(p.relative_to(prefix).as_posix() for p in prefix.rglob("*") if p.is_file())
    assert installed == [
        "plainprov/cmake/plainprovConfig.cmake",  # find_package(plainprov): the trampoline
        "plainprov/cmake/plainprovConfigVersion.cmake",
        "plainprov/include/plainprov.h",
        "plainprov/libplainprov.so.3",
        "plainprov/pylink.json",
    ]
    doc = json.loads((prefix / "plainprov" / "pylink.json").read_text())
    assert (doc["version"], doc["abi"], doc["requires"], doc["link_args"]) == (
        "3.4.5",
        ">=3.4,<4",
        ["exampleprov>=1.2"],
        ["-Wl,--as-needed"],
    )
    assert doc["libraries"] == [
        {"path": "libplainprov.so.3", "soname": "libplainprov.so.3", "kind": "shared"}
    ]
    symbols = exported(prefix / "plainprov" / "libplainprov.so.3")
    assert "plainprov_answer" in symbols and "helper" not in symbols  # hidden by default


def test_cmake_module_rejects_a_module_target(examples_python: Path, tmp_path: Path) -> None:
    (tmp_path / "CMakeLists.txt").write_text(
        PLAIN_CMAKE.replace("add_library(plainprov SHARED", "add_library(plainprov MODULE")
    )
    (tmp_path / "plainprov.c").write_text("int plainprov_answer(void) { return 42; }\n")
    cmake_dir = run(examples_python, "pylinkdep", "--cmake-dir").stdout.strip()
    proc = subprocess.run(
        [*CMAKE, "-S", str(tmp_path), "-B", str(tmp_path / "build"),
         f"-DCMAKE_MODULE_PATH={cmake_dir}"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert "plainprov is a MODULE_LIBRARY; it must be add_library(plainprov SHARED)" in message


def test_cflags_of_each_example(examples_python: Path) -> None:
    site = demo.site_packages(examples_python)
    for example in EXAMPLES:
        out = run(examples_python, "pylinkdep", "--cflags", "--libs", example.name).stdout
        pkg = site / example.name
        define = f"-D{example.name.upper()}_SHARED"
        assert shlex.split(out) == [f"-I{pkg / 'include'}", define, str(pkg / example.library)]
