"""The drift a consumer meets in the field: built in an isolated environment against the
newest provider pip finds, then run beside an older one. A provider (scikit-build-core,
``pylink_add_provider(... SYMBOLS)``) at 1.2.0 and at 1.3.0, which adds ``drift_scale``;
two meson-python consumers declaring ``driftprov>=1.2,<2``, built in isolation against
1.3.0: one calls only what 1.2 has, one calls ``drift_scale``. ``pylinkdep requirement``
and ``check`` tell them apart, and the first imports and runs beside 1.2.0."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import Wheelhouse, demo
from .projects import consumer_project

PROVIDER = {
    "pyproject.toml": """\
[build-system]
requires = ["scikit-build-core>=0.10", "pylinkdep"]
build-backend = "scikit_build_core.build"
[project]
name = "driftprov"
version = "{version}"
[project.entry-points.pylink]
driftprov = "driftprov"
[tool.scikit-build]
wheel.packages = ["driftprov"]
""",
    "CMakeLists.txt": """\
cmake_minimum_required(VERSION 3.15...4.4)
project(driftprov LANGUAGES C)
include(PylinkProvider)
add_library(driftprov SHARED src/drift.c)
target_include_directories(driftprov PRIVATE include)
pylink_add_provider(TARGET driftprov NAME driftprov HEADERS include/driftprov.h
                    SYMBOLS driftprov.symbols)
""",
    "include/driftprov.h": """\
#define DRIFT_API __attribute__((visibility("default")))
DRIFT_API long drift_add(long n);
DRIFT_API long drift_total(void);
{scale_declaration}
""",
    "src/drift.c": """\
#include "driftprov.h"
static long total;
long drift_add(long n) {{ total += n; return total; }}
long drift_total(void) {{ return total; }}
{scale_definition}
""",
    "driftprov/__init__.py": "",
}
SCALE = {
    "scale_declaration": "DRIFT_API long drift_scale(long n);",
    "scale_definition": "long drift_scale(long n) { return n * total; }",
}
# The symbols file as each release's author commits it (drift_add is older than 1.2).
SYMBOLS = {
    "1.2.0": "drift_add 1.0\ndrift_total 1.2\n",
    "1.3.0": "drift_add 1.0\ndrift_scale 1.3\ndrift_total 1.2\n",
}
CONSUMER = """\
#include <Python.h>
long drift_add(long n);
long drift_total(void);
long drift_scale(long n);
static PyObject *version(PyObject *self, PyObject *args) {{
    return PyLong_FromLong({body});
}}
static PyMethodDef methods[] = {{{{"version", version, METH_NOARGS, ""}}, {{NULL}}}};
static struct PyModuleDef module = {{PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods}};
PyMODINIT_FUNC PyInit__ext(void) {{ return PyModule_Create(&module); }}
"""
BODIES = {"oldcons": "drift_add(40) + drift_total()", "newcons": "drift_add(2) * drift_scale(7)"}
DECLARED = "driftprov>=1.2,<2"  # what both consumers' pyproject.toml says, as written for 1.2


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture(scope="session")
def drift(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both provider wheels and both consumer wheels, by version and consumer name, and
    the output of the first consumer's build (``log``)."""
    root = tmp_path_factory.mktemp("drift")
    links = root / "wheels"
    links.mkdir()
    shutil.copy(wheelhouse.wheel("pylinkdep"), links)
    built: dict[str, Path] = {}
    for version, symbols in SYMBOLS.items():
        fill = SCALE if version == "1.3.0" else dict.fromkeys(SCALE, "")
        files = {name: text.format(version=version, **fill) for name, text in PROVIDER.items()}
        project = write(root / f"driftprov-{version}", files)
        (project / "driftprov.symbols").write_text(symbols)
        built[version] = demo.build_wheel(project, links)
    for name, body in BODIES.items():  # built in isolation: pip picks driftprov 1.3.0
        files = consumer_project("meson", name, "driftprov", DECLARED, cpp=False)
        project = write(root / name, {**files, "ext.c": CONSUMER.format(body=body)})
        out = root / f"{name}-dist"
        log = demo.sh(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(project)],
            env=demo.finding_wheels_in(links),
        )  # fmt: skip
        (built[name],) = out.glob("*.whl")
        (root / f"{name}.log").write_text(log)
        built.setdefault("log", root / f"{name}.log")
    return built


def venv_with(tmp: Path, wheels: list[Path]) -> Path:
    return demo.make_env(tmp / "venv", wheels)


def run(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), *args], capture_output=True, text=True, check=False)


@pytest.mark.integration
def test_a_consumer_built_against_a_newer_provider_runs_beside_the_older(
    drift: dict[str, Path], wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    # Where it was built: the requirement each consumer's binaries need, and check.
    builder = venv_with(tmp_path / "built", [wheelhouse.wheel("pylinkdep"), drift["1.3.0"]])
    check = [str(builder.parent / "pylinkdep"), "check"]
    old = run(builder, "-m", "pylinkdep", "requirement", "-v", str(drift["oldcons"]))
    assert (old.returncode, old.stdout) == (0, "driftprov>=1.2,<2\n"), old.stderr
    assert "imports drift_total, first in 1.2" in old.stderr
    new = run(builder, "-m", "pylinkdep", "requirement", str(drift["newcons"]))
    assert (new.returncode, new.stdout) == (0, "driftprov>=1.3,<2\n"), new.stderr
    passed = subprocess.run([*check, str(drift["oldcons"])], capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout
    checked = subprocess.run([*check, str(drift["newcons"])], capture_output=True, text=True)
    assert checked.returncode == 1
    assert "allows versions outside the range >=1.3,<2" in checked.stdout
    assert "imports drift_scale, first in 1.3" in checked.stdout
    assert "declare 'driftprov>=1.3,<2'" in checked.stdout

    # Where it runs: the older provider, as pip installs it for the declared range.
    python = venv_with(tmp_path / "run", [drift["1.2.0"], drift["oldcons"]])
    proc = run(python, "-c", "import oldcons; print(oldcons.version())")
    assert (proc.returncode, proc.stdout) == (0, "80\n"), proc.stderr
    proc = run(python, "-m", "pip", "install", "-q", "--no-deps", str(drift["newcons"]))
    assert proc.returncode == 0, proc.stderr
    proc = run(python, "-c", "import newcons")
    assert proc.returncode == 1 and "ImportError" in proc.stderr
    assert "drift_scale" in proc.stderr


@pytest.mark.integration
def test_the_meson_hook_says_what_to_declare(drift: dict[str, Path]) -> None:
    log = drift["log"].read_text()
    assert (
        "pylink: driftprov 1.3.0 records the version each symbol first appeared in: declare "
        "driftprov>=1.3,<2 in [project] dependencies, or lower it to what `pylinkdep "
        "requirement <built wheel>` prints (`pylinkdep check` verifies it)"
    ) in log


@pytest.mark.integration
def test_the_provider_builds_record_when_each_symbol_appeared(drift: dict[str, Path]) -> None:
    with zipfile.ZipFile(drift["1.3.0"]) as zf:
        doc = json.loads(zf.read("driftprov/pylink.json"))
    assert doc["pylink"] == 2
    assert doc["abi"] == ">=1.0,<2"  # pylink_add_provider's default with SYMBOLS
    assert doc["symbols"] == {"drift_add": "1.0", "drift_scale": "1.3", "drift_total": "1.2"}
