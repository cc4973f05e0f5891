"""Cython consumers: pylink.json ``cython_include_dirs`` from the document to each build
system's Cython, and real Cython extensions that ``cimport`` exampleprov's C API.

The integration tests build examples/consumer-cython (meson-python) and a setuptools +
Cython project, install them beside examples/consumer-meson, and show that the generated
C calls the provider's real exported symbols and shares its one counter.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pylinkdep
from pylinkdep import _binary
from pylinkdep.errors import InvalidMetadata
from pylinkdep.metadata import oldest_format, parse
from pylinkdep.outputs import cmake
from pylinkdep.wheel.check import check_wheel
from pylinkdep.wheel.generate import document

from .conftest import MakeProvider, Wheelhouse, demo, valid_doc
from .test_meson import OLDEST_MESON, bin_first
from .test_meson import oldest_python as oldest_python_fixture

oldest_python = oldest_python_fixture  # a venv with meson 1.2.3, for this module too

API = {"exampleprov_add", "exampleprov_total", "exampleprov_get_stats", "exampleprov_version"}


def _with_pxd(site: Path, make_provider: MakeProvider, name: str, **doc: object) -> Path:
    """A provider ``name`` whose pylink.json names ``cython/`` (holding ``<name>.pxd``)."""
    fields: dict[str, object] = {"pylink": 2, "cython_include_dirs": ["cython"], **doc}
    pkg = make_provider(site, name, doc=valid_doc(name, **fields))
    (pkg / "cython").mkdir()
    (pkg / "cython" / f"{name}.pxd").write_text(f'cdef extern from "{name}.h":\n    pass\n')
    return pkg


def test_format_2_key() -> None:
    """The one rule: a document with the key is format 2, and format 1 refuses it."""
    assert oldest_format(valid_doc(cython_include_dirs=["cython"])) == 2
    assert oldest_format(valid_doc()) == 1
    meta = parse(json.dumps(valid_doc(pylink=2, cython_include_dirs=["pxd"])).encode(), file="f")
    assert meta.cython_include_dirs == ("pxd",)
    with pytest.raises(InvalidMetadata, match="needs format version 2") as info:
        parse(json.dumps(valid_doc(cython_include_dirs=["pxd"])).encode(), file="f")
    assert info.value.field == "cython_include_dirs"


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("cython", "cython_include_dirs", "expected an array"),
        (["/usr/share/cython"], "cython_include_dirs[0]", "absolute"),
        (["a\\b"], "cython_include_dirs[0]", "separator"),
        ([""], "cython_include_dirs[0]", "empty path"),
    ],
)
def test_invalid_values_name_the_field(value: object, field: str, message: str) -> None:
    doc = valid_doc(pylink=2, cython_include_dirs=value)
    with pytest.raises(InvalidMetadata, match=message) as info:
        parse(json.dumps(doc).encode(), file="x/pylink.json", distribution="demo")
    assert info.value.field == field and info.value.distribution == "demo"


def test_bound_like_include_dirs(tmp_path: Path, make_provider: MakeProvider) -> None:
    """Absolute and existing; outside the package or missing is refused, naming the field."""
    pkg = _with_pxd(tmp_path / "ok", make_provider, "demo")
    assert pylinkdep.find("demo", path=[str(tmp_path / "ok")]).cython_include_dirs == (
        str(pkg / "cython"),
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "elsewhere").mkdir()
    for site, dirs, message in [
        ("out/site", ["../../elsewhere"], "outside the package directory"),
        ("gone", ["cython", "gone"], "no such directory"),
    ]:
        _with_pxd(tmp_path / site, make_provider, "demo", cython_include_dirs=dirs)
        with pytest.raises(InvalidMetadata, match=message) as info:
            pylinkdep.find("demo", path=[str(tmp_path / site)])
        assert info.value.field == f"cython_include_dirs[{len(dirs) - 1}]"


def test_link_order_each_once(tmp_path: Path, make_provider: MakeProvider) -> None:
    """A dependency's directories: its own, then those of what it requires, each once."""
    site = tmp_path / "site"
    low = _with_pxd(site, make_provider, "low")
    top = _with_pxd(site, make_provider, "top", requires=["low"])
    dep = pylinkdep.find("top", path=[str(site)])
    assert dep.cython_include_dirs == (str(top / "cython"), str(low / "cython"))
    assert f"cython dir:   {top / 'cython'}" in str(dep)
    config = cmake.config_files(dep)["TopConfig.cmake"]
    assert f'INTERFACE_PYLINK_CYTHON_INCLUDE_DIRS "{top / "cython"}"' in config
    assert f'set(Top_CYTHON_INCLUDE_DIRS "{top / "cython"};{low / "cython"}")' in config


