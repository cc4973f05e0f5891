"""Cross builds on this machine: a macOS arm64 provider, linked by zig, packaged as a
wheel of that platform and installed with pip into a target site directory; consumers
built against it through cross resolution (``--target-site``) from the CLI's flags and
run path, CMake with a zig toolchain file and meson with a cross file; each result read
back with macholib. The build machine's own provider of the same name is never used."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pylinkdep import _binary, runtime
from pylinkdep._resolve import Index
from pylinkdep.cli import main
from pylinkdep.outputs import runtime_module

from .conftest import MakeProvider
from .crossbuild import API, CONS_C, PROV_C, PROV_H
from .test_check import write_wheel

TAG = "macosx_11_0_arm64"
INSTALL_NAME = "@rpath/libprov.1.dylib"
RUN_PATH = "@loader_path/../prov"
"""From a consumer installed in ``cons/`` to the provider's ``prov/``."""
ZIG = [sys.executable, "-m", "ziglang", "cc", "-target", "aarch64-macos"]


def wheel_record(members: dict[str, bytes], record: str) -> bytes:
    """RECORD of ``members`` as a wheel carries it (sha256, urlsafe base64)."""
    lines = []
    for name, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    return "\n".join([*lines, f"{record},,", ""]).encode()


def install_provider(root: Path, library: Path, tag: str) -> Path:
    """``root/target-site``, where pip installed provider ``prov`` 1.0 from a wheel tagged
    ``tag``: ``library`` (a Mach-O or PE file) with ``pylinkdep generate``'s pylink.json
    and ``prov.h``."""
    package = root / "build" / "prov"
    (package / "include").mkdir(parents=True)
    (package / "include" / "prov.h").write_text(PROV_H)
    shutil.copy(library, package / library.name)
    assert main(["generate", "-o", str(package / "pylink.json"), "--name", "prov",
                 "--version", "1.0", "--abi=>=1.0,<2", "--include-dir", "include",
                 "--library", str(package / library.name), "--python-abi", "cp312",
                 "--header", str(package / "include" / "prov.h")]) == 0  # fmt: skip
    members = {
        f"prov/{f.relative_to(package).as_posix()}": f.read_bytes()
        for f in sorted(package.rglob("*"))
        if f.is_file()
    }
    members["prov/__init__.py"] = b""
    members[f"{DIST_INFO}/entry_points.txt"] = b"[pylink]\nprov = prov\n"
    wheels = root / "wheels"
    wheel(wheels / f"prov-1.0-py3-none-{tag}.whl", members)
    site = root / "target-site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--target", str(site), "--platform", tag,
         "--only-binary=:all:", "--no-deps", "--no-index", "--find-links", str(wheels), "prov"],
        check=True, capture_output=True,
    )  # fmt: skip
    return site


DIST_INFO = "prov-1.0.dist-info"


def wheel(path: Path, members: dict[str, bytes]) -> Path:
    """A wheel at ``path`` (its name gives distribution, version and tags) of ``members``,
    with METADATA, WHEEL and RECORD."""
    distribution, version, python, abi, platform = path.name[: -len(".whl")].split("-")
    dist_info = f"{distribution}-{version}.dist-info"
    members = {
        **members,
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n"
        ).encode(),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
            f"Tag: {python}-{abi}-{platform}\n"
        ).encode(),
    }
    members[f"{dist_info}/RECORD"] = wheel_record(members, f"{dist_info}/RECORD")
    return write_wheel(path, members)


