"""Shared fixtures: synthetic site directories with real (gcc-built) libraries, and a
session wheelhouse with the real example provider and pylinkdep installed in a venv."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from pylinkdep import _binary

from .crossbuild import macho_libraries as macho_libraries
from .crossbuild import pe_libraries as pe_libraries


def _load_demo() -> ModuleType:
    """examples/demo.py (it builds and installs the examples), as the module ``demo``."""
    file = Path(__file__).resolve().parent.parent / "examples" / "demo.py"
    spec = importlib.util.spec_from_file_location("demo", file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo"] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    import demo as demo  # on mypy's path (pyproject.toml)
else:
    demo = _load_demo()


def dynamic(library: str | Path | bytes) -> _binary.Dynamic:
    """The dynamic-section names of an ELF file, given by path or as its bytes."""
    data = library if isinstance(library, bytes) else Path(library).read_bytes()
    return _binary.read_dynamic(io.BytesIO(data))


def exported(library: str | Path | bytes) -> frozenset[str]:
    """The symbols an ELF shared library exports, given by path or as its bytes."""
    data = library if isinstance(library, bytes) else Path(library).read_bytes()
    return _binary.exported_symbols(io.BytesIO(data))


def valid_doc(name: str = "demo", **overrides: Any) -> dict[str, Any]:
    """A complete, valid pylink.json document for a provider ``name``."""
    doc: dict[str, Any] = {
        "pylink": 1,
        "name": name,
        "version": "1.2.0",
        "abi": ">=1.2,<2",
        "description": f"{name} test provider",
        "cmake": {"package": name.capitalize(), "target": f"{name.capitalize()}::{name}"},
        "include_dirs": ["include"],
        "libraries": [{"path": f"lib{name}.so.1", "soname": f"lib{name}.so.1", "kind": "shared"}],
        "defines": [f"{name.upper()}_SHARED"],
        "compile_args": [],
        "link_args": [],
        "requires": [],
        "python_abi": None,
    }
    doc.update(overrides)
    return doc


@pytest.fixture(scope="session")
def real_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real shared library built with gcc, copied into synthetic providers."""
    out = tmp_path_factory.mktemp("lib")
    src = out / "demo.c"
    src.write_text("int demo_answer(void) { return 42; }\n")
    lib = out / "libdemo.so.1"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-Wl,-soname,libdemo.so.1", "-o", str(lib), str(src)],
        check=True,
    )
    return lib


MakeProvider = Callable[..., Path]


@pytest.fixture(scope="session")
def make_provider(real_library: Path) -> MakeProvider:
    """Install a provider into a site directory the way a wheel would; returns the package dir.

    ``doc`` replaces the generated pylink.json (a dict, or raw bytes); ``package``
    and ``distribution`` default to ``name``; ``entry_point`` overrides the value.
    """

    def make(
        site: Path,
        name: str,
        *,
        doc: dict[str, Any] | bytes | None = None,
        package: str | None = None,
        distribution: str | None = None,
        version: str = "1.2.0",
        entry_point: str | None = None,
        init_code: str = "",
    ) -> Path:
        package = package or name
        distribution = distribution or name
        pkg_dir = site.joinpath(*package.split("."))
        (pkg_dir / "include").mkdir(parents=True)
        (pkg_dir / "include" / f"{name}.h").write_text(f"int {name}_answer(void);\n")
        (pkg_dir / "__init__.py").write_text(init_code)
        shutil.copy(real_library, pkg_dir / f"lib{name}.so.1")
        if doc is None:
            doc = valid_doc(name, version=version)
        data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        (pkg_dir / "pylink.json").write_bytes(data)
        dist_info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n\n"
        )
        (dist_info / "entry_points.txt").write_text(
            f"[console_scripts]\nx = y:z\n\n[pylink]\n{name} = {entry_point or package}\n"
        )
        rel = pkg_dir.relative_to(site).as_posix()
        (dist_info / "RECORD").write_text(
            f"{rel}/pylink.json,,\n{rel}/lib{name}.so.1,,\n{dist_info.name}/RECORD,,\n"
        )
        return pkg_dir

    return make