def test_cli_variable_and_generate(tmp_path: Path, make_provider: MakeProvider) -> None:
    site = tmp_path / "site"
    pkg = _with_pxd(site, make_provider, "demo")
    env = {"PYTHONPATH": str(site), "PYLINKDEP_CACHE_DIR": str(tmp_path / "cache")}
    run = [sys.executable, "-m", "pylinkdep", "--variable=cython_include_dir", "demo"]
    out = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert out == f"{pkg / 'cython'}\n"
    doc = document(name="demo", version="1.0", abi=">=1,<2", cython_include_dirs=["cython"])
    assert doc["pylink"] == 2 and doc["cython_include_dirs"] == ["cython"]
    assert "cython_include_dirs" not in document(name="demo", version="1.0", abi=">=1,<2")


# -- real builds ---------------------------------------------------------------------------


def _rewritten(wheel: Path, out: Path, drop: str, add: dict[str, bytes]) -> Path:
    """A copy of ``wheel`` without member ``drop`` and with ``add``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name != drop:
                dst.writestr(name, src.read(name))
        for name, data in add.items():
            dst.writestr(name, data)
    return out


@pytest.mark.integration
def test_check_wants_pxd_files(wheelhouse: Wheelhouse, tmp_path: Path) -> None:
    wheel = wheelhouse.wheels("pylinkdep", "provider-meson")[1]
    pxd = "exampleprov/cython/exampleprov.pxd"
    assert pxd in zipfile.ZipFile(wheel).namelist() and check_wheel(str(wheel)) == []
    no_pxd = _rewritten(wheel, tmp_path / "a" / wheel.name, pxd, {"exampleprov/cython/x.h": b""})
    assert check_wheel(str(no_pxd)) == [
        "exampleprov/pylink.json: cython_include_dirs[0] 'cython': holds no .pxd file"
    ]
    gone = _rewritten(wheel, tmp_path / "b" / wheel.name, pxd, {})
    assert check_wheel(str(gone)) == [
        "exampleprov/pylink.json: cython_include_dirs[0] 'cython': no such directory in the wheel"
    ]


SETUP_PY = """\
from setuptools import setup

from pylinkdep.setuptools import Extension

setup(ext_modules=[Extension("cycons_st._ext", ["cycons_st/_ext.pyx"],
                             py_libraries=["exampleprov>=1.2"])])
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=64", "Cython>=3.0", "pylinkdep", "exampleprov>=1.2"]
build-backend = "setuptools.build_meta"

[project]
name = "cycons-st"
version = "0.1.0"
dependencies = ["exampleprov>=1.2,<2"]

[tool.setuptools]
packages = ["cycons_st"]
"""


SKBUILD_PYPROJECT = """\
[build-system]
requires = ["scikit-build-core>=0.10", "cython-cmake>=0.3", "Cython>=3.0", "pylinkdep",
            "exampleprov>=1.2"]
build-backend = "scikit_build_core.build"

[project]
name = "cycons-cm"
version = "0.1.0"
dependencies = ["exampleprov>=1.2,<2"]

[tool.scikit-build]
wheel.packages = ["cycons_cm"]
"""

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.15...4.4)
project(${SKBUILD_PROJECT_NAME} LANGUAGES C)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
find_package(Cython MODULE REQUIRED VERSION 3.0)
include(UseCython)
find_package(pylinkdep REQUIRED)
find_package(ExampleProv 1.2 CONFIG REQUIRED)

cython_transpile(cycons_cm/_ext.pyx LANGUAGE C OUTPUT_VARIABLE ext_c
                 INCLUDE_DIRECTORIES ${ExampleProv_CYTHON_INCLUDE_DIRS})
python_add_library(_ext MODULE "${ext_c}" WITH_SOABI)
target_link_libraries(_ext PRIVATE ExampleProv::ExampleProv)
pylink_target_rpath(_ext DESTINATION cycons_cm)
install(TARGETS _ext DESTINATION cycons_cm)
include(PylinkdepRuntime)
pylinkdep_runtime_module(DESTINATION cycons_cm PROVIDERS exampleprov)
"""


def _project(root: Path, package: str, files: dict[str, str]) -> Path:
    """A consumer of examples/consumer-cython's ``_ext.pyx`` in ``root/package``."""
    (root / package).mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    shutil.copy(demo.EXAMPLES / "consumer-cython" / "consumer_cython" / "_ext.pyx", root / package)
    (root / package / "__init__.py").write_text(
        "from . import _pylink  # noqa: F401\nfrom ._ext import add, total\n"
    )
    return root


