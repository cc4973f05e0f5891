"""The run-time module's logic for every platform (the platform is a parameter; only
Linux loads for real), its PEP 440 subset against ``packaging``, and the helpers of the
setuptools integration, the Requires-Dist check and scikit-build-core metadata."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import types
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from pylinkdep import find, runtime, skbuild
from pylinkdep.errors import PylinkError
from pylinkdep.outputs import runtime_module
from pylinkdep.setuptools import Extension, apply_dependencies, drop_absolute_rpaths, resolve
from pylinkdep.wheel import check
from pylinkdep.wheel import consumer as wheel_consumer

from .conftest import MakeProvider, valid_doc

VERSIONS = [
    "0.9", "1.0", "1.1.0", "1.2.0a1", "1.2.0rc2", "1.2.0.dev3", "1.2", "1.2.0", "1.2.0.post1",
    "1.2.1", "1.3.0", "1.10", "2.0.0rc1", "2.0.0", "2.0.0.post2", "2.1", "1!0.5", "1.2.0+local",
]  # fmt: skip
SPECS = [
    ">=1.2,<2", ">1.2", "<2", "<=1.2", "==1.2.*", "!=1.2.0", "~=1.2", "~=1.2.0", "==1.2",
    ">=1.2.0a1", "<2.0.0rc1", ">2.0.0", "==1.2.0+local", ">=0.9,!=1.1.*,<2.1",
]  # fmt: skip


@pytest.mark.parametrize(("version", "spec"), list(itertools.product(VERSIONS, SPECS)))
def test_version_in_agrees_with_packaging(version: str, spec: str) -> None:
    expected = SpecifierSet(spec).contains(Version(version), prereleases=True)
    assert runtime.version_in(version, spec) is expected


@pytest.mark.parametrize(("version", "spec"), [("1.x", ">=1"), ("1.0", "=>1"), ("1.0", "~=1")])
def test_version_in_rejects_what_it_cannot_read(version: str, spec: str) -> None:
    with pytest.raises(ValueError):
        runtime.version_in(version, spec)


CLAUSE_VERSIONS = [
    "1", "1.2", "1.2.0", "1.2.*", "1.*", "1.2rc1", "1.2rc1.*", "1.2+local", "1.2+local.*",
    "1!1.2", "1!1.*", "v1.2", "1.2.post1", "1.2.dev0", "1.2.post1.*", "foo", "1.2-1", " 1.2",
    "1.2.*.*", "01.2", "1.2a", "1.0.0-rc.1", "", "1.2 ", "1..2", "\u0661",
]  # fmt: skip
OPS = ["==", "!=", "<=", ">=", "<", ">", "~=", "===", "=", "=>", ""]


def readable(check: Callable[[str], object], text: str) -> bool:
    try:
        check(text)
    except (ValueError, InvalidSpecifier, InvalidVersion):
        return False
    return True


@pytest.mark.parametrize("op", OPS)
def test_version_in_reads_what_packaging_reads(op: str) -> None:
    """The run-time evaluator (which also validates every pylink.json's ``abi``) refuses
    exactly the specifiers and versions packaging refuses."""
    for text in CLAUSE_VERSIONS:
        for spec in (f"{op}{text}", f">=1, {op}{text}", f"{op}{text},,<3"):
            expected = readable(SpecifierSet, spec)
            assert readable(lambda s: runtime.version_in("1.2.0", s), spec) is expected, spec
        expected = readable(Version, text)
        assert readable(lambda v: runtime.version_in(v, ">=0"), text) is expected, text


def lib(name: str, soname: str | None = None, path: str | None = None) -> dict[str, str]:
    soname = soname or f"lib{name}.so.1"
    return {"dir": name, "path": path or f"lib{name}.so.1", "soname": soname}


def record(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "demo",
        "distribution": "demo-dist",
        "package": "demo",
        "version": "1.2.0",
        "abi": ">=1.2,<2",
        "libraries": [lib("demo")],
    }
    data.update(overrides)
    return data


@pytest.fixture
def sites(tmp_path: Path, make_provider: MakeProvider) -> tuple[Path, Path]:
    """Two site directories; the provider (1.2.0) is installed in the first."""
    first, second = tmp_path / "site1", tmp_path / "site2"
    first.mkdir()
    second.mkdir()
    make_provider(first, "demo", distribution="demo-dist")
    return first, second


LIB = os.path.join("demo", "libdemo.so.1")


@pytest.mark.parametrize("platform", ["linux", "darwin", "freebsd"])
def test_plan_nothing_when_the_run_path_reaches_the_provider(
    sites: tuple[Path, Path], platform: str
) -> None:
    site, _ = sites
    assert runtime.plan("cons", str(site), [record()], platform, [str(site)]) == []


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_plan_preloads_a_provider_in_another_site_dir(
    sites: tuple[Path, Path], platform: str
) -> None:
    provider_site, consumer_site = sites
    path = [str(consumer_site), str(provider_site)]
    actions = runtime.plan("cons", str(consumer_site), [record()], platform, path)
    assert actions == [("load", str(provider_site / LIB))]


def test_plan_macos_install_name(tmp_path: Path, make_provider: MakeProvider) -> None:
    """An ``@rpath/`` install name: the run path reaches the file of that name."""
    site = tmp_path / "site"
    site.mkdir()
    doc = valid_doc("demo", libraries=[{"path": "libdemo.so.1", "soname": "@rpath/libdemo.so.1"}])
    make_provider(site, "demo", doc=doc, distribution="demo-dist")
    rec = record(libraries=[lib("demo", "@rpath/libdemo.so.1")])
    assert runtime.plan("cons", str(site), [rec], "darwin", [str(site)]) == []
    other = tmp_path / "consumer-site"
    other.mkdir()
    assert runtime.plan("cons", str(other), [rec], "darwin", [str(site)]) == [
        ("load", str(site / LIB))
    ]


def test_plan_windows_loads_by_full_path(sites: tuple[Path, Path]) -> None:
    """No run path on Windows: the DLL is loaded by full path, so the loader reuses it by
    name for the consumer's extension; a directory is added only for a DLL whose own
    dependencies its distribution installed elsewhere (``dll_dirs``)."""
    site, _ = sites
    assert runtime.plan("cons", str(site), [record()], "win32", [str(site)]) == [
        ("load", str(site / LIB))
    ]
    libs = record(libraries=[{**lib("demo"), "dll_dirs": ["../demo.libs"]}])
    with pytest.raises(ImportError) as exc:
        runtime.plan("cons", str(site), [libs], "win32", [str(site)])
    assert str(exc.value) == (
        f"cons links libdemo.so.1, whose dependencies demo-dist 1.2.0 installs in "
        f"{site / 'demo.libs'}, which is missing: pip install 'demo-dist>=1.2,<2'"
    )
    (site / "demo.libs").mkdir()
    assert runtime.plan("cons", str(site), [libs], "win32", [str(site)]) == [
        ("add_dll_directory", str(site / "demo.libs")),
        ("load", str(site / LIB)),
    ]


def test_plan_loads_required_providers_first(tmp_path: Path, make_provider: MakeProvider) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    make_provider(site, "top")
    make_provider(site, "base")
    recs = [  # link order: top requires base
        record(name="top", distribution="top", package="top", libraries=[lib("top")]),
        record(name="base", distribution="base", package="base", libraries=[lib("base")]),
    ]
    actions = runtime.plan("cons", str(elsewhere), recs, "linux", [str(site)])
    assert [os.path.basename(t) for _, t in actions] == ["libbase.so.1", "libtop.so.1"]


def test_plan_prefers_the_imported_package(
    sites: tuple[Path, Path], make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider already imported from elsewhere is the one whose library is loaded."""
    first, second = sites
    make_provider(second, "demo", distribution="demo-dist", version="1.5.0")
    module = types.ModuleType("demo")
    module.__file__ = str(second / "demo" / "__init__.py")
    module.__path__ = [str(second / "demo")]
    monkeypatch.setitem(sys.modules, "demo", module)
    actions = runtime.plan("cons", str(first), [record()], "linux", [str(first)])
    assert actions == [("load", str(second / LIB))]


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_plan_missing_provider(tmp_path: Path, platform: str) -> None:
    with pytest.raises(ImportError) as info:
        runtime.plan("cons", str(tmp_path), [record()], platform, [str(tmp_path)])
    assert str(info.value) == (
        "cons needs the pylink provider 'demo' (distribution 'demo-dist', built against "
        "1.2.0), which is not installed: pip install 'demo-dist>=1.2,<2'"
    )
    assert info.value.name == "cons"


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
@pytest.mark.parametrize("installed", ["1.1.0", "2.0.0"])
def test_plan_version_outside_the_abi_range(
    tmp_path: Path, make_provider: MakeProvider, platform: str, installed: str
) -> None:
    make_provider(tmp_path, "demo", distribution="demo-dist", version=installed)
    with pytest.raises(ImportError) as info:
        runtime.plan("cons", str(tmp_path), [record()], platform, [str(tmp_path)])
    assert str(info.value) == (
        "cons was built against demo-dist 1.2.0 and runs with demo-dist>=1.2,<2, but "
        f"demo-dist {installed} is installed ({tmp_path / 'demo'}): "
        "pip install 'demo-dist>=1.2,<2'"
    )


def test_plan_library_missing(sites: tuple[Path, Path]) -> None:
    site, _ = sites
    rec = record(libraries=[lib("demo", "libdemo.so.2", "libdemo.so.2")])
    with pytest.raises(ImportError, match=r"links libdemo.so.2, which demo-dist 1.2.0 does not"):
        runtime.plan("cons", str(site), [rec], "linux", [str(site)])


def test_plan_version_from_pylink_json_without_dist_info(
    tmp_path: Path, make_provider: MakeProvider
) -> None:
    """A provider on PYTHONPATH without dist-info (a source tree): pylink.json's version."""
    package = make_provider(tmp_path, "demo", distribution="demo-dist")
    shutil.rmtree(tmp_path / "demo_dist-1.2.0.dist-info")
    metadata = package / "pylink.json"
    metadata.write_text(json.dumps(valid_doc("demo", version="1.5", abi=">=1.5,<2")))
    assert runtime.plan("cons", str(tmp_path), [record()], "linux", [str(tmp_path)]) == []
    metadata.write_text(json.dumps(valid_doc("demo", version="3.0", abi=">=3,<4")))
    with pytest.raises(ImportError, match=r"but demo-dist 3.0 is installed"):
        runtime.plan("cons", str(tmp_path), [record()], "linux", [str(tmp_path)])
    metadata.write_bytes(b"{not json")
    with pytest.raises(ImportError, match=r"cons cannot read .*pylink.json of the pylink provider"):
        runtime.plan("cons", str(tmp_path), [record()], "linux", [str(tmp_path)])


def test_plan_editable_provider_hint(tmp_path: Path) -> None:
    """A dist-info without the package directory: an editable install, say so."""
    (tmp_path / "Demo.Dist-1.2.0.dist-info").mkdir()
    with pytest.raises(ImportError, match=r"\(an editable install\?\): reinstall it without -e"):
        runtime.plan("cons", str(tmp_path), [record()], "linux", [str(tmp_path)])


def test_apply_loads_for_real(real_library: Path) -> None:
    """ctypes loads the library; the process then has it mapped (Linux)."""
    code = (
        "import sys; from pylinkdep import runtime\n"
        f"runtime.apply([('load', {str(real_library)!r})])\n"
        "print(sum('libdemo.so.1' in l for l in open('/proc/self/maps')) > 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_generated_module_runs_and_checks(
    tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """embed's module, installed in consumer/, checks the provider found on sys.path."""
    site = tmp_path / "site"
    site.mkdir()
    make_provider(site, "demo", distribution="demo-dist")
    dep = find("demo", path=[str(site)])
    module = site / "cons" / "_pylink.py"
    runtime_module.write_module(str(module), "cons-dist", "cons", [dep])
    code = "import cons._pylink as m; print(m.PROVIDERS[0]['abi'], m.CONSUMER)"
    run = [sys.executable, "-c", code]
    env = {**os.environ, "PYTHONPATH": str(site)}
    (site / "cons" / "__init__.py").touch()
    out = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.stdout.split() == [">=1.2,<2", "cons-dist"], out.stderr
    (site / "demo_dist-1.2.0.dist-info").rename(site / "demo_dist-3.0.dist-info")
    out = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "cons-dist was built against demo-dist 1.2.0" in out.stderr


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("awcons-meson", id="meson-project-name"),
        pytest.param("awcons_meson", id="cmake-project-name"),
        pytest.param("AwCons.Meson", id="setuptools-name"),
    ],
)
def test_module_names_consumer_by_distribution(
    tmp_path: Path, make_provider: MakeProvider, given: str
) -> None:
    """Each route's spelling of the consumer reads, in every ImportError, as one name:
    the normalized distribution name (issue 18, Found 9)."""
    site = tmp_path / "site"
    site.mkdir()
    make_provider(site, "demo", distribution="demo-dist")
    dep = find("demo", path=[str(site)])
    runtime_module.write_module(str(site / "awcons" / "_pylink.py"), given, "awcons", [dep])
    (site / "awcons" / "__init__.py").touch()
    run = [sys.executable, "-c", "import awcons._pylink as m; print(m.CONSUMER)"]
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.stdout.strip() == "awcons-meson", out.stderr
    shutil.rmtree(site / "demo")
    out = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: awcons-meson needs the pylink provider 'demo' "), last


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-shared", "-L/x", "-Wl,-rpath,/py/lib", "a.o"], ["-shared", "-L/x", "a.o"]),
        (["-Wl,-rpath,/py/lib:$ORIGIN/x"], ["-Wl,-rpath,$ORIGIN/x"]),
        (["-Wl,-R/py/lib", "-Wl,-rpath,$ORIGIN"], ["-Wl,-rpath,$ORIGIN"]),
    ],
)
def test_drop_absolute_rpaths(args: list[str], expected: list[str]) -> None:
    assert drop_absolute_rpaths(args) == expected