@pytest.fixture(scope="module")
def target_site(macho_libraries: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site directory of a macOS arm64 target holding provider ``prov`` 1.0: its
    zig-built ``libprov.1.dylib``."""
    return install_provider(tmp_path_factory.mktemp("cross"), macho_libraries["provider"], TAG)


@pytest.fixture
def host_site(tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A provider ``prov`` of the build machine (ELF, gcc) on this Python's sys.path, and
    no cross-build setting in the environment."""
    site = tmp_path / "host-site"
    make_provider(site, "prov")
    monkeypatch.syspath_prepend(str(site))
    for variable in ("PYLINKDEP_TARGET_SITE", "PYLINKDEP_TARGET_PYTHON_ABI",
                     "PYLINKDEP_TARGET_PLATFORM", "PYLINK_PATH"):  # fmt: skip
        monkeypatch.delenv(variable, raising=False)
    return site


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


def macho(path: Path) -> _binary.Dynamic:
    with path.open("rb") as f:
        (image,) = _binary.images(f)
    return image


def assert_macos_consumer(library: Path, *build_paths: Path) -> None:
    """``library`` loads the provider by its install name through an @loader_path run
    path only, and names no path of the build machine."""
    image = macho(library)
    assert image.format == "macho"
    assert INSTALL_NAME in image.needed
    assert image.runpath == (RUN_PATH,)
    absolute = [n for n in (*image.needed, *image.runpath) if n.startswith("/")]
    assert all(n.startswith("/usr/lib/") for n in absolute), absolute  # libSystem only
    for path in build_paths:
        assert not any(str(path) in n for n in (*image.needed, *image.runpath))
    with library.open("rb") as f:
        assert API <= _binary.imports_by_library(f)[INSTALL_NAME]


def test_cli_flags_come_from_the_target_site(
    target_site: Path, host_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, host_flags, _ = cli(capsys, "--cflags", "--libs", "prov")
    assert status == 0 and str(host_site / "prov" / "libprov.so.1") in host_flags
    target = ["--target-site", str(target_site), "--target-python-abi", "cp312"]
    status, flags, err = cli(capsys, *target, "--cflags", "--libs", "prov")
    assert (status, err) == (0, "")
    assert flags == f"-I{target_site}/prov/include {target_site}/prov/libprov.1.dylib"
    assert str(host_site) not in flags


def test_environment_variables_select_the_target(
    target_site: Path,
    host_site: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYLINKDEP_TARGET_SITE", f"{host_site.parent / 'missing'}")
    status, _, err = cli(capsys, "--libs", "prov")
    assert status == 1
    assert err == (
        f"pylinkdep: error: PYLINKDEP_TARGET_SITE: {host_site.parent / 'missing'} is not a "
        "directory (the target's site-packages, or a directory of unpacked wheels) "
        "(field 'PYLINKDEP_TARGET_SITE')"
    )
    monkeypatch.setenv("PYLINKDEP_TARGET_SITE", str(target_site))
    # No ABI given: a warning, and no check.
    status, flags, err = cli(capsys, "--libs", "prov")
    assert (status, flags) == (0, f"{target_site}/prov/libprov.1.dylib")
    assert err.startswith(
        "pylinkdep: warning: PYLINKDEP_TARGET_SITE is given without "
        "PYLINKDEP_TARGET_PYTHON_ABI: the providers' python_abi is not"
    )
    monkeypatch.setenv("PYLINKDEP_TARGET_PYTHON_ABI", "cp313")
    status, _, err = cli(capsys, "--libs", "prov")
    assert status == 1 and "prov 1.0 was built for cp312, but this build targets cp313" in err
    status, _, err = cli(capsys, "--target-python-abi", "3.13", "--libs", "prov")
    assert status == 1 and err == (
        "pylinkdep: error: --target-python-abi: '3.13' is not a Python ABI such as cp312 or "
        "cp313t (or none: no check) (field '--target-python-abi')"
    )
    monkeypatch.setenv("PYLINKDEP_TARGET_PYTHON_ABI", "none")
    monkeypatch.setenv("PYLINKDEP_TARGET_PLATFORM", "macos")
    status, _, err = cli(capsys, "rpath", "--from", "cons", "prov")
    assert status == 1 and "PYLINKDEP_TARGET_PLATFORM: 'macos' is not one of linux, " in err
    monkeypatch.setenv("PYLINKDEP_TARGET_PLATFORM", "darwin")
    assert cli(capsys, "rpath", "--from", "cons", "prov") == (0, RUN_PATH, "")
    status, out, err = cli(capsys, "cargo", "prov", "--rpath-from", "cons")
    assert (status, err) == (0, "")
    assert out.splitlines()[:2] == [
        f"cargo:rustc-link-arg={target_site}/prov/libprov.1.dylib",
        f"cargo:rustc-link-arg=-Wl,-rpath,{RUN_PATH}",
    ]
    status, out, _ = cli(capsys, "show", "prov", "--json", "--rpath-from", "cons")
    shown = json.loads(out)
    assert (shown["site_dir"], shown["rpath"]) == (str(target_site), [RUN_PATH])


def test_consumer_linked_from_the_cli_flags(
    target_site: Path, host_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The consumer a Makefile-style build links with ``--cflags --libs`` and the run path
    ``pylinkdep rpath`` gives for darwin."""
    target = ["--target-site", str(target_site), "--target-python-abi", "cp312"]
    _, flags, _ = cli(capsys, *target, "--cflags", "--libs", "prov")
    _, run_path, _ = cli(capsys, "rpath", "--target-platform", "darwin", "--from", "cons", "prov")
    (tmp_path / "cons.c").write_text(CONS_C)
    subprocess.run([*ZIG, "-shared", "-o", "_cons.dylib", "cons.c", *flags.split(),
                    f"-Wl,-rpath,{run_path}"], cwd=tmp_path, check=True)  # fmt: skip
    assert_macos_consumer(tmp_path / "_cons.dylib", target_site, host_site)


def test_darwin_runtime_plan(target_site: Path, tmp_path: Path) -> None:
    """The consumer's run-time module on macOS: nothing to do where its @loader_path run
    path reaches the provider; the provider's library preloaded when the provider is in
    another site directory."""
    dep = Index([str(target_site)], "cp312").find("prov")
    table = runtime_module.provider_table([dep])
    library = str(target_site / "prov" / "libprov.1.dylib")
    path = [str(target_site)]
    assert runtime.plan("cons", str(target_site), table, platform="darwin", path=path) == []
    other = tmp_path / "other-site"
    other.mkdir()
    assert runtime.plan("cons", str(other), table, platform="darwin", path=path) == [
        ("load", library)
    ]


@pytest.fixture(scope="module")
def zig_cc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A C compiler command for build systems: zig cc for aarch64-macos."""
    wrapper = tmp_path_factory.mktemp("zig") / "zigcc"
    wrapper.write_text(f'#!/bin/sh\nexec {" ".join(ZIG)} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def sh(argv: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"{argv}: {proc.stdout}{proc.stderr}"


def consumer_source(root: Path, build_file: str, text: str) -> Path:
    source = root / "src"
    source.mkdir()
    (source / "cons.c").write_text(CONS_C)
    (source / build_file).write_text(text)
    return source


CMAKELISTS = """\
cmake_minimum_required(VERSION 3.15)
project(cons C)
find_package(pylinkdep REQUIRED COMPONENTS prov)
find_package(prov 1.0 REQUIRED)
# SHARED: zig's Mach-O linker has no -bundle, which CMake's MODULE libraries use.
add_library(cons SHARED cons.c)
target_link_libraries(cons PRIVATE prov::prov)
pylink_target_rpath(cons DESTINATION cons)
"""


def test_cmake_cross_build(
    target_site: Path, host_site: Path, zig_cc: Path, tmp_path: Path
) -> None:
    """CMake with a toolchain file for Darwin (zig cc): find_package(pylinkdep) resolves
    the providers of PYLINKDEP_TARGET_SITE, pylink_target_rpath gives @loader_path."""
    from pylinkdep import _shipped

    # CMake's Darwin platform asks sw_vers for the macOS version; off a Mac there is none,
    # and it leaves the run path flag unset unless the toolchain's rules give it.
    rules = 'set(CMAKE_SHARED_LIBRARY_RUNTIME_C_FLAG "-Wl,-rpath,")\n'
    (tmp_path / "rules.cmake").write_text(rules)
    (tmp_path / "toolchain.cmake").write_text(
        f"set(CMAKE_SYSTEM_NAME Darwin)\nset(CMAKE_SYSTEM_PROCESSOR arm64)\n"
        f"set(CMAKE_C_COMPILER {zig_cc})\n"
        f"set(CMAKE_USER_MAKE_RULES_OVERRIDE {tmp_path / 'rules.cmake'})\n"
    )
    source = consumer_source(tmp_path, "CMakeLists.txt", CMAKELISTS)
    build = tmp_path / "build"
    env = {**os.environ, "PYTHONPATH": str(host_site)}  # the build machine's prov: unused
    sh(
        ["cmake", "-S", str(source), "-B", str(build), "-G", "Ninja",
         f"-DCMAKE_TOOLCHAIN_FILE={tmp_path / 'toolchain.cmake'}",
         f"-DCMAKE_MAKE_PROGRAM={shutil.which('ninja')}",
         f"-Dpylinkdep_DIR={_shipped.CMAKE_DIR}", f"-DPython_EXECUTABLE={sys.executable}",
         f"-DPYLINKDEP_TARGET_SITE={target_site}", "-DPYLINKDEP_TARGET_PYTHON_ABI=cp312"],
        env,
    )  # fmt: skip
    sh(["cmake", "--build", str(build)])
    assert f"{target_site}/prov/libprov.1.dylib" in (build / "build.ninja").read_text()
    assert_macos_consumer(build / "libcons.dylib", target_site, host_site, build)


MESON_BUILD = """\
project('cons', 'c')
py = import('python').find_installation()
dep = dependency('prov', method: 'pylink')
# shared_library: zig's Mach-O linker has no -bundle, which meson's modules use.
shared_library('cons', 'cons.c', dependencies: dep, install: true,
               install_dir: py.get_install_dir() / 'cons')
"""


def test_meson_cross_build(
    target_site: Path, host_site: Path, zig_cc: Path, tmp_path: Path, make_provider: MakeProvider
) -> None:
    """pylinkdep-meson with a cross file for darwin (zig cc) whose [properties] name the
    target site: the provider's library from it, an @loader_path run path."""
    cross = tmp_path / "cross.ini"
    cross.write_text(
        f"[binaries]\nc = '{zig_cc}'\npython = '{sys.executable}'\n"
        "[host_machine]\nsystem = 'darwin'\ncpu_family = 'aarch64'\ncpu = 'arm64'\n"
        "endian = 'little'\n"
        f"[properties]\npylink_target_site = '{target_site}'\n"
        "pylink_target_python_abi = 'cp312'\n"
    )
    source = consumer_source(tmp_path, "meson.build", MESON_BUILD)
    build = tmp_path / "build"
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PYTHONPATH": str(host_site), "PATH": f"{bindir}:{os.environ['PATH']}"}
    sh([sys.executable, "-m", "pylinkdep.meson", "setup", "--cross-file", str(cross),
        str(build), str(source)], env)  # fmt: skip
    sh(["ninja", "-C", str(build)], env)
    assert_macos_consumer(build / "libcons.dylib", target_site, host_site, build)
    # A provider the target lacks is missing there, whatever the build machine has.
    (source / "meson.build").write_text(MESON_BUILD.replace("'prov'", "'demo'"))
    make_provider(host_site, "demo")
    proc = subprocess.run(
        [sys.executable, "-m", "pylinkdep.meson", "setup", "--cross-file", str(cross),
         str(tmp_path / "missing"), str(source)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 1
    assert f"no pylink provider named 'demo' is installed for the target site {target_site}:" in (
        proc.stdout
    )


def consumer_wheel(
    path: Path, library: Path, name: str, site: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A consumer wheel of ``library`` as ``cons/<name>`` and the ``_pylink.py``
    ``pylinkdep runtime-module`` writes for provider ``prov`` of the target ``site``."""
    module = path.parent / "_pylink.py"
    target = ["--target-site", str(site), "--target-python-abi", "cp312"]
    assert cli(capsys, "runtime-module", *target, "-o", str(module), "--consumer", "cons",
               "--subdir", "cons", "prov")[0] == 0  # fmt: skip
    members = {
        "cons/__init__.py": b"from . import _pylink\n",
        "cons/_pylink.py": module.read_bytes(),
        f"cons/{name}": library.read_bytes(),
    }
    return wheel(path, members)


EXTENSION = "_cons.cpython-312-darwin.so"
PYD = "_cons.cp312-win_amd64.pyd"
"""The consumer's extension module in its wheel (delvewheel analyses .pyd files)."""


def test_delocate_args(
    target_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A macOS consumer wheel: repair-args picks delocate, whose real argument parser
    reads the exclusion (delocate-wheel itself needs macOS's otool to run)."""
    delocate_wheel = pytest.importorskip(
        "delocate.cmd.delocate_wheel", reason="pip install delocate"
    )
    (tmp_path / "cons.c").write_text(CONS_C)
    _, flags, _ = cli(capsys, "--target-site", str(target_site), "--target-python-abi", "cp312",
                      "--cflags", "--libs", "prov")  # fmt: skip
    sh([*ZIG, "-shared", "-o", str(tmp_path / "_cons.dylib"), str(tmp_path / "cons.c"),
        *flags.split(), f"-Wl,-rpath,{RUN_PATH}"])  # fmt: skip
    path = tmp_path / "wheels" / f"cons-1.0-cp312-cp312-{TAG}.whl"
    consumer = consumer_wheel(path, tmp_path / "_cons.dylib", EXTENSION, target_site, capsys)
    args = cli(capsys, "repair-args", str(consumer))
    assert (
        args == cli(capsys, "delocate-args", str(consumer)) == (0, "--exclude libprov.1.dylib", "")
    )
    opts = delocate_wheel.parser.parse_args([*args[1].split(), str(consumer)])
    assert opts.exclude == ["libprov.1.dylib"]
    # Without _pylink.py the wheel's LC_LOAD_DYLIB names are matched against the target's
    # providers.
    bare = wheel(
        path.parent / "bare" / path.name,
        {f"cons/{EXTENSION}": (tmp_path / "_cons.dylib").read_bytes()},
    )
    assert cli(capsys, "delocate-args", str(bare)) == (0, "", "")
    target = ["--target-site", str(target_site), "--target-python-abi", "cp312"]
    assert cli(capsys, "delocate-args", *target, str(bare)) == (0, "--exclude libprov.1.dylib", "")


@pytest.fixture(scope="module")
def windows_site(pe_libraries: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Windows x86_64 target's site directory holding provider ``prov`` 1.0 (mingw-w64)."""
    root = tmp_path_factory.mktemp("cross-windows")
    return install_provider(root, pe_libraries["provider"], "win_amd64")


def test_delvewheel_repair_keeps_the_provider_out(
    windows_site: Path,
    pe_libraries: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A Windows consumer wheel: repair-args picks delvewheel; delvewheel repair (which
    runs on Linux) with those arguments leaves libprov.dll out and the consumer's import
    of it as it was, where without them it fails to find the DLL."""
    delvewheel = shutil.which("delvewheel", path=str(Path(sys.executable).parent))
    if delvewheel is None:
        pytest.skip("delvewheel repairs Windows wheels: pip install delvewheel")
    path = tmp_path / "wheels" / "cons-1.0-cp312-cp312-win_amd64.whl"
    consumer = consumer_wheel(path, pe_libraries["consumer"], PYD, windows_site, capsys)
    status, args, _ = cli(capsys, "repair-args", str(consumer))
    assert status == 0
    assert (status, args, "") == cli(capsys, "delvewheel-args", str(consumer))
    assert args == "--exclude libprov.dll --no-mangle libprov.dll"
    # delvewheel finds the provider's DLL where the build found it, and vendors it (under
    # a mangled name: a second copy) unless told not to.
    find = ["--add-path", str(windows_site / "prov")]
    vendored = repaired(delvewheel, [*find], consumer, tmp_path / "plain")
    assert [n for n in vendored if "libprov" in n and n.endswith(".dll")]
    assert "libprov.dll" not in _binary.imports_by_library(io.BytesIO(vendored[f"cons/{PYD}"]))
    sh([delvewheel, "show", *find, *args.split()[:2], str(consumer)])
    kept = repaired(delvewheel, [*find, *args.split()], consumer, tmp_path / "excluded")
    assert not [n for n in kept if "libprov" in n]
    assert API <= _binary.imports_by_library(io.BytesIO(kept[f"cons/{PYD}"]))["libprov.dll"]
    # check names the mangled copy and the option; the repaired wheel has none.
    (copy,) = [n for n in vendored if "libprov" in n and n.endswith(".dll")]
    assert re.fullmatch(r"cons\.libs/libprov-[0-9a-f]{32}\.dll", copy)
    assert vendoring(tmp_path / "plain") == [
        f"{copy}: vendors libprov.dll of pylink provider 'prov': a second copy with its own "
        "state, which the consumer loads instead of the provider's; repair with delvewheel "
        "--exclude libprov.dll --no-mangle libprov.dll (pylinkdep repair-args prints the "
        "options for all its providers)"
    ]
    assert vendoring(tmp_path / "excluded") == []


def vendoring(out: Path) -> list[str]:
    """``pylinkdep check``'s findings of vendored copies in the one wheel in ``out``."""
    from pylinkdep.wheel.check import check_wheel

    (made,) = out.glob("*.whl")
    return [p for p in check_wheel(str(made)) if " vendors " in p]


def test_check_flags_a_delocated_copy(
    target_site: Path,
    macho_libraries: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """delocate copies a library into ``<package>/.dylibs/`` under its own name and gives
    it an absolute install name (``/DLC/<package>/.dylibs/<file>``; the provider linked
    with an absolute one stands for it here, delocate-wheel needing macOS's otool): check
    knows it as the provider's by its file name and gives delocate's option."""
    path = tmp_path / "wheels" / f"cons-1.0-cp312-cp312-{TAG}.whl"
    consumer = consumer_wheel(path, macho_libraries["consumer"], EXTENSION, target_site, capsys)
    with zipfile.ZipFile(consumer) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if not n.endswith("RECORD")}
    members["cons/.dylibs/libprov.1.dylib"] = macho_libraries["absolute-install-name"].read_bytes()
    delocated = wheel(tmp_path / "delocated" / path.name, members)
    assert vendoring(delocated.parent) == [
        "cons/.dylibs/libprov.1.dylib: vendors libprov.1.dylib of pylink provider 'prov': a "
        "second copy with its own state, which the consumer loads instead of the provider's; "
        "repair with delocate --exclude libprov.1.dylib (pylinkdep repair-args prints the "
        "options for all its providers)"
    ]
    assert vendoring(consumer.parent) == []


def repaired(delvewheel: str, args: list[str], wheel: Path, out: Path) -> dict[str, bytes]:
    """The members of the wheel ``delvewheel repair`` makes of ``wheel``."""
    sh([delvewheel, "repair", *args, "-w", str(out), str(wheel)])
    (made,) = out.glob("*.whl")
    with zipfile.ZipFile(made) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


SETUP_PY = """\
from setuptools import setup
from pylinkdep.setuptools import Extension
setup(name="cons", version="1.0", packages=["cons"],
      ext_modules=[Extension("cons._cons", ["cons/cons.c"], py_libraries=["prov>=1.0"])])
"""


def test_setuptools_cross_build(
    target_site: Path, host_site: Path, zig_cc: Path, tmp_path: Path
) -> None:
    """setuptools' build_ext with zig as CC and LDSHARED and the PYLINKDEP_TARGET_*
    variables: the target's library, an @loader_path run path, and a _pylink.py that
    records the target's provider."""
    source = consumer_source(tmp_path, "setup.py", SETUP_PY)
    (source / "cons").mkdir()
    (source / "cons" / "__init__.py").write_text("")
    (source / "cons.c").rename(source / "cons" / "cons.c")
    env = {
        **os.environ,
        "PYTHONPATH": str(host_site),
        "CC": str(zig_cc),
        "LDSHARED": f"{zig_cc} -shared",
        "PYLINKDEP_TARGET_SITE": str(target_site),
        "PYLINKDEP_TARGET_PYTHON_ABI": "cp312",
        "PYLINKDEP_TARGET_PLATFORM": "darwin",
    }
    proc = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--build-lib", "out"],
                          cwd=source, capture_output=True, text=True, env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (extension,) = (source / "out" / "cons").glob("_cons*")
    assert_macos_consumer(extension, target_site, host_site, source)
    module = (source / "out" / "cons" / "_pylink.py").read_text()
    assert "'libprov.1.dylib'" in module and str(host_site) not in module


PROVIDER_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.15)
project(prov VERSION 1.3.0 LANGUAGES C)
include(PylinkProvider)
add_library(prov SHARED prov.c)
pylink_add_provider(TARGET prov NAME prov HEADERS prov.h)
"""


def test_cmake_provider_for_macos(zig_cc: Path, tmp_path: Path) -> None:
    """pylink_add_provider with a Darwin toolchain (zig cc): the library's install name is
    @rpath/libprov.1.dylib, pylink.json records it, and the installed tree, packaged as a
    macOS wheel, passes pylinkdep check."""
    from pylinkdep import _shipped
    from pylinkdep.wheel.check import check_wheel

    source = tmp_path / "src"
    source.mkdir()
    (source / "prov.c").write_text(PROV_C)
    (source / "prov.h").write_text(PROV_H)
    (source / "CMakeLists.txt").write_text(PROVIDER_CMAKELISTS)
    (tmp_path / "toolchain.cmake").write_text(
        f"set(CMAKE_SYSTEM_NAME Darwin)\nset(CMAKE_SYSTEM_PROCESSOR arm64)\n"
        f"set(CMAKE_C_COMPILER {zig_cc})\n"
    )
    build, prefix = tmp_path / "build", tmp_path / "prefix"
    sh(["cmake", "-S", str(source), "-B", str(build), "-G", "Ninja",
        f"-DCMAKE_TOOLCHAIN_FILE={tmp_path / 'toolchain.cmake'}",
        f"-DCMAKE_MAKE_PROGRAM={shutil.which('ninja')}",
        f"-DCMAKE_MODULE_PATH={_shipped.CMAKE_DIR}",
        f"-DPython_EXECUTABLE={sys.executable}"])  # fmt: skip
    sh(["cmake", "--build", str(build)])
    sh(["cmake", "--install", str(build), "--prefix", str(prefix)])
    assert macho(prefix / "prov" / "libprov.1.dylib").soname == "@rpath/libprov.1.dylib"
    doc = json.loads((prefix / "prov" / "pylink.json").read_text())
    assert doc["libraries"] == [
        {"path": "libprov.1.dylib", "soname": "@rpath/libprov.1.dylib", "kind": "shared"}
    ]
    members = {
        f"prov/{p.relative_to(prefix / 'prov').as_posix()}": p.read_bytes()
        for p in sorted((prefix / "prov").rglob("*"))
        if p.is_file()
    }
    members["prov/__init__.py"] = b""
    members["prov-1.3.0.dist-info/entry_points.txt"] = b"[pylink]\nprov = prov\n"
    built = wheel(tmp_path / "prov-1.3.0-py3-none-macosx_11_0_arm64.whl", members)
    assert check_wheel(str(built)) == []


MESON_PROVIDER_TARGETS = {
    # zig's linker, which meson takes for a GNU one, gets the install name Apple's gets
    "macos": (TAG, "c = '{zig}'\n", "darwin", "aarch64", "arm64",
              "c_link_args = ['-Wl,-install_name,@rpath/libexampleprov.1.dylib']\n"),
    "windows": ("win_amd64", "c = 'x86_64-w64-mingw32-gcc'\nar = 'x86_64-w64-mingw32-ar'\n",
                "windows", "x86_64", "x86_64", ""),
}  # fmt: skip


@pytest.mark.parametrize("target", MESON_PROVIDER_TARGETS)
def test_meson_example_provider_cross_built(target: str, zig_cc: Path, tmp_path: Path) -> None:
    """examples/provider-meson cross-built by meson (zig for aarch64-macos, mingw-w64 for
    x86_64-windows-gnu; without its extension module, which needs the target's Python),
    its install tree packaged as a wheel of that platform: pylinkdep check passes; the
    library's name for the loader is what pylink.json records (@rpath/… install name; the
    DLL's name and its import library)."""
    from pylinkdep.wheel.check import check_wheel

    from .conftest import demo
    from .crossbuild import MINGW

    if target == "windows" and shutil.which(MINGW) is None:
        pytest.skip(f"{MINGW} builds the Windows provider: apt-get install gcc-mingw-w64-x86-64")
    tag, binaries, system, family, cpu, link_args = MESON_PROVIDER_TARGETS[target]
    cross = tmp_path / "cross.ini"
    cross.write_text(
        f"[binaries]\n{binaries.format(zig=zig_cc)}python = '{sys.executable}'\n"
        f"[host_machine]\nsystem = '{system}'\ncpu_family = '{family}'\ncpu = '{cpu}'\n"
        f"endian = 'little'\n[built-in options]\n{link_args}"
    )
    build, dest = tmp_path / "build", tmp_path / "dest"
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    sh([sys.executable, "-m", "mesonbuild.mesonmain", "setup", "--cross-file", str(cross),
        "-Dextension=false", str(build), str(demo.EXAMPLES / "provider-meson")], env)  # fmt: skip
    sh(["ninja", "-C", str(build)], env)
    sh([sys.executable, "-m", "mesonbuild.mesonmain", "install", "-C", str(build),
        "--destdir", str(dest)], env)  # fmt: skip
    (package,) = dest.rglob("site-packages/exampleprov")
    doc = json.loads((package / "pylink.json").read_text())
    (library,) = doc["libraries"]
    if target == "macos":
        assert library == {"path": "libexampleprov.1.dylib", "kind": "shared",
                           "soname": "@rpath/libexampleprov.1.dylib"}  # fmt: skip
    else:
        assert library == {"path": "libexampleprov-1.dll", "soname": "libexampleprov-1.dll",
                           "kind": "shared", "import_library": "libexampleprov.dll.a"}  # fmt: skip
        assert (package / "libexampleprov.dll.a").read_bytes().startswith(b"!<arch>\n")
    members = {
        f"exampleprov/{p.relative_to(package).as_posix()}": p.read_bytes()
        for p in sorted(package.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    members["exampleprov-1.2.0.dist-info/entry_points.txt"] = (
        b"[pylink]\nexampleprov = exampleprov\n"
    )
    built = wheel(tmp_path / f"exampleprov-1.2.0-py3-none-{tag}.whl", members)
    assert check_wheel(str(built)) == []