@pytest.fixture(scope="module")
def cython_python(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with exampleprov, consumer-meson, consumer-cython (meson-python + Cython),
    and setuptools + Cython and scikit-build-core + cython-cmake consumers of the same
    .pyx, each built in an isolated build."""
    projects = ("pylinkdep", "provider-meson", "consumer-meson", "consumer-cython")
    wheels = wheelhouse.wheels(*projects)
    root = tmp_path_factory.mktemp("cython")
    python = demo.make_env(root / "venv", wheels)
    setuptools = {"setup.py": SETUP_PY, "pyproject.toml": PYPROJECT}
    skbuild = {"CMakeLists.txt": CMAKELISTS, "pyproject.toml": SKBUILD_PYPROJECT}
    for package, files in [("cycons_st", setuptools), ("cycons_cm", skbuild)]:
        demo.pip_install(python, _project(root / package, package, files), wheels[0].parent)
    return python


@pytest.mark.integration
@pytest.mark.parametrize("package", ["consumer_cython", "cycons_st", "cycons_cm"])
def test_cimport_calls_real_symbols(cython_python: Path, package: str) -> None:
    """The Cython extension links libexampleprov.so.1 and imports its API by name."""
    (ext,) = demo.site_packages(cython_python).joinpath(package).glob("_ext.*.so")
    data = ext.read_bytes()
    assert API <= _binary.imported_symbols(io.BytesIO(data))
    dynamic = _binary.read_dynamic(io.BytesIO(data))
    assert "libexampleprov.so.1" in dynamic.needed
    assert dynamic.runpath == ("$ORIGIN/../exampleprov",)


@pytest.mark.integration
def test_one_counter_for_every_consumer(cython_python: Path) -> None:
    code = (
        "import consumer_cython as cy, cycons_st as st, cycons_cm as cm, consumer_meson as m\n"
        "import exampleprov\n"
        "print(cy.add(40), st.add(1), cm.add(-1), m.add(2), exampleprov.add(0), cy.stats())\n"
        "maps = open('/proc/self/maps').read().splitlines()\n"
        "print(len({l.split()[-1] for l in maps if 'libexampleprov' in l}))\n"
        "print(cy._pylink.CONSUMER, st._pylink.CONSUMER, cy.version())\n"
    )
    out = demo.sh([str(cython_python), "-c", code], cwd="/").splitlines()
    assert out == [
        "40 41 40 42 42 {'count': 5, 'total': 42}",
        "1",
        "consumer-cython cycons-st 1.2.0",
    ]


@pytest.mark.integration
def test_oldest_meson_passes_the_pxd_directory(oldest_python: Path, tmp_path: Path) -> None:
    """meson 1.2.3 (the oldest supported) builds examples/consumer-cython too."""
    demo.sh([str(oldest_python), "-m", "pip", "install", "-q", "Cython>=3.0"])
    demo.sh(
        [str(oldest_python), "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path),
         f"-Cbuild-dir={tmp_path / 'build'}", str(demo.EXAMPLES / "consumer-cython")],
        env=bin_first(oldest_python),
    )  # fmt: skip
    info = json.loads((tmp_path / "build" / "meson-info" / "meson-info.json").read_text())
    assert info["meson_version"]["full"] == OLDEST_MESON
    (wheel,) = tmp_path.glob("*.whl")
    demo.sh([str(oldest_python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)])
    code = "import consumer_cython as c, exampleprov; print(c.add(5), exampleprov.total())"
    assert demo.sh([str(oldest_python), "-c", code], cwd="/") == "5 5\n"


CMAKE_PROVIDER = {
    "pyproject.toml": """\
[build-system]
requires = ["scikit-build-core>=0.10", "pylinkdep"]
build-backend = "scikit_build_core.build"
[project]
name = "pxdprov"
version = "1.0.0"
[project.entry-points.pylink]
pxdprov = "pxdprov"
[tool.scikit-build]
wheel.packages = ["pxdprov"]
""",
    "CMakeLists.txt": """\
cmake_minimum_required(VERSION 3.15...4.4)
project(pxdprov LANGUAGES C)
include(PylinkProvider)
add_library(pxdprov SHARED pxdprov.c)
pylink_add_provider(TARGET pxdprov NAME pxdprov HEADERS pxdprov.h PXD pxdprov.pxd)
""",
    "pxdprov.h": '__attribute__((visibility("default"))) int pxdprov_answer(void);\n',
    "pxdprov.c": '#include "pxdprov.h"\nint pxdprov_answer(void) { return 42; }\n',
    "pxdprov.pxd": 'cdef extern from "pxdprov.h":\n    int pxdprov_answer()\n',
    "pxdprov/__init__.py": "",
}


@pytest.mark.integration
def test_cmake_provider_ships_pxd(wheelhouse: Wheelhouse, tmp_path: Path) -> None:
    """pylink_add_provider(PXD ...) installs the files and records their directory."""
    project = tmp_path / "pxdprov"
    for name, text in CMAKE_PROVIDER.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    wheelhouse.wheel("pylinkdep")
    wheel = demo.build_wheel(project, wheelhouse.root)
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("pxdprov/cython/pxdprov.pxd") == CMAKE_PROVIDER["pxdprov.pxd"].encode()
        doc = json.loads(zf.read("pxdprov/pylink.json"))
    assert doc["pylink"] == 2 and doc["cython_include_dirs"] == ["cython"]
    assert check_wheel(str(wheel)) == []
