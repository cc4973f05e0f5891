"""Provider authoring traps, built for real: a library calling the Python C API through
the shipped meson snippet (``b_lundef``, ``python_abi`` from the build's Python), and a
header API without an export macro through the CMake helper."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pylinkdep import _shipped

from .conftest import Wheelhouse, demo
from .projects import consumer_project
from .test_abi_drift import PROVIDER, SYMBOLS, write

HEADER = """\
#include <Python.h>
#ifdef CAPIPROV_BUILDING
#  define CAPIPROV_API __attribute__((visibility("default")))
#else
#  define CAPIPROV_API
#endif
CAPIPROV_API PyObject *capiprov_answer(void);
"""
SOURCE = """\
#define CAPIPROV_BUILDING
#include "capiprov.h"
PyObject *capiprov_answer(void) { return PyLong_FromLong(42); }
"""
LIBRARY = """\
project('capiprov', 'c', version: '1.0.0')
py = import('python').find_installation(pure: false)
pkgdir = py.get_install_dir() / 'capiprov'
lib = shared_library('capiprov', 'src/capiprov.c', include_directories: 'include',
  dependencies: py.dependency(), soversion: '1', gnu_symbol_visibility: 'hidden',
  {override}install: true, install_dir: pkgdir)
py.install_sources('capiprov/__init__.py', subdir: 'capiprov')
"""
CONSUMER = """\
#include <Python.h>
#include "capiprov.h"
static PyObject *version(PyObject *self, PyObject *args) { return capiprov_answer(); }
static PyMethodDef methods[] = {{"version", version, METH_NOARGS, ""}, {NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
"""


def snippet() -> str:
    """The shipped meson snippet with its <...> values set, as a provider author sets them."""
    text = (Path(_shipped.MESON_DIR) / "provider.meson").read_text()
    values = {
        "<package>": "capiprov", "<headers>": "'include/capiprov.h'", "<library>": "lib",
        "<name>": "capiprov", "<abi>": "'>=1.0,<2'", "<CMakeName>": "CapiProv",
        "<DEFINE>": "CAPIPROV_SHARED", "<one line>": "C-API provider", "<header>":
        "include/capiprov.h",
    }  # fmt: skip
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def provider(root: Path, override: str) -> Path:
    files = {
        "pyproject.toml": """\
[build-system]
build-backend = "mesonpy"
requires = ["meson-python>=0.15", "pylinkdep"]
[project]
name = "capiprov"
version = "1.0.0"
[project.entry-points.pylink]
capiprov = "capiprov"
""",
        "meson.build": LIBRARY.format(override=override) + snippet(),
        "include/capiprov.h": HEADER,
        "src/capiprov.c": SOURCE,
        "capiprov/__init__.py": "",
        "capiprov.symbols": "",
    }
    return write(root, files)


def build(project: Path, links: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(links), str(project)],
        env=demo.finding_wheels_in(links), capture_output=True, text=True,
    )  # fmt: skip


@pytest.fixture
def links(wheelhouse: Wheelhouse, tmp_path: Path) -> Path:
    """A find-links directory with this pylinkdep's wheel."""
    out = tmp_path / "wheels"
    out.mkdir()
    shutil.copy(wheelhouse.wheel("pylinkdep"), out)
    return out


@pytest.mark.integration
def test_a_c_api_library_through_the_meson_snippet(links: Path, tmp_path: Path) -> None:
    # Without the override, meson's -Wl,--no-undefined refuses Python's symbols.
    failed = build(provider(tmp_path / "plain", override=""), links)
    assert failed.returncode != 0
    assert "undefined reference to `PyLong_FromLong'" in failed.stdout + failed.stderr

    built = build(provider(tmp_path / "capiprov", "override_options: ['b_lundef=false'], "), links)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = links.glob("capiprov-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        doc = json.loads(zf.read("capiprov/pylink.json"))
    threaded = "t" if "t" in getattr(sys, "abiflags", "") else ""
    assert doc["python_abi"] == f"cp{sys.version_info[0]}{sys.version_info[1]}{threaded}"
    assert doc["symbols"] == {"capiprov_answer": "1.0.0"}  # the empty file, filled in

    files = consumer_project("meson", "capicons", "capiprov", "capiprov>=1.0,<2", cpp=False)
    consumer = demo.build_wheel(write(tmp_path / "capicons", {**files, "ext.c": CONSUMER}), links)
    python = demo.make_env(tmp_path / "venv", [wheel, consumer])
    proc = subprocess.run(
        [str(python), "-c", "import capicons; print(capicons.version())"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, "42\n"), proc.stderr


@pytest.mark.integration
def test_a_header_without_an_export_macro_fails_the_cmake_provider_build(
    links: Path, tmp_path: Path
) -> None:
    files = {name: text.format(version="1.2.0", scale_declaration="", scale_definition="")
             for name, text in PROVIDER.items()}  # fmt: skip
    files["include/driftprov.h"] = files["include/driftprov.h"].replace(
        '__attribute__((visibility("default")))', ""
    )
    project = write(tmp_path / "hidden", files)
    (project / "driftprov.symbols").write_text(SYMBOLS["1.2.0"])
    proc = build(project, links)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "export none of the 2 functions the headers declare" in output
    assert "driftprov.h: drift_add()" in output and "driftprov.h: drift_total()" in output
