"""Editable installs: a meson-python editable provider fails with a clear message at build
and at run time, a scikit-build-core one works; editable setuptools and meson-python
consumers work through the run-time preload, scikit-build-core ones through their run
path. docs/consumers.md's table of editable installs says what these tests show."""

from __future__ import annotations

import os
import shutil
import site
import sys
import venv
from pathlib import Path

import pytest

from pylinkdep import InvalidMetadata, find
from tests.conftest import Wheelhouse
from tests.test_runtime import SHARED, consumer_wheels, import_error, pip, run

from .conftest import demo

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent


def dev_env(path: Path) -> Path:
    """A virtual environment that sees this interpreter's packages (meson-python, meson,
    setuptools, pylinkdep) through a .pth file, for builds without isolation."""
    venv.EnvBuilder(with_pip=False).create(path)
    python = path / "bin" / "python"
    lines = [*site.getsitepackages(), str(REPO)]
    (demo.site_packages(python) / "_dev.pth").write_text("\n".join(lines) + "\n")
    return python


def editable(python: Path, project: Path) -> None:
    """``pip install -e`` without build isolation, with this interpreter's tools on PATH."""
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    demo.sh(
        [sys.executable, "-m", "pip", "-q", "--python", str(python), "install", "--no-deps",
         "--no-build-isolation", "-e", str(project)],
        env=env,
    )  # fmt: skip


def copy_example(name: str, dest: Path) -> Path:
    return Path(shutil.copytree(demo.EXAMPLES / name, dest, ignore=shutil.ignore_patterns("build")))


def test_editable_provider_fails_clearly(wheelhouse: Wheelhouse, tmp_path: Path) -> None:
    _, consumer = consumer_wheels(wheelhouse)
    python = dev_env(tmp_path / "env")
    editable(python, copy_example("provider-meson", tmp_path / "provider"))
    sitedir = demo.site_packages(python)
    with pytest.raises(InvalidMetadata) as info:
        find("exampleprov", path=[str(sitedir)])
    assert "the distribution is an editable install (_exampleprov_editable_loader.py)" in str(
        info.value
    )
    assert "reinstall it without -e to link against it" in str(info.value)
    pip(python, "install", str(consumer))
    bindir = str(Path(sys.executable).parent)  # ninja, for the editable loader's rebuild
    path = f"{bindir}{os.pathsep}{os.environ['PATH']}"
    assert import_error(python, PATH=path) == (
        "ImportError: consumer-setuptools needs the pylink provider 'exampleprov' "
        "(distribution 'exampleprov', built against 1.2.0), installed without its package "
        "directory and pylink.json on sys.path (an editable install?): reinstall it without -e"
    )
    proc = run(python, "import exampleprov; print(exampleprov.add(2))", PATH=path)
    assert proc.stdout.strip() == "2", proc.stderr  # the provider itself works


def test_editable_setuptools_consumer(wheelhouse: Wheelhouse, tmp_path: Path) -> None:
    """The extension stays in the source tree, where the run path misses the provider: the
    generated _pylink.py (written there too) preloads it. One instance."""
    provider, _ = consumer_wheels(wheelhouse)
    python = dev_env(tmp_path / "env")
    pip(python, "install", str(provider))
    project = copy_example("consumer-setuptools", tmp_path / "consumer")
    editable(python, project)
    assert (project / "consumer_setuptools" / "_pylink.py").is_file()
    proc = run(python, SHARED + "print(c.__file__)")
    assert proc.stdout.split() == [
        "40", "42", "42", "1.2.0", "1", str(project / "consumer_setuptools" / "__init__.py")
    ], proc.stderr  # fmt: skip


EDITABLE_MESON_BUILD = """
project('mesonconsumer', 'c', version: '0.1.0')
py = import('python').find_installation(pure: false)
pylinkdep = [py, '-m', 'pylinkdep']
cflags = run_command(pylinkdep, '--cflags', 'exampleprov', check: true).stdout().strip().split()
libs = run_command(pylinkdep, '--libs', 'exampleprov', check: true).stdout().strip().split()
py.extension_module('_ext', 'src/_ext.c', c_args: cflags,
  link_args: libs + ['-Wl,-rpath,$ORIGIN/../exampleprov'], install: true, subdir: 'mesonconsumer')
py.install_sources('mesonconsumer/__init__.py', subdir: 'mesonconsumer')
custom_target('_pylink.py', output: '_pylink.py', install: true,
  install_dir: py.get_install_dir() / 'mesonconsumer',
  command: [pylinkdep, 'runtime-module', '-o', '@OUTPUT@',
            '--consumer', meson.project_name(), '--subdir', 'mesonconsumer', 'exampleprov'])
"""


