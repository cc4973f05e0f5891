"""Invisible when unused: a meson-python project and a setuptools project that do not use
pylink build into byte-identical wheels with and without pylinkdep in the build
environment (the meson one through ``pylinkdep-meson`` against stock ``meson``, the
setuptools one with pylinkdep's ``finalize_distribution_options`` entry point active).

Both builds run without isolation, in two virtual environments with the same pinned
build tools, one of them also with pylinkdep and a pylink provider named ``zlib`` (which
the launcher's ``method: 'auto'`` must not prefer to the system's zlib), from the same
source path, with ``SOURCE_DATE_EPOCH`` set: the only difference left is pylinkdep."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from .conftest import MakeProvider, Wheelhouse, demo
from .test_runtime import bare_env, pip

pytestmark = pytest.mark.integration

TOOLS = ("setuptools", "meson-python", "meson", "ninja")
"""The build tools of both environments, pinned to this interpreter's versions."""

EXT_C = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

static PyObject *ext_zlib_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
#ifdef HAVE_ZLIB
    return PyUnicode_FromString(zlibVersion());
#else
    Py_RETURN_NONE;
#endif
}

static PyMethodDef methods[] = {
    {"zlib_version", ext_zlib_version, METH_NOARGS, "The zlib linked, or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
"""

# `dependency('zlib')` is the lookup the launcher must answer as stock meson does
# (method 'auto': pkg-config, then meson's own methods).
MESON_PROJECT = {
    "pyproject.toml": """\
[build-system]
build-backend = "mesonpy"
requires = ["meson-python"]
[project]
name = "plainmeson"
version = "1.0"
""",
    "meson.build": """\
project('plainmeson', 'c', version: '1.0')
py = import('python').find_installation(pure: false)
zlib = dependency('zlib', required: false)
py.extension_module('_ext', 'ext.c', dependencies: [zlib, dependency('threads')],
  c_args: zlib.found() ? ['-DHAVE_ZLIB'] : [], install: true, subdir: 'plainmeson')
py.install_sources('plainmeson/__init__.py', subdir: 'plainmeson')
""",
    "ext.c": EXT_C,
    "plainmeson/__init__.py": "from ._ext import zlib_version\n",
}

SETUPTOOLS_PROJECT = {
    "pyproject.toml": """\
[build-system]
build-backend = "setuptools.build_meta"
requires = ["setuptools>=64"]
[project]
name = "plainst"
version = "1.0"
[tool.setuptools]
packages = ["plainst"]
""",
    "setup.py": """\
from setuptools import Extension, setup

setup(ext_modules=[Extension("plainst._ext", ["ext.c"], define_macros=[("HAVE_ZLIB", None)],
                             libraries=["z"])])
""",
    "ext.c": EXT_C,
    "plainst/__init__.py": "from ._ext import zlib_version\n",
}


@pytest.fixture(scope="module")
def build_envs(
    wheelhouse: Wheelhouse, make_provider: MakeProvider, tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """Two environments' pythons with the same build tools: without, then with pylinkdep
    (and the pylink provider ``zlib``)."""
    root = tmp_path_factory.mktemp("invisible")
    pins = [f"{tool}=={version(tool)}" for tool in TOOLS]
    without, with_ = bare_env(root / "without"), bare_env(root / "with")
    for python in (without, with_):
        demo.sh([sys.executable, "-m", "pip", "-q", "--python", str(python), "install", *pins])
    demo.sh([sys.executable, "-m", "pip", "-q", "--python", str(with_), "install",
             str(wheelhouse.wheel("pylinkdep"))])  # fmt: skip
    make_provider(demo.site_packages(with_), "zlib", package="zlibprov", distribution="zlibprov")
    assert demo.sh([str(with_), "-m", "pylinkdep", "list"]).split()[0] == "zlib"
    return [without, with_]


def build(python: Path, project: dict[str, str], src: Path, out: Path, **env: str) -> str:
    """Write ``project`` into ``src`` (emptied first) and build its wheel into ``out``
    without isolation, the environment's scripts first on PATH; returns pip's output."""
    shutil.rmtree(src, ignore_errors=True)
    for name, text in project.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    path = f"{python.parent}{os.pathsep}{os.environ['PATH']}"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "-v", "--python", str(python), "wheel", "--no-deps",
         "--no-build-isolation", "-w", str(out), str(src)],
        capture_output=True, text=True, cwd=src.parent,
        env={**os.environ, "PATH": path, "SOURCE_DATE_EPOCH": "1700000000", **env},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def only_wheel(out: Path) -> bytes:
    (wheel,) = out.glob("*.whl")
    return wheel.read_bytes()


def finalize_hooks(python: Path) -> list[str]:
    """The ``setuptools.finalize_distribution_options`` entry points ``python`` sees."""
    code = (
        "from importlib.metadata import entry_points\n"
        "print(*sorted(e.name for e in entry_points("
        "group='setuptools.finalize_distribution_options')))"
    )
    return demo.sh([str(python), "-c", code]).split()


def test_meson_python_wheel_identical(build_envs: list[Path], tmp_path: Path) -> None:
    without, with_ = build_envs
    stock = build(without, MESON_PROJECT, tmp_path / "src", tmp_path / "stock")
    launcher = str(with_.parent / "pylinkdep-meson")
    hooked = build(with_, MESON_PROJECT, tmp_path / "src", tmp_path / "hooked", MESON=launcher)
    assert f"+ {launcher} setup" in hooked and "pylinkdep-meson" not in stock
    found = [line for line in stock.splitlines() if "Run-time dependency zlib found:" in line]
    assert found and "YES" in found[0], stock
    assert found[0] in hooked.splitlines()  # the same zlib, not the pylink one
    assert only_wheel(tmp_path / "stock") == only_wheel(tmp_path / "hooked")


def test_setuptools_wheel_identical(build_envs: list[Path], tmp_path: Path) -> None:
    without, with_ = build_envs
    assert "pylinkdep" not in finalize_hooks(without)
    assert "pylinkdep" in finalize_hooks(with_)  # active in every setuptools build there
    build(without, SETUPTOOLS_PROJECT, tmp_path / "src", tmp_path / "without")
    build(with_, SETUPTOOLS_PROJECT, tmp_path / "src", tmp_path / "with")
    wheel = only_wheel(tmp_path / "with")
    assert only_wheel(tmp_path / "without") == wheel
    python = bare_env(tmp_path / "run")
    pip(python, "install", str(next((tmp_path / "with").glob("*.whl"))))
    code = "import plainst, zlib; print(plainst.zlib_version() == zlib.ZLIB_RUNTIME_VERSION)"
    assert demo.sh([str(python), "-c", code]).strip() == "True"
    # Not a pylink consumer: stock setuptools links with the interpreter's LDFLAGS, which
    # for a pyenv Python hold -rpath to its lib directory (pylinkdep strips that only for
    # extensions with py_libraries).
    site = demo.site_packages(python)
    (site / "plainst" / ".path-hygiene-exempt").write_text(
        "stock setuptools build of a project that does not use pylink\n"
    )