def test_setuptools_flags(tmp_path: Path, make_provider: MakeProvider) -> None:
    make_provider(tmp_path, "demo")
    ext = Extension("cons.sub._ext", ["x.c"], py_libraries=["demo>=1.0"])
    deps = [find("demo", path=[str(tmp_path)])]
    for _ in range(2):  # idempotent flags
        apply_dependencies(ext, deps, "cons/sub", "linux")
    assert ext.include_dirs == [str(tmp_path / "demo" / "include")]
    assert ext.define_macros == [("DEMO_SHARED", None)]
    assert ext.extra_objects == [str(tmp_path / LIB)]
    assert ext.extra_link_args[:1] == ["-Wl,-rpath,$ORIGIN/../../demo"]
    mac = Extension("cons._ext", ["x.c"], py_libraries=["demo"])
    apply_dependencies(mac, deps, "cons", "darwin")
    assert mac.extra_link_args == ["-Wl,-rpath,@loader_path/../demo"]
    win = Extension("cons._ext", ["x.c"], py_libraries=["demo"])
    apply_dependencies(win, deps, "cons", "win32")
    assert win.extra_link_args == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("demo >>= 1", r"py_libraries\[0\] 'demo >>= 1' is not a requirement"),
        ("demo[x]>=1", r"only a name and a version specifier"),
        ("demo>=9", r"demo 1.2.0 is installed, but >=9 is required"),
    ],
)
def test_setuptools_bad_entries(
    tmp_path: Path,
    make_provider: MakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    entry: str,
    message: str,
) -> None:
    make_provider(tmp_path, "demo")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PylinkError, match=message):
        resolve([entry], "cons._ext")