EDITABLE_CMAKELISTS = """
cmake_minimum_required(VERSION 3.15)
project(skconsumer LANGUAGES C)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
foreach(kind cflags libs)
  execute_process(COMMAND "${Python_EXECUTABLE}" -m pylinkdep --${kind} exampleprov
    OUTPUT_VARIABLE ${kind} OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  separate_arguments(${kind} UNIX_COMMAND "${${kind}}")
endforeach()
python_add_library(_ext MODULE src/_ext.c WITH_SOABI)
target_compile_options(_ext PRIVATE ${cflags})
target_link_libraries(_ext PRIVATE ${libs})
set_target_properties(_ext PROPERTIES INSTALL_RPATH "$ORIGIN/../exampleprov")
install(TARGETS _ext DESTINATION skconsumer)
include(PylinkdepRuntime)
pylinkdep_runtime_module(DESTINATION skconsumer PROVIDERS exampleprov)
"""


@pytest.mark.parametrize("kind", ["meson", "skbuild"])
def test_editable_meson_and_skbuild_consumers(
    wheelhouse: Wheelhouse, tmp_path: Path, kind: str
) -> None:
    """meson-python editable: extension and _pylink.py stay in the build directory, served
    by meson-python's import hook; the run path misses and the preload rescues it.
    scikit-build-core editable (redirect mode): compiled files are installed into
    site-packages, where the run path reaches the provider."""
    provider, _ = consumer_wheels(wheelhouse)
    python = dev_env(tmp_path / "env")
    pip(python, "install", str(provider))
    name = {"meson": "mesonconsumer", "skbuild": "skconsumer"}[kind]
    project = tmp_path / name
    (project / name).mkdir(parents=True)
    (project / "src").mkdir()
    shutil.copy(demo.EXAMPLES / "consumer-plain" / "_ext.c", project / "src" / "_ext.c")
    (project / name / "__init__.py").write_text(
        "from . import _pylink  # noqa: F401\nfrom ._ext import add, total, version\n"
    )
    backend = {"meson": "mesonpy", "skbuild": "scikit_build_core.build"}[kind]
    requires = {"meson": "meson-python", "skbuild": "scikit-build-core"}[kind]
    (project / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["{requires}"]\nbuild-backend = "{backend}"\n\n'
        f'[project]\nname = "{name}"\nversion = "0.1.0"\n'
    )
    if kind == "meson":
        (project / "meson.build").write_text(EDITABLE_MESON_BUILD)
    else:
        (project / "CMakeLists.txt").write_text(EDITABLE_CMAKELISTS)
    editable(python, project)
    bindir = str(Path(sys.executable).parent)  # ninja, for meson-python's rebuild on import
    code = SHARED.replace("consumer_setuptools", name) + "print(c._pylink.__file__)"
    proc = run(python, code, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}")
    *shared, module = proc.stdout.split()
    assert shared == ["40", "42", "42", "1.2.0", "1"], proc.stderr
    where = project / "build" if kind == "meson" else demo.site_packages(python) / name
    assert module.startswith(str(where)), module


def test_editable_skbuild_provider(tmp_path: Path) -> None:
    """scikit-build-core editable (redirect mode): CMake installs the library, the provider's
    extension and pylink.json into site-packages, where consumers resolve and link it; the
    Python sources stay in the source tree. One instance."""
    python = dev_env(tmp_path / "env")
    provider = copy_example("provider-cmake", tmp_path / "provider")
    editable(python, provider)
    sitedir = demo.site_packages(python)
    dep = find("tallyprov", path=[str(sitedir)])
    assert dep.provider.package_dir == str(sitedir / "tallyprov")
    source = REPO / "tests" / "consumers" / "tallyprov_ext.c"
    demo.build_gcc_consumer(python, "tallyprov", source, "tallycons")
    code = (
        "import sys, tallycons._ext as ext\nassert 'tallyprov' not in sys.modules\n"
        "print(ext.bump('x', 40))\nimport tallyprov as p\nprint(p.bump('x', 2), ext.size())\n"
        "print(p.__file__)\n"
    )
    proc = run(python, code)
    assert proc.stdout.split("\n") == [
        "40", "42 1", str(provider / "tallyprov" / "__init__.py"), ""
    ], proc.stderr  # fmt: skip
