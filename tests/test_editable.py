"""Editable installs: a meson-python editable provider fails with a clear message at build
and at run time; an editable setuptools consumer works through the run-time preload."""

from __future__ import annotations

import os
import shutil
import site
import sys
import venv
from pathlib import Path

import demo  # examples/demo.py, put on sys.path by conftest
import pytest

from pylinkdep import InvalidMetadata, find
from tests.conftest import Wheelhouse
from tests.test_runtime import SHARED, consumer_wheels, import_error, pip, run

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