@pytest.mark.parametrize(
    ("abi", "requirement", "covered"),
    [
        (">=1.2,<2", ">=1.2,<2", True),
        (">=1.2,<2", ">=1.3,<1.9", True),
        (">=1.2,<2", "~=1.4", True),
        (">=1.2,<2", "==1.5.*", True),
        (">=1.2,<2", "==1.2.0", True),
        (">=1.2,<2", ">1.2,<=1.9", True),
        (">=1.2,<2", ">=1.2,!=1.5,<2", True),
        (">=1.2,<2", ">=1.2", False),
        (">=1.2,<2", "<2", False),
        (">=1.2,<2", ">=1.1,<2", False),
        (">=1.2,<2", ">=1.2,<=2", False),
        (">=1.2,<2", "", False),
        (">1.2,<2", ">=1.2,<2", False),
        (">=1.2", ">=1.5", True),
    ],
)
def test_covers(abi: str, requirement: str, covered: bool) -> None:
    assert wheel_consumer.covers(abi, requirement) is covered


def test_skbuild_provider(
    tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_provider(tmp_path, "demo", distribution="demo-dist")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings = {"providers": ["demo"]}
    assert skbuild.DynamicMetadata.dynamic_metadata(settings, {}) == {
        "dependencies": ["demo-dist>=1.2,<2"]
    }
    # Each problem ends the build with one line, naming the fix.
    cases: list[tuple[str, Mapping[str, object], str]] = [
        ("version", settings, "fills 'dependencies', not 'version'"),
        ("dependencies", {**settings, "extra": "x"}, "unknown settings ['extra']"),
        ("dependencies", {"providers": "demo"}, "'providers' must be a non-empty list"),
        ("dependencies", {"providers": ["dmeo"]}, "no pylink provider named 'dmeo'"),
    ]
    for field, given, message in cases:
        with pytest.raises(SystemExit) as info:
            skbuild.dynamic_metadata(field, given, {})
        assert str(info.value.code).startswith("pylinkdep: error: ")
        assert message in str(info.value.code) and "\n" not in str(info.value.code)
    assert "did you mean 'demo'?" in str(info.value.code)
    with pytest.raises(SystemExit) as info:  # the [[tool.dynamic-metadata]] plugin
        skbuild.DynamicMetadata.dynamic_metadata({"providers": ["dmeo"]}, {})
    assert str(info.value.code).startswith("pylinkdep: error: no pylink provider named 'dmeo'")
    assert "\n" not in str(info.value.code)


def test_skbuild_provider_from_build_requires(
    tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``providers``: the pylink providers of the distributions [build-system]
    requires names, each with its specifier there as the target."""
    make_provider(tmp_path / "site", "demo", distribution="demo-dist")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["scikit-build-core", "pylinkdep", "Demo_Dist>=1.2",\n'
        "  \"other; python_version < '3'\"]\n"
    )
    assert skbuild.build_requirements(str(project)) == ["demo>=1.2"]
    assert skbuild.DynamicMetadata.dynamic_metadata({}, {}) == {
        "dependencies": ["demo-dist>=1.2,<2"]
    }
    (project / "pyproject.toml").write_text('[build-system]\nrequires = ["scikit-build-core"]\n')
    with pytest.raises(SystemExit) as info:
        skbuild.DynamicMetadata.dynamic_metadata({}, {})
    message = str(info.value.code)
    assert message.startswith("pylinkdep: error: pylinkdep dynamic metadata: no 'providers'")
    assert "[build-system] requires: add the provider's distribution there" in message
    assert "field 'build-system.requires'" in message and "\n" not in message
    for broken in ('[build-system]\nrequires = "demo-dist"\n', 'build-system = "demo-dist"\n'):
        (project / "pyproject.toml").write_text(broken)
        with pytest.raises(SystemExit) as info:
            skbuild.DynamicMetadata.dynamic_metadata({}, {})
        message = str(info.value.code)
        assert message.startswith("pylinkdep: error: [build-system] requires is not a list")
        assert "field 'build-system.requires'" in message and "\n" not in message


def test_setuptools_hook_installs_build_ext() -> None:
    """Through setuptools' own entry point: pylinkdep's build_ext, mixed into a custom one."""
    import setuptools
    from setuptools.command.build_ext import build_ext as base
    from setuptools.dist import Distribution

    from pylinkdep.setuptools import BuildExtMixin, build_ext

    # Other plugins' hooks (scikit-build-core's) may wrap build_ext too, before or after.
    plain = Distribution({"ext_modules": [setuptools.Extension("m._x", ["x.c"])]})
    assert not issubclass(plain.get_command_class("build_ext"), BuildExtMixin)
    ext = Extension("m._x", ["x.c"], py_libraries=["demo"])
    assert issubclass(Distribution({"ext_modules": [ext]}).cmdclass["build_ext"], BuildExtMixin)
    assert issubclass(build_ext, base)

    class Custom(base):
        pass

    mixed = Distribution({"ext_modules": [ext], "cmdclass": {"build_ext": Custom}})
    chosen = mixed.cmdclass["build_ext"]
    assert issubclass(chosen, BuildExtMixin) and issubclass(chosen, Custom)


PLAIN_SETUPTOOLS = """
import sys
import setuptools
from setuptools.dist import Distribution
Distribution({"name": "plain", "ext_modules": [setuptools.Extension("m._x", ["x.c"])]})
print(*sorted(m for m in sys.modules if m.split(".")[0] == "pylinkdep"))
"""


def test_setuptools_hook_imports_nothing_for_a_plain_distribution() -> None:
    """Every setuptools process of the environment runs pylinkdep's entry point: for a
    distribution without py_libraries it imports only itself (issue 18, Found 8d), and
    ``import pylinkdep`` imports no submodule until a name is used (PEP 562)."""
    run = [sys.executable, "-c", PLAIN_SETUPTOOLS]
    out = subprocess.run(run, capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.split() == ["pylinkdep", "pylinkdep._setuptools_entry"], out.stderr
    code = "import sys, pylinkdep; print(*sorted(m for m in sys.modules if 'pylinkdep' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["pylinkdep"]


def test_requires_check_without_metadata(tmp_path: Path, make_provider: MakeProvider) -> None:
    """A wheel whose generated module records a provider, but without METADATA."""
    site = tmp_path / "site"
    site.mkdir()
    make_provider(site, "demo", distribution="demo-dist")
    source = runtime_module.module_source("cons", "cons", [find("demo", path=[str(site)])])
    wheel = tmp_path / "cons-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("cons/_pylink.py", source)
        zf.writestr("cons-1.0.dist-info/RECORD", "")
    with zipfile.ZipFile(wheel) as zf:
        assert [p.requirement for p in wheel_consumer.wheel_providers(zf)] == ["demo-dist>=1.2,<2"]
        assert wheel_consumer.requires_problems(zf, "cons-1.0.dist-info") == [
            "cons-1.0.dist-info/METADATA is missing: cannot check the run requirements"
        ]


def test_plan_unreadable_installed_version(tmp_path: Path, make_provider: MakeProvider) -> None:
    """A dist-info whose version is not PEP 440, or (without one) a pylink.json nested past
    the recursion limit, is an ImportError like every other problem found at import."""
    make_provider(tmp_path, "demo", distribution="demo-dist", version="1.2.0+local~x")
    with pytest.raises(ImportError, match=r"cannot read the installed version '1\.2\.0\+local~x'"):
        runtime.plan("cons", str(tmp_path), [record()], "linux", [str(tmp_path)])
    nested = tmp_path / "nested"
    pkg = make_provider(nested, "demo", distribution="demo-dist", doc=b"[" * 100_000)
    shutil.rmtree(next(nested.glob("*.dist-info")))
    with pytest.raises(ImportError, match=r"cannot read .*pylink\.json") as info:
        runtime.plan("cons", str(nested), [record()], "linux", [str(nested)])
    assert str(pkg) in str(info.value)


@pytest.mark.parametrize(
    "providers",
    [
        "PROVIDERS: list = [1, 2",  # not Python
        "PROVIDERS: list = {'name': 'x'}",  # not a list
        "PROVIDERS: list = [{'name': 'x'}]",  # entry without distribution, abi, libraries
        "PROVIDERS: list = [{'name': 'x', 'distribution': 'x', 'abi': '>=1', 'libraries': [1]}]",
        "PROVIDERS: list = [{'name': 1, 'distribution': 'x', 'abi': '>=1', 'libraries': []}]",
        "PROVIDERS: list = [{'name': 'x', 'distribution': 'x', 'abi': 'one', 'libraries': []}]",
        "PROVIDERS: list = [f(x) for x in y]",  # not a literal
    ],
)
def test_check_reports_a_malformed_runtime_module(tmp_path: Path, providers: str) -> None:
    """`pylinkdep check` and `auditwheel-args` on a wheel whose _pylink.py carries
    pylinkdep's header but a malformed provider table: a finding or one error line, never
    a traceback (issue 14, finding 9)."""
    wheel = tmp_path / "cons-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("cons/_pylink.py", f"# Generated by pylinkdep for cons\n{providers}\n")
        metadata = "Metadata-Version: 2.1\nName: cons\nRequires-Dist: x>=1\n"
        zf.writestr("cons-1.0.dist-info/METADATA", metadata)
        zf.writestr("cons-1.0.dist-info/RECORD", "")
    problems = check.check_wheel(str(wheel))
    assert problems, problems
    assert any("PROVIDERS cannot be read" in p or "not a PEP 440" in p for p in problems)
    # check fails the wheel; auditwheel-args fails with one line on a table it cannot read
    # (the last-but-one table it can: its abi is no question for a repair tool).
    for command, statuses in ((["check"], {1}), (["auditwheel-args"], {0, 1})):
        proc = subprocess.run(
            [sys.executable, "-m", "pylinkdep", *command, str(wheel)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode in statuses, proc
        assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) <= 1, proc
