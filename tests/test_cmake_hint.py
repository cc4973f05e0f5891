"""pylinkdep's hint for a find_package(... REQUIRED) that finds nothing, in scikit-build-core
builds of pylink consumers: the config entry point that names cmake/PylinkdepFindHint.cmake
in CMAKE_PROJECT_TOP_LEVEL_INCLUDES, the dependency provider it sets (real CMake 3.24+), and
an isolated build of the CMake example consumer with its provider's name misspelled."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from pylinkdep import _skbuild_config

from .conftest import Wheelhouse, demo
from .test_cmake import CMAKES, cmake_version, configure, find_project

HINT = Path(_skbuild_config.HINT)
DEFINE = {"cmake": {"define": {"CMAKE_PROJECT_TOP_LEVEL_INCLUDES": str(HINT)}}}
CMAKES_WITH_PROVIDERS = [c for c in CMAKES if Version(cmake_version(c)) >= Version("3.24")]


@pytest.mark.parametrize(
    ("pyproject", "given"),
    [
        ('[build-system]\nrequires = ["scikit-build-core", "pylinkdep>=0.1"]\n', DEFINE),
        ("[build-system]\nrequires = [\"Pylinkdep ; python_version > '3'\"]\n", DEFINE),
        ('[build-system]\nrequires = ["scikit-build-core", "pybind11"]\n', {}),
        ('[build-system]\nrequires = ["scikit-build-core", "not a requirement!"]\n', {}),
        ('[build-system]\nrequires = "pylinkdep"\n', {}),
        ('build-system = "pylinkdep"\n', {}),
        ("[build-system\n", {}),
        (None, {}),
    ],
    ids=["pylinkdep", "marker", "unrelated", "invalid-entry", "not-a-list", "not-a-table",
         "invalid-toml", "no-pyproject"],
)  # fmt: skip
def test_config_only_for_pylink_consumers(
    pyproject: str | None, given: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project that does not name pylinkdep or a provider gets nothing, and no
    pyproject.toml, however broken, makes the entry point fail."""
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    monkeypatch.chdir(tmp_path)
    assert _skbuild_config.config() == given
    assert HINT.is_file()


def test_config_ignores_unreadable_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A distribution of [build-system] requires whose entry_points.txt is malformed (a
    TypeError inside importlib.metadata) leaves the build alone."""
    info = tmp_path / "site" / "brokenprov-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenprov\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pylink]\nbrokenprov\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    (tmp_path / "pyproject.toml").write_text('[build-system]\nrequires = ["brokenprov"]\n')
    monkeypatch.chdir(tmp_path)
    assert _skbuild_config.config() == {}


def test_config_for_a_project_requiring_a_provider(provider_python: Path, tmp_path: Path) -> None:
    """A provider's distribution in [build-system] requires is enough (pylinkdep comes
    with it); the file named is the installed pylinkdep's."""
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["scikit-build-core", "ExampleProv>=1.2"]\n'
    )
    code = "import json, pylinkdep._skbuild_config as c; print(json.dumps(c.config()))"
    given = json.loads(demo.sh([str(provider_python), "-c", code], cwd=str(tmp_path)))
    hint = given["cmake"]["define"]["CMAKE_PROJECT_TOP_LEVEL_INCLUDES"]
    assert (
        Path(hint)
        == demo.site_packages(provider_python) / "pylinkdep/cmake/PylinkdepFindHint.cmake"
    )


def hinted(python: Path) -> list[str]:
    """CMake arguments as scikit-build-core's would be for a consumer in ``python``'s
    environment: the hint, its site-packages on the prefix path, its interpreter."""
    site = demo.site_packages(python)
    return [f"-DCMAKE_PROJECT_TOP_LEVEL_INCLUDES={HINT}", f"-DCMAKE_PREFIX_PATH={site}",
            f"-DPython_EXECUTABLE={python}"]  # fmt: skip


FINDS = """\
find_package(Python REQUIRED Interpreter)
find_package(ExampleProv 1.2 CONFIG REQUIRED)
message(STATUS "found: ${Python_Interpreter_FOUND} ${ExampleProv_VERSION} ${ExampleProv_FOUND}")
if(TARGET ExampleProv::ExampleProv)
  message(STATUS "target: ExampleProv::ExampleProv")
endif()
"""


@pytest.mark.parametrize("cmake", CMAKES_WITH_PROVIDERS)
def test_hint_leaves_what_is_found_as_found(
    cmake: str, provider_python: Path, tmp_path: Path
) -> None:
    """REQUIRED calls that find their package give the caller what they would without the
    hint: components written right after REQUIRED, version, targets, no hint printed."""
    project = find_project(tmp_path / "src", FINDS)
    proc = configure(cmake, project, tmp_path / "b", *hinted(provider_python))
    assert "-- found: TRUE 1.2.0 1" in proc.stdout, proc.stdout
    assert "-- target: ExampleProv::ExampleProv" in proc.stdout
    assert "pylinkdep: find_package(" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("cmake", CMAKES_WITH_PROVIDERS)
def test_hint_names_the_closest_provider_above_cmakes_error(
    cmake: str, provider_python: Path, tmp_path: Path
) -> None:
    project = find_project(tmp_path / "src", "find_package(ExampleProvv 1.2 CONFIG REQUIRED)")
    proc = configure(cmake, project, tmp_path / "b", *hinted(provider_python), check=False)
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    hint = (
        "pylinkdep: find_package(ExampleProvv) found nothing; if it is a pylink provider: no "
        "pylink provider named 'ExampleProvv' is installed (add the directory holding "
        "NAME.pylink.json to PYLINK_PATH, or install it); did you mean 'exampleprov'?"
    )
    assert hint in message, proc.stderr
    error = 'Could not find a package configuration file provided by "ExampleProvv"'
    assert message.index(hint) < message.index(error)


def test_isolated_build_with_misspelled_provider_names_the_fix(
    wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    """examples/consumer-cmake with find_package(ExampleProvv), built as pip builds it:
    pylinkdep names the isolated build environment, [build-system] requires and the
    provider it has, right above CMake's own error."""
    wheelhouse.wheels("pylinkdep", "provider-meson")
    source = tmp_path / "consumer-cmake"
    shutil.copytree(
        demo.EXAMPLES / "consumer-cmake", source, ignore=shutil.ignore_patterns("build")
    )
    cmakelists = source / "CMakeLists.txt"
    text = cmakelists.read_text()
    assert "find_package(ExampleProv 1.2 CONFIG REQUIRED)" in text
    cmakelists.write_text(text.replace("find_package(ExampleProv ", "find_package(ExampleProvv "))
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "out"), str(source)],
        capture_output=True, text=True, env=demo.finding_wheels_in(wheelhouse.root), cwd=os.sep,
    )  # fmt: skip
    assert proc.returncode != 0
    message = " ".join((proc.stdout + proc.stderr).split())
    start = (
        "pylinkdep: find_package(ExampleProvv) found nothing; if it is a pylink provider: no "
        "pylink provider named 'ExampleProvv' is installed in this build's isolated environment ("
    )
    end = (
        "): add the distribution that provides 'ExampleProvv' to [build-system] requires in "
        "pyproject.toml; did you mean 'exampleprov'?"
    )
    assert start in message, message
    assert end in message[message.index(start) :]
    error = 'Could not find a package configuration file provided by "ExampleProvv"'
    assert message.index(end) < message.index(error)
