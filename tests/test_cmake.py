"""The CMake consumer route: generated config packages, find_package(pylinkdep),
pylink_target_rpath(), built with real CMake (the system's and the newest from PyPI),
gcc, scikit-build-core and the real example provider."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from packaging.version import Version

from pylinkdep import _shipped, _versions
from pylinkdep.outputs import cmake as emit_cmake

from .conftest import MakeProvider, ProviderVariants, Wheelhouse, demo, dynamic, valid_doc

PROGRAM = Path(__file__).parent / "cmake_program"
NINJA = Path(sys.executable).parent / "ninja"


def _cmakes() -> list[str]:
    """The system CMake (3.25 on Debian 12) and the newest from PyPI (the test extra)."""
    found = [shutil.which("cmake", path="/usr/bin:/usr/local/bin")]
    found.append(str(Path(sys.executable).parent / "cmake"))
    return [c for c in dict.fromkeys(found) if c and Path(c).is_file()]


CMAKES = _cmakes()


def cmake_version(cmake: str) -> str:
    return demo.sh([cmake, "--version"]).split()[2]


def configure(
    cmake: str,
    source: Path,
    build: Path,
    *args: str,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Configure ``source`` with Ninja; raise with the output unless ``check`` is false."""
    cmd = [cmake, "-S", str(source), "-B", str(build), "-G", "Ninja"]
    cmd += [f"-DCMAKE_MAKE_PROGRAM={NINJA}", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"configure failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def find_project(root: Path, body: str) -> Path:
    """A language-less CMake project (configure only, fast) around ``body``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "CMakeLists.txt").write_text(
        f"cmake_minimum_required(VERSION 3.15...4.4)\nproject(probe LANGUAGES NONE)\n{body}\n"
    )
    return root


@pytest.fixture(scope="module")
def provider_prefix(provider_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Config packages for the example provider, from the CLI of its environment."""
    prefix = tmp_path_factory.mktemp("cmake") / "prefix"
    out = demo.sh([str(provider_python.parent / "pylinkdep"), "--cmake-prefix-path", str(prefix)])
    assert out == f"{prefix}\n"
    return prefix


@pytest.fixture(scope="module")
def consumer_python(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with exampleprov and the scikit-build-core consumer installed
    (pylinkdep only at build time, from build-system.requires)."""
    wheels = wheelhouse.wheels("pylinkdep", "provider-meson", "consumer-cmake")
    return demo.make_env(tmp_path_factory.mktemp("cmake-env") / "venv", wheels[1:])


# --- examples/consumer-cmake: scikit-build-core, isolated build through the wheelhouse;
# its CMakeLists.txt has no pylinkdep line (the provider's trampoline, the install step)


def test_consumer_imports_alone_and_shares_state(consumer_python: Path) -> None:
    code = (
        "import sys, consumer_cmake\n"
        "assert 'exampleprov' not in sys.modules, 'provider imported too early'\n"
        "print(consumer_cmake.add(40))\n"
        "import exampleprov\n"
        "print(exampleprov.add(2), consumer_cmake.total(), consumer_cmake.version())\n"
        "p = consumer_cmake._pylink\n"
        "print(p.CONSUMER, *[(x['name'], x['abi']) for x in p.PROVIDERS])\n"
    )
    out = demo.sh([str(consumer_python), "-c", code], cwd="/").splitlines()
    assert " ".join(out[:2]).split() == ["40", "42", "42", "1.2.0"]
    # The run-time module records what the build resolved (docs/runtime.md).
    assert out[2] == "consumer-cmake ('exampleprov', '>=1.2,<2')"


def test_consumer_run_path_is_relative_only(consumer_python: Path, provider_python: Path) -> None:
    """The run path written at install time: exactly pylinkdep's, no placeholder left."""
    site = demo.site_packages(consumer_python)
    (ext,) = (site / "consumer_cmake").glob("_ext.*.so")
    found = dynamic(ext)
    assert found.needed == ("libexampleprov.so.1",)
    assert found.rpath == ()
    # pylinkdep's own run path math, from an environment with the same layout.
    code = (
        "import pylinkdep; print(':'.join(pylinkdep.find('exampleprov').rpaths('consumer_cmake')))"
    )
    assert ":".join(found.runpath) == demo.sh([str(provider_python), "-c", code]).strip()
    assert found.runpath == ("$ORIGIN/../exampleprov",)
    # No path of the build machine anywhere in the file (build env, build dir, site-packages),
    # and nothing of the padding the extension was linked with.
    data = ext.read_bytes()
    assert b"site-packages" not in data and b"build-env" not in data and b"/tmp/" not in data
    assert b"$ORIGIN//" not in data
    assert (site / "consumer_cmake" / "_pylink.py").is_file()


def test_consumer_refuses_provider_out_of_range(
    wheelhouse: Wheelhouse, provider_variants: ProviderVariants, tmp_path: Path
) -> None:
    """The _pylink.py the install step wrote checks exampleprov's ABI range at import."""
    python = demo.make_env(tmp_path / "venv", [provider_variants.wheel("2.0.0")])
    consumer = wheelhouse.wheels("pylinkdep", "provider-meson", "consumer-cmake")[-1]
    demo.sh([str(python), "-m", "pip", "install", "-q", "--no-deps", str(consumer)])
    proc = subprocess.run(
        [str(python), "-c", "import consumer_cmake"], capture_output=True, text=True, cwd="/"
    )
    assert proc.returncode != 0
    (last,) = proc.stderr.strip().splitlines()[-1:]
    assert last.startswith("ImportError: ")
    # The consumer's name (SKBUILD_PROJECT_NAME, normalized by the run-time module's
    # writer), the provider, the version installed and the range it was built for.
    assert re.search(r"consumer[-_]cmake", last), last
    assert "exampleprov" in last and "2.0.0" in last and ">=1.2,<2" in last, last


EXPLICIT = """\
cmake_minimum_required(VERSION 3.15...4.4)
project(${SKBUILD_PROJECT_NAME} LANGUAGES C)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
find_package(pylinkdep REQUIRED)
find_package(ExampleProv 1.2 CONFIG REQUIRED)
python_add_library(_ext MODULE src/consumer_cmake/_ext.c WITH_SOABI)
target_link_libraries(_ext PRIVATE ExampleProv::ExampleProv)
pylink_target_rpath(_ext DESTINATION consumer_cmake)
install(TARGETS _ext DESTINATION consumer_cmake)
include(PylinkdepRuntime)
pylinkdep_runtime_module(DESTINATION consumer_cmake PROVIDERS exampleprov)
"""


def test_explicit_route_still_works(wheelhouse: Wheelhouse, tmp_path: Path) -> None:
    """The lines consumers wrote before (find_package(pylinkdep), pylink_target_rpath,
    pylinkdep_runtime_module) build the same wheel: the install step leaves them alone."""
    source = tmp_path / "consumer-cmake-explicit"
    shutil.copytree(
        demo.EXAMPLES / "consumer-cmake", source, ignore=shutil.ignore_patterns("build")
    )
    (source / "CMakeLists.txt").write_text(EXPLICIT)
    pyproject = source / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('"consumer-cmake"', '"consumer-cmake-explicit"')
    )
    provider = wheelhouse.wheels("pylinkdep", "provider-meson")[-1]
    wheel = demo.build_wheel(source, wheelhouse.root)
    python = demo.make_env(tmp_path / "venv", [provider, wheel])
    out = demo.sh(
        [str(python), "-c", "import consumer_cmake as c; print(c.add(2), c._pylink.CONSUMER)"]
    )
    assert out.split() == ["2", "consumer-cmake-explicit"]
    (ext,) = (demo.site_packages(python) / "consumer_cmake").glob("_ext.*.so")
    assert dynamic(ext).runpath == ("$ORIGIN/../exampleprov",)
    record = next((demo.site_packages(python)).glob("consumer_cmake_explicit-*.dist-info/RECORD"))
    assert record.read_text().count("consumer_cmake/_pylink.py,") == 1


def test_consumer_wheel_passes_check(wheelhouse: Wheelhouse, provider_python: Path) -> None:
    wheel = wheelhouse.wheel("consumer-cmake")
    out = demo.sh([str(provider_python.parent / "pylinkdep"), "check", str(wheel)])
    assert out.startswith(f"{wheel}: OK")
    metadata = demo.sh(
        [str(provider_python), "-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
         "print(z.read('consumer_cmake-0.1.0.dist-info/METADATA').decode())", str(wheel)]
    )  # fmt: skip
    assert "Requires-Dist: exampleprov<2,>=1.2" in metadata or (
        "Requires-Dist: exampleprov>=1.2,<2" in metadata
    )


@pytest.fixture(scope="module")
def cpp_python(consumer_python: Path, wheelhouse: Wheelhouse) -> Path:
    """consumer_python with the C++ (pybind11) consumer added, built with PyPI's newest CMake."""
    if not (shutil.which("c++") or shutil.which("g++")):
        pytest.skip("examples/consumer-cpp needs a C++ compiler (Debian: apt-get install g++)")
    wheel = wheelhouse.wheel("consumer-cpp")
    demo.sh([str(consumer_python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)])
    return consumer_python


def test_cpp_consumer_shares_state(cpp_python: Path) -> None:
    """Three extensions, one counter: the C++ consumer, the C consumer, the provider's own."""
    code = (
        "import sys, consumer_cpp\n"
        "assert 'exampleprov' not in sys.modules, 'provider imported too early'\n"
        "counter = consumer_cpp.Counter()\n"
        "print(consumer_cpp.add(40), counter.add(1))\n"
        "import consumer_cmake, exampleprov\n"
        "print(exampleprov.add(1), consumer_cmake.total(), counter.total, consumer_cpp.version())\n"
        "print(consumer_cpp.stats())\n"
    )
    out = demo.sh([str(cpp_python), "-c", code], cwd="/").splitlines()
    assert out == ["40 41", "42 42 42 1.2.0", "{'count': 3, 'total': 42}"]
    (ext,) = (demo.site_packages(cpp_python) / "consumer_cpp").glob("_ext.*.so")
    dynamic = demo.sh(["readelf", "-d", str(ext)])
    assert "Shared library: [libexampleprov.so.1]" in dynamic
    assert re.findall(r"Library r(?:un)?path: \[(.*)\]", dynamic) == ["$ORIGIN/../exampleprov"]
    assert (ext.parent / "_pylink.py").is_file()


def test_cpp_consumer_wheel_passes_check(wheelhouse: Wheelhouse, provider_python: Path) -> None:
    wheel = wheelhouse.wheel("consumer-cpp")
    out = demo.sh([str(provider_python.parent / "pylinkdep"), "check", str(wheel)])
    assert out.startswith(f"{wheel}: OK"), out


# --- a plain CMake project: -DCMAKE_PREFIX_PATH="$(pylinkdep --cmake-prefix-path)"


@pytest.mark.parametrize("cmake", CMAKES, ids=cmake_version)
def test_plain_program_links_and_runs(
    cmake: str, provider_python: Path, provider_prefix: Path, tmp_path: Path
) -> None:
    build = tmp_path / "build"
    configure(cmake, PROGRAM, build, f"-DCMAKE_PREFIX_PATH={provider_prefix}")
    demo.sh([cmake, "--build", str(build)])
    assert demo.sh([str(build / "counter")]) == "1.2.0 42\n"
    site = demo.site_packages(provider_python)
    version, requirement, package_dir = (build / "found.txt").read_text().splitlines()
    assert (version, requirement, package_dir) == (
        "1.2.0",
        "exampleprov>=1.2,<2",
        str(site / "exampleprov"),
    )
    # The plugin, installed into site-packages/consumer/deep, gets pylinkdep's run path.
    dynamic = demo.sh(["readelf", "-d", str(build / "libplugin.so")])
    assert "Shared library: [libexampleprov.so.1]" in dynamic
    expected = demo.sh(
        [str(provider_python), "-c",
         "import pylinkdep; print(':'.join(pylinkdep.find('exampleprov').rpaths('consumer/deep')))"]
    ).strip()  # fmt: skip
    assert f"Library runpath: [{expected}]" in dynamic
    assert expected == "$ORIGIN/../../exampleprov"


@pytest.mark.parametrize("cmake", CMAKES, ids=cmake_version)
def test_version_too_new_names_installed_version(
    cmake: str, provider_prefix: Path, tmp_path: Path
) -> None:
    project = find_project(tmp_path / "src", "find_package(ExampleProv 99 CONFIG REQUIRED)")
    proc = configure(
        cmake, project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={provider_prefix}", check=False
    )
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert 'compatible with requested version "99"' in message
    assert "ExampleProvConfig.cmake, version: 1.2.0" in message


@pytest.mark.parametrize(
    ("request_", "found"),
    [
        ("1.0", "1.2.0"),
        ("1.2", "1.2.0"),
        ("1.2 EXACT", "1.2.0"),
        ("1.2.0 EXACT", "1.2.0"),
        ("1.0 EXACT", None),
        ("1.3", None),  # newer than installed
        ("2.0", None),  # across the ABI break (abi >=1.2,<2)
        ("1.0...<2", "1.2.0"),
        ("1.3...<2", None),
    ],
)
def test_version_compatibility(
    request_: str, found: str | None, provider_prefix: Path, tmp_path: Path
) -> None:
    body = (
        f"find_package(ExampleProv {request_} CONFIG QUIET)\n"
        "if(ExampleProv_FOUND)\n"
        '  file(WRITE "${CMAKE_BINARY_DIR}/out.txt" "${ExampleProv_VERSION}")\n'
        "endif()"
    )
    project = find_project(tmp_path / "src", body)
    configure(CMAKES[-1], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={provider_prefix}")
    out = tmp_path / "b" / "out.txt"
    assert (out.read_text() if out.exists() else None) == found


def test_missing_provider_names_package(provider_prefix: Path, tmp_path: Path) -> None:
    project = find_project(tmp_path / "src", "find_package(NoSuchProv 1.0 CONFIG REQUIRED)")
    proc = configure(
        CMAKES[0], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={provider_prefix}", check=False
    )
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert 'provided by "NoSuchProv"' in message and "be sure it has been installed" in message


# --- generated packages for synthetic providers: requires, errors, properties


def test_requires_become_find_dependency_and_run_path(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    make_provider(site, "beta")
    make_provider(site, "alpha", doc=valid_doc("alpha", requires=["beta>=1.0"]))
    prefix = tmp_path / "prefix"
    generated = emit_cmake.write_prefix(str(prefix), path=[str(site)])
    assert generated.packages == ("Alpha", "Beta", "pylinkdep") and not generated.errors
    body = (
        "find_package(Alpha 1.0 CONFIG REQUIRED)\n"
        "get_target_property(links Alpha::alpha INTERFACE_LINK_LIBRARIES)\n"
        "get_target_property(location Beta::beta IMPORTED_LOCATION)\n"
        'file(WRITE "${CMAKE_BINARY_DIR}/out.json" "{\\"links\\": \\"${links}\\", '
        '\\"beta_found\\": \\"${Beta_FOUND}\\", \\"location\\": \\"${location}\\"}")\n'
    )
    project = find_project(tmp_path / "src", body)
    configure(CMAKES[0], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={prefix}")
    out = json.loads((tmp_path / "b" / "out.json").read_text())
    assert out == {
        "links": "Beta::beta",
        "beta_found": "1",
        "location": str(site / "beta" / "libbeta.so.1"),
    }


def test_rpath_collects_transitive_providers(make_provider: MakeProvider, tmp_path: Path) -> None:
    """pylink_target_rpath() follows link libraries through other targets and requires."""
    import pylinkdep

    site = tmp_path / "site"
    make_provider(site, "beta")
    make_provider(site, "alpha", doc=valid_doc("alpha", requires=["beta>=1.0"]))
    prefix = tmp_path / "prefix"
    emit_cmake.write_prefix(str(prefix), path=[str(site)])
    source = tmp_path / "src"
    source.mkdir()
    (source / "ext.c").write_text(
        "int alpha_answer(void);\nint f(void) { return alpha_answer(); }\n"
    )
    (source / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.15...4.4)\nproject(probe LANGUAGES C)\n"
        "find_package(Alpha CONFIG REQUIRED)\n"
        "add_library(glue INTERFACE)\n"
        "target_link_libraries(glue INTERFACE Alpha::alpha)\n"
        "add_library(ext MODULE ext.c)\n"
        "target_link_libraries(ext PRIVATE glue)\n"
        "pylink_target_rpath(ext DESTINATION pkg/sub)\n"
        "get_target_property(rpath ext INSTALL_RPATH)\n"
        'file(WRITE "${CMAKE_BINARY_DIR}/rpath.txt" "${rpath}")\n'
    )
    env = {**os.environ, "PYTHONPATH": str(site)}  # where the run-time module resolves
    configure(CMAKES[0], source, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={prefix}", env=env)
    expected = pylinkdep.find("alpha", path=[str(site)]).rpaths("pkg/sub")
    assert (tmp_path / "b" / "rpath.txt").read_text().split(";") == list(expected)
    assert expected == ("$ORIGIN/../../alpha", "$ORIGIN/../../beta")
    # ... and pkg/sub/_pylink.py, for both providers (alpha requires beta).
    module = (tmp_path / "b" / "pylinkdep-runtime" / "pkg" / "sub" / "_pylink.py").read_text()
    assert "SUBDIR = 'pkg/sub'" in module and "'name': 'beta'" in module


@pytest.mark.parametrize("cmake", CMAKES, ids=cmake_version)
def test_install_step_gives_run_path_and_module(
    cmake: str, make_provider: MakeProvider, tmp_path: Path
) -> None:
    """Under scikit-build-core (its variables given by hand), targets without
    pylink_target_rpath get their run path and one _pylink.py per directory when
    installed; a target with it is left alone; a run path of the project's own is kept."""
    import pylinkdep

    site = tmp_path / "site"
    make_provider(site, "beta")
    make_provider(site, "alpha", doc=valid_doc("alpha", requires=["beta>=1.0"]))
    prefix = tmp_path / "prefix"
    emit_cmake.write_prefix(str(prefix), path=[str(site)])
    source = tmp_path / "src"
    source.mkdir()
    (source / "ext.c").write_text(
        "int alpha_answer(void);\nint f(void) { return alpha_answer(); }\n"
    )
    (source / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.15...4.4)\nproject(probe LANGUAGES C)\n"
        "find_package(Alpha CONFIG REQUIRED)\n"
        "add_library(glue INTERFACE)\n"
        "target_link_libraries(glue INTERFACE Alpha::alpha)\n"
        "add_library(one MODULE ext.c)\n"
        "target_link_libraries(one PRIVATE glue)\n"
        'set_target_properties(one PROPERTIES INSTALL_RPATH "$ORIGIN/keep")\n'
        "add_library(two MODULE ext.c)\n"
        "target_link_libraries(two PRIVATE Beta::beta)\n"
        "add_library(three MODULE ext.c)\n"
        "target_link_libraries(three PRIVATE Alpha::alpha)\n"
        "pylink_target_rpath(three DESTINATION other)\n"
        "install(TARGETS one two DESTINATION pkg/sub)\n"
        "install(TARGETS three DESTINATION other)\n"
    )
    platlib = tmp_path / "wheel" / "platlib"
    env = {**os.environ, "PYTHONPATH": str(site)}
    cmd = [cmake, "-S", str(source), "-B", str(tmp_path / "b"), "-G", "Ninja",
           f"-DCMAKE_MAKE_PROGRAM={NINJA}", f"-DCMAKE_PREFIX_PATH={prefix}", "-DSKBUILD=2",
           f"-DSKBUILD_PLATLIB_DIR={platlib}", f"-DCMAKE_INSTALL_PREFIX={platlib}",
           "-DSKBUILD_PROJECT_NAME=my_probe", f"-DPython_EXECUTABLE={sys.executable}"]  # fmt: skip
    demo.sh(cmd, env=env)
    demo.sh([cmake, "--build", str(tmp_path / "b")], env=env)
    demo.sh([cmake, "--install", str(tmp_path / "b")], env=env)
    sub = platlib / "pkg" / "sub"
    both = pylinkdep.find("alpha", path=[str(site)]).rpaths("pkg/sub")
    assert both == ("$ORIGIN/../../alpha", "$ORIGIN/../../beta")
    assert dynamic(sub / "libone.so").runpath == ("$ORIGIN/keep", *both)
    assert dynamic(sub / "libtwo.so").runpath == ("$ORIGIN/../../beta",)
    assert dynamic(platlib / "other" / "libthree.so").runpath == (
        "$ORIGIN/../alpha",
        "$ORIGIN/../beta",
    )
    # pkg/sub's module from the install step; other's from pylink_target_rpath(three ...).
    for directory, subdir in ((sub, "pkg/sub"), (platlib / "other", "other")):
        module: dict[str, object] = {}
        path = directory / "_pylink.py"
        text = path.read_text().replace("load(CONSUMER", "# load(CONSUMER")
        exec(compile(text, str(path), "exec"), module)
        assert module["CONSUMER"] == "my-probe" and module["SUBDIR"] == subdir
        providers = module["PROVIDERS"]
        assert isinstance(providers, list)
        assert sorted(p["name"] for p in providers) == ["alpha", "beta"]


def test_missing_require_fails_naming_it(make_provider: MakeProvider, tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_provider(site, "alpha", doc=valid_doc("alpha", requires=["gamma>=1.0"]))
    prefix = tmp_path / "prefix"
    generated = emit_cmake.write_prefix(str(prefix), path=[str(site)])
    assert "gamma" in str(generated.errors[0])
    project = find_project(tmp_path / "src", "find_package(Alpha CONFIG REQUIRED)")
    proc = configure(
        CMAKES[0], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={prefix}", check=False
    )
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert "no pylink provider named 'gamma' is installed" in message
    assert "distribution 'alpha'" in message


@pytest.mark.parametrize("kind", ["not python", "python without pylinkdep"])
def test_pylinkdep_config_needs_pylinkdep_in_that_python(tmp_path: Path, kind: str) -> None:
    """find_package(pylinkdep) with a Python that lacks pylinkdep says so."""
    python = "/bin/false"
    if kind == "python without pylinkdep":
        venv.create(tmp_path / "venv", symlinks=True)  # no pip: fast
        python = str(tmp_path / "venv" / "bin" / "python")
    project = find_project(tmp_path / "src", "find_package(pylinkdep REQUIRED)")
    proc = configure(
        CMAKES[0],
        project,
        tmp_path / "b",
        f"-Dpylinkdep_DIR={Path(emit_cmake.helpers_file()).parent}",
        f"-DPython_EXECUTABLE={python}",
        check=False,
    )
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert f"{python} -m pylinkdep --cmake-prefix-path" in message
    assert "is pylinkdep installed for that Python?" in message
    if kind == "python without pylinkdep":
        assert f"{python}: No module named 'pylinkdep'" in message
        assert "Traceback" not in message


# --- the provider's trampoline (exampleprov/cmake), as the cmake.prefix entry point finds it


def test_trampoline_hands_over_to_pylinkdep(provider_python: Path, tmp_path: Path) -> None:
    """find_package(ExampleProv) through exampleprov/cmake alone: pylinkdep's generated
    package and version file answer, with no find_package(pylinkdep) in the project."""
    site = demo.site_packages(provider_python)
    body = (
        "find_package(ExampleProv 1.2 CONFIG REQUIRED)\n"
        "get_target_property(name ExampleProv::ExampleProv INTERFACE_PYLINK_NAME)\n"
        'message(STATUS "found=${ExampleProv_VERSION} ${ExampleProv_DIR} ${name}")\n'
        "find_package(ExampleProv 2 CONFIG QUIET)\n"
    )
    project = find_project(tmp_path / "src", body)
    prefix = f"{site / 'exampleprov'};{site / 'pylinkdep' / 'cmake'}"
    proc = configure(
        CMAKES[0], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={prefix}",
        f"-DPython_EXECUTABLE={provider_python}",
    )  # fmt: skip
    assert f"found=1.2.0 {site / 'exampleprov' / 'cmake'} exampleprov" in proc.stdout
    assert (tmp_path / "b" / "pylinkdep" / "ExampleProv" / "ExampleProvConfig.cmake").is_file()


def test_trampoline_without_pylinkdep_says_what_to_add(
    provider_python: Path, tmp_path: Path
) -> None:
    site = demo.site_packages(provider_python)
    project = find_project(tmp_path / "src", "find_package(ExampleProv CONFIG REQUIRED)")
    proc = configure(
        CMAKES[0], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={site / 'exampleprov'}",
        check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert (
        "Reason given by package: find_package(ExampleProv) needs pylinkdep in the build "
        'environment: add "pylinkdep" to [build-system] requires in pyproject.toml'
    ) in message


def test_trampoline_files_name_the_package() -> None:
    files = emit_cmake.trampoline_files("Foo")
    assert sorted(files) == ["FooConfig.cmake", "FooConfigVersion.cmake"]
    assert '"${_pylink_file}Config.cmake"' in files["FooConfig.cmake"]
    assert 'set(_pylink_file "${_pylink_prefix}/Foo/Foo")' in files["FooConfigVersion.cmake"]


def test_pylinkdep_config_generates_into_build_dir(provider_python: Path, tmp_path: Path) -> None:
    body = (
        "find_package(pylinkdep REQUIRED)\n"
        "find_package(ExampleProv 1.2 CONFIG REQUIRED)\n"
        'file(WRITE "${CMAKE_BINARY_DIR}/out.txt" "${pylinkdep_PROVIDERS}|${ExampleProv_DIR}|"\n'
        '  "${ExampleProv_PACKAGE_DIR}")\n'
        "if(NOT COMMAND pylink_target_rpath)\n  message(FATAL_ERROR no-helper)\nendif()\n"
    )
    project = find_project(tmp_path / "src", body)
    site = demo.site_packages(provider_python)
    build = tmp_path / "b"
    proc = configure(
        CMAKES[-1],
        project,
        build,
        f"-DCMAKE_PREFIX_PATH={site}",  # as scikit-build-core does
        f"-DPython_EXECUTABLE={provider_python}",
    )
    assert f"pylinkdep: providers of {provider_python}: ExampleProv" in proc.stdout
    # site-packages comes first: the provider's trampoline is found there, and includes
    # what find_package(pylinkdep) generated.
    assert (build / "out.txt").read_text() == (
        f"ExampleProv|{site}/exampleprov/cmake|{site}/exampleprov"
    )
    assert (build / "pylinkdep" / "ExampleProv" / "ExampleProvConfig.cmake").is_file()
    # Nothing written to site-packages: its only ExampleProvConfig.cmake is the shipped one.
    assert list(site.glob("**/ExampleProvConfig.cmake")) == [
        site / "exampleprov" / "cmake" / "ExampleProvConfig.cmake"
    ]


# --- the generator's pieces


@pytest.mark.parametrize(
    ("abi", "bound"),
    [
        (">=1.2,<2", ("2", False)),
        (">=1.2,<=1.9", ("1.9", True)),
        ("~=1.2", ("2", False)),
        ("~=1.2.3", ("1.3", False)),
        ("==1.*", ("2", False)),
        ("==1.2.0", ("1.2.0", True)),
        (">=1.2", (None, False)),
        (">=1,<3,<2.5", ("2.5", False)),
    ],
)
def test_upper_bound(abi: str, bound: tuple[str | None, bool]) -> None:
    assert _versions.upper_bound(abi) == bound


def test_cmake_version() -> None:
    for version in ["1", "1.2.0", "02.5", "1.2rc1", "1.2.post1", "1!1.2", "1.2+local"]:
        assert emit_cmake.cmake_version(version) == ".".join(map(str, Version(version).release))


def test_quote() -> None:
    assert emit_cmake.quote('a "b" $c \\d') == '"a \\"b\\" \\$c \\\\d"'
    assert emit_cmake.quote_list(["X=1", "Y"]) == '"X=1;Y"'
    assert emit_cmake.genex_literal("$<1:a>$x") == "$<1:$><1:a>$<1:$>x"


def test_write_prefix_is_idempotent_and_drops_stale(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    make_provider(site, "beta")
    prefix = tmp_path / "prefix"
    (prefix / "Gone").mkdir(parents=True)
    (prefix / "Gone" / "GoneConfig.cmake").write_text("# Generated by pylinkdep 0.0\n")
    (prefix / "Theirs").mkdir()
    (prefix / "Theirs" / "TheirsConfig.cmake").write_text("# not ours\n")
    emit_cmake.write_prefix(str(prefix), path=[str(site)])
    config = prefix / "Beta" / "BetaConfig.cmake"
    stamp = config.stat().st_mtime_ns
    emit_cmake.write_prefix(str(prefix), path=[str(site)])
    assert config.stat().st_mtime_ns == stamp  # unchanged: no needless reconfigure
    assert sorted(p.name for p in prefix.iterdir()) == ["Beta", "Theirs", "pylinkdep"]
    assert not list(prefix.glob("**/.tmp-*"))


def test_pylinkdep_components_name_missing_provider(provider_python: Path, tmp_path: Path) -> None:
    project = find_project(
        tmp_path / "src", "find_package(pylinkdep REQUIRED COMPONENTS ExampleProv NoSuchProv)"
    )
    proc = configure(
        CMAKES[0],
        project,
        tmp_path / "b",
        f"-DCMAKE_PREFIX_PATH={demo.site_packages(provider_python)}",
        f"-DPython_EXECUTABLE={provider_python}",
        check=False,
    )
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert (
        f"no pylink provider installed for {provider_python} has the CMake package name " in message
    )
    assert "name NoSuchProv (installed providers: ExampleProv): install the provider's " in message
    assert "or set Python_EXECUTABLE (or PYLINKDEP_PYTHON) to a Python that has it." in message


@pytest.mark.parametrize("skbuild", [False, True], ids=["cmake", "scikit-build-core"])
def test_no_provider_installed_is_said_above_cmakes_error(tmp_path: Path, skbuild: bool) -> None:
    """A Python with pylinkdep and no provider (as an isolated build whose [build-system]
    requires lacks it): find_package(pylinkdep) warns, right above CMake's own "Could not
    find a package configuration file", with the fix for the build system in use; the
    COMPONENTS form names the missing package and says that none is installed."""
    python = Path(sys.executable)
    assert demo.sh([str(python), "-m", "pylinkdep", "--list-all"]) == ""
    fix = (
        "add the provider's distribution to [build-system] requires in pyproject.toml: "
        "scikit-build-core's build environment holds only those."
        if skbuild
        else "install the provider's Python package into that environment, or set "
        "Python_EXECUTABLE (or PYLINKDEP_PYTHON) to a Python that has it."
    )
    args = [f"-Dpylinkdep_DIR={Path(emit_cmake.helpers_file()).parent}"]
    args += [f"-DPython_EXECUTABLE={python}", *(["-DSKBUILD=2"] if skbuild else [])]
    body = "find_package(pylinkdep REQUIRED)\nfind_package(ExampleProv CONFIG REQUIRED)"
    proc = configure(CMAKES[0], find_project(tmp_path / "a", body), tmp_path / "b", *args,
                     check=False)  # fmt: skip
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    warning = f"pylinkdep: no pylink provider is installed for {python}, so find_package() "
    warning += f"finds none: {fix}"
    assert warning in message, proc.stderr
    assert message.index(warning) < message.index(
        'Could not find a package configuration file provided by "ExampleProv"'
    )
    assert "pylinkdep: providers of" not in proc.stdout
    body = "find_package(pylinkdep REQUIRED COMPONENTS ExampleProv)"
    proc = configure(CMAKES[0], find_project(tmp_path / "c", body), tmp_path / "d", *args,
                     check=False)  # fmt: skip
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert (
        f"no pylink provider installed for {python} has the CMake package name ExampleProv "
        f"(none is installed there): {fix}"
    ) in message, proc.stderr
    assert "installed providers:" not in message


def test_cli_default_prefix_is_a_per_interpreter_cache(
    provider_python: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYLINKDEP_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    cmd = [str(provider_python.parent / "pylinkdep"), "--cmake-prefix-path"]
    prefix = Path(demo.sh(cmd, env=env).strip())
    assert prefix.parent == tmp_path / "cache" / "pylinkdep" / "cmake"
    assert sorted(p.name for p in prefix.iterdir()) == ["ExampleProv", "pylinkdep"]
    assert demo.sh(cmd, env=env).strip() == str(prefix)  # same interpreter, same directory


def test_clashing_cmake_names_are_reported(make_provider: MakeProvider, tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_provider(site, "beta")
    clash = valid_doc("other", cmake={"package": "BETA"})
    make_provider(site, "other", doc=clash)
    generated = emit_cmake.write_prefix(str(tmp_path / "prefix"), path=[str(site)])
    assert generated.packages == ("Beta", "pylinkdep")
    (error,) = generated.errors
    assert "CMake package name 'BETA' is taken by beta" in str(error)
    assert error.distribution == "other" and error.field == "cmake.package"


def test_generator_expressions_in_values_stay_literal(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    """Issue 14, finding 5: an in-package directory named '$<1:.>$<1:.>' (CMake would
    evaluate it to '..'), and defines and args holding '$<...>', read back as written."""
    site = tmp_path / "site"
    doc = valid_doc("demo", include_dirs=["$<1:.>$<1:.>"])
    doc.update(defines=["D=$<1:evil>"], compile_args=["-x$<1:y>"], link_args=["$<0:-lm>"])
    pkg = make_provider(site, "demo", doc=doc)
    (pkg / "$<1:.>$<1:.>").mkdir()
    prefix = tmp_path / "prefix"
    assert not emit_cmake.write_prefix(str(prefix), path=[str(site)]).errors
    props = [
        "INTERFACE_INCLUDE_DIRECTORIES",
        "INTERFACE_COMPILE_DEFINITIONS",
        "INTERFACE_COMPILE_OPTIONS",
        "INTERFACE_LINK_OPTIONS",
    ]
    body = "find_package(Demo CONFIG REQUIRED)\n" + "".join(
        f'file(GENERATE OUTPUT "${{CMAKE_BINARY_DIR}}/{p}" '
        f'CONTENT "$<TARGET_PROPERTY:Demo::demo,{p}>")\n'
        for p in props
    )
    project = find_project(tmp_path / "src", body)
    configure(CMAKES[0], project, tmp_path / "b", f"-DCMAKE_PREFIX_PATH={prefix}")
    read = [(tmp_path / "b" / p).read_text() for p in props]
    assert read == [f"{pkg}/$<1:.>$<1:.>", "D=$<1:evil>", "-x$<1:y>", "$<0:-lm>"]


def test_a_package_found_earlier_wins_over_a_provider_taking_its_name(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    """A provider declaring cmake.package "Shadowed" does not shadow the real Shadowed
    package on CMAKE_PREFIX_PATH: find_package(pylinkdep) appends its prefix."""
    real = tmp_path / "real" / "lib" / "cmake" / "Shadowed"
    real.mkdir(parents=True)
    (real / "ShadowedConfig.cmake").write_text('set(Shadowed_FROM "real")\n')
    site = tmp_path / "site"
    make_provider(site, "shadowed", doc=valid_doc("shadowed", cmake={"package": "Shadowed"}))
    body = (
        "find_package(pylinkdep REQUIRED)\n"
        "find_package(Shadowed CONFIG REQUIRED)\n"
        'file(WRITE "${CMAKE_BINARY_DIR}/from.txt" "${Shadowed_FROM}|${Shadowed_DISTRIBUTION}")\n'
    )
    project = find_project(tmp_path / "src", body)
    env_path = f"-DCMAKE_PREFIX_PATH={tmp_path / 'real'};{_shipped.CMAKE_DIR}/.."
    proc = subprocess.run(
        [CMAKES[0], "-S", str(project), "-B", str(tmp_path / "b"), env_path,
         f"-DPYLINKDEP_PYTHON={sys.executable}"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(site)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "b" / "from.txt").read_text() == "real|"