class Wheelhouse:
    """Wheels built once per test session, in isolated builds that see each other.

    ``wheel("provider-meson")`` builds ``examples/provider-meson`` the first time it
    is asked for (``"pylinkdep"`` is this repository); a consumer's build finds the
    pylinkdep and provider wheels built before it here.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[str, Path] = {}

    def wheel(self, project: str) -> Path:
        if project not in self.built:
            path = demo.REPO if project == "pylinkdep" else demo.EXAMPLES / project
            self.built[project] = demo.build_wheel(path, self.root)
        return self.built[project]

    def wheels(self, *projects: str) -> list[Path]:
        """Each project's wheel, built in the order given."""
        return [self.wheel(p) for p in projects]


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Wheelhouse:
    """The session's wheels; see :class:`Wheelhouse`."""
    root = tmp_path_factory.mktemp("wheelhouse")
    return Wheelhouse(root)


@pytest.fixture(scope="session")
def provider_python(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh virtual environment with pylinkdep and exampleprov installed."""
    wheels = wheelhouse.wheels("pylinkdep", "provider-meson")
    return demo.make_env(tmp_path_factory.mktemp("env") / "venv", wheels)


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """pylinkdep's cache directory of this session (where ``--cmake-prefix-path`` and
    ``pkgconfig-path`` write by default; child processes inherit it), never ~/.cache."""
    path = tmp_path_factory.mktemp("pylinkdep-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYLINKDEP_CACHE_DIR", str(path))
        yield path


EXAMPLE_PROVIDERS = ("provider-meson", "provider-cmake", "provider-extmodule")


@pytest.fixture(scope="session")
def example_wheels(wheelhouse: Wheelhouse) -> dict[str, Path]:
    """pylinkdep's wheel and every example provider's, by project."""
    projects = ("pylinkdep", *EXAMPLE_PROVIDERS)
    return dict(zip(projects, wheelhouse.wheels(*projects), strict=True))


@pytest.fixture(scope="session")
def examples_python(
    example_wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The python of a fresh venv with pylinkdep and every example provider installed."""
    return demo.make_env(
        tmp_path_factory.mktemp("examples") / "venv", list(example_wheels.values())
    )


Edit = tuple[str, str, str]
"""A change to a file of a project copy: ``(relative path, text, replacement)``."""


class ProviderVariants:
    """Wheels of examples/provider-meson with another ``version:`` (``2.0.0`` gets the
    SONAME ``libexampleprov.so.2``), and optionally other edits of its files and DWARF
    debug info (``debug``), built once per session from a copy, without build isolation
    (this interpreter has meson-python). Kept out of the wheelhouse, so that consumer
    builds keep taking the example's own 1.2.0."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[str, tuple[Edit, ...], bool], Path] = {}

    def wheel(self, version: str, *edits: Edit, debug: bool = False) -> Path:
        key = (version, edits, debug)
        if key not in self.built:
            n = len(self.built)
            source = self.root / f"provider-{n}"
            shutil.copytree(
                demo.EXAMPLES / "provider-meson", source, ignore=shutil.ignore_patterns("build")
            )
            for name, text, replacement in (
                ("meson.build", "version: '1.2.0'", f"version: '{version}'"),
                *edits,
            ):
                file = source / name
                content = file.read_text()
                assert text in content, (name, text)
                file.write_text(content.replace(text, replacement, 1))
            out = self.root / f"out-{n}"
            bindir = str(Path(sys.executable).parent)
            env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
            demo.sh(
                [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                 str(out), *(["-Csetup-args=-Ddebug=true"] if debug else []), str(source)],
                env=env,
            )  # fmt: skip
            (self.built[key],) = out.glob("*.whl")
        return self.built[key]


@pytest.fixture(scope="session")
def provider_variants(tmp_path_factory: pytest.TempPathFactory) -> ProviderVariants:
    """Other versions of the example provider; see :class:`ProviderVariants`."""
    return ProviderVariants(tmp_path_factory.mktemp("provider-variants"))


BUILDS = {"wheelhouse", "provider_variants", "macho_libraries", "pe_libraries"}
"""The session fixtures that build real wheels or cross-compile (:mod:`tests.crossbuild`):
a test that uses one is an integration test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that build wheels ``integration``; run the path hygiene check last:
    it reads the binaries every other test installed."""
    for item in items:
        if BUILDS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
    last = [i for i in items if i.nodeid.endswith("test_path_hygiene.py::test_installed_binaries")]
    items[:] = [i for i in items if i not in last] + last


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under ``root`` (symlinks not followed): mode, size, modification time."""
    state: dict[str, tuple[int, int, int]] = {}
    for directory, dirs, files in os.walk(root):
        for entry in dirs + files:
            path = os.path.join(directory, entry)
            st = os.lstat(path)
            state[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return state
