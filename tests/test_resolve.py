"""Discovery and resolution on synthetic site directories holding real libraries."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import pylinkdep
from pylinkdep import (
    DependencyCycle,
    DuplicateProvider,
    InvalidMetadata,
    ProviderNotFound,
    PylinkError,
    VersionConflict,
)

from .conftest import MakeProvider, valid_doc


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PYLINK_PATH", raising=False)
    path = tmp_path / "site-packages"
    path.mkdir()
    return path


def test_find_resolves_absolute_paths(site: Path, make_provider: MakeProvider) -> None:
    pkg = make_provider(site, "demo", package="vendor.demo", distribution="demo-dist")
    dep = pylinkdep.find("Demo", path=[str(site)])
    assert dep.name == "demo" and dep.version == "1.2.0"
    assert dep.requirement == "demo-dist>=1.2,<2"
    assert dep.include_dirs == (str(pkg / "include"),)
    assert [lib.path for lib in dep.libraries] == [str(pkg / "libdemo.so.1")]
    assert dep.libraries[0].soname == "libdemo.so.1"
    assert dep.defines == ("DEMO_SHARED",)
    assert dep.provider.package_relpath == "vendor/demo"
    assert dep.provider.site_dir == str(site)
    assert dep.provider.cmake_target == "Demo::demo"
    assert dep.rpaths("consumer/sub", "linux") == ("$ORIGIN/../../vendor/demo",)
    assert dep.rpaths("consumer", "win32") == ()
    assert "libdemo.so.1" in str(dep) and "demo-dist>=1.2,<2" in str(dep)
    with pytest.raises(AttributeError):
        dep.provider.version = "2"  # type: ignore[misc]


def test_version_constraints(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo")
    assert pylinkdep.find("demo", ">=1.0,<2", path=[str(site)]).version == "1.2.0"
    with pytest.raises(VersionConflict, match=r"demo 1.2.0 is installed, but >=2 is required"):
        pylinkdep.find("demo", ">=2", path=[str(site)])
    with pytest.raises(VersionConflict, match="not a PEP 440"):
        pylinkdep.find("demo", "newest", path=[str(site)])


def test_transitive_requires_in_link_order(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "top", doc=valid_doc("top", requires=["mid>=1", "base"]))
    make_provider(site, "mid", doc=valid_doc("mid", requires=["base>=1.0"]))
    make_provider(site, "base")
    make_provider(site, "skipped", doc=valid_doc("skipped"))
    dep = pylinkdep.find("top", path=[str(site)])
    assert [p.name for p in dep.link_order] == ["top", "mid", "base"]
    assert [Path(lib.path).name for lib in dep.libraries] == [
        "libtop.so.1",
        "libmid.so.1",
        "libbase.so.1",
    ]
    assert len(dep.include_dirs) == 3


def test_marker_false_requirement_is_skipped(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "top", doc=valid_doc("top", requires=["absent; sys_platform == 'none'"]))
    assert pylinkdep.find("top", path=[str(site)]).requires == ()


def test_requires_version_conflict_names_requirer(site: Path, make_provider: MakeProvider) -> None:
    top = make_provider(site, "top", doc=valid_doc("top", requires=["base", "mid>=3"]))
    make_provider(site, "mid")
    make_provider(site, "base")
    with pytest.raises(VersionConflict) as info:
        pylinkdep.find("top", path=[str(site)])
    assert info.value.field == "requires[1]"
    assert info.value.file == str(top / "pylink.json")
    assert "mid 1.2.0 is installed, but >=3 is required by top" in str(info.value)


def test_missing_requirement(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "top", doc=valid_doc("top", requires=["gone>=1"]))
    with pytest.raises(ProviderNotFound, match="'gone'") as info:
        pylinkdep.find("top", path=[str(site)])
    assert info.value.field == "requires" and info.value.distribution == "top"


def test_not_found(site: Path) -> None:
    with pytest.raises(ProviderNotFound, match="no pylink provider named 'nothing'"):
        pylinkdep.find("nothing", path=[str(site)])


def test_cycle(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "a", doc=valid_doc("a", requires=["b"]))
    make_provider(site, "b", doc=valid_doc("b", requires=["c"]))
    make_provider(site, "c", doc=valid_doc("c", requires=["a"]))
    with pytest.raises(DependencyCycle, match="a -> b -> c -> a") as info:
        pylinkdep.find("a", path=[str(site)])
    assert info.value.field == "requires"


def test_duplicate_names_both(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo", distribution="first")
    make_provider(site, "Demo", package="other", distribution="second")
    with pytest.raises(DuplicateProvider) as info:
        pylinkdep.find("demo", path=[str(site)])
    assert "first" in str(info.value) and "second" in str(info.value)


def test_later_site_dir_is_shadowed(tmp_path: Path, make_provider: MakeProvider) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    make_provider(first, "demo", version="1.2.0")
    make_provider(second, "demo", version="1.3.0", doc=valid_doc("demo", version="1.3.0"))
    assert pylinkdep.find("demo", path=[str(first), str(second)]).version == "1.2.0"


def _broken(site: Path, make_provider: MakeProvider, **change: object) -> InvalidMetadata:
    make_provider(site, "demo", doc=valid_doc("demo", **change))
    with pytest.raises(InvalidMetadata) as info:
        pylinkdep.find("demo", path=[str(site)])
    assert info.value.distribution == "demo"
    assert info.value.file is not None and info.value.file.endswith("pylink.json")
    return info.value


def test_include_dir_escaping_package(site: Path, make_provider: MakeProvider) -> None:
    (site / "elsewhere").mkdir()
    err = _broken(site, make_provider, include_dirs=["../elsewhere"])
    assert err.field == "include_dirs[0]" and "outside the package directory" in str(err)


def test_symlink_escaping_package(site: Path, make_provider: MakeProvider, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    pkg = make_provider(site, "demo", doc=valid_doc("demo", include_dirs=["include", "link"]))
    os.symlink(outside, pkg / "link")
    with pytest.raises(InvalidMetadata, match="outside the package directory") as info:
        pylinkdep.find("demo", path=[str(site)])
    assert info.value.field == "include_dirs[1]"


def test_missing_library(site: Path, make_provider: MakeProvider) -> None:
    libs = [{"path": "libgone.so.1", "soname": "libgone.so.1"}]
    err = _broken(site, make_provider, libraries=libs)
    assert err.field == "libraries[0].path" and "no such file" in str(err)


def test_missing_include_dir(site: Path, make_provider: MakeProvider) -> None:
    err = _broken(site, make_provider, include_dirs=["gone"])
    assert err.field == "include_dirs[0]" and "no such directory" in str(err)


def test_library_not_shared_object(site: Path, make_provider: MakeProvider) -> None:
    pkg = make_provider(site, "demo")
    (pkg / "libdemo.so.1").write_text("not a library")
    with pytest.raises(InvalidMetadata, match="not a shared library") as info:
        pylinkdep.find("demo", path=[str(site)])
    assert info.value.field == "libraries[0].path"


def test_library_in_sibling_libs_dir(site: Path, make_provider: MakeProvider) -> None:
    """auditwheel moves libraries to <dist>.libs/; RECORD proves the distribution owns them."""
    libs = [{"path": "../demo.libs/libdemo-ab12.so.1", "soname": "libdemo-ab12.so.1"}]
    pkg = make_provider(site, "demo", doc=valid_doc("demo", libraries=libs))
    (site / "demo.libs").mkdir()
    (pkg / "libdemo.so.1").rename(site / "demo.libs" / "libdemo-ab12.so.1")
    record = next(site.glob("*.dist-info")) / "RECORD"
    with pytest.raises(InvalidMetadata, match="not installed by this distribution"):
        pylinkdep.find("demo", path=[str(site)])
    record.write_text(record.read_text() + "demo.libs/libdemo-ab12.so.1,sha256=x,1\n")
    dep = pylinkdep.find("demo", path=[str(site)])
    assert dep.libraries[0].path == str(site / "demo.libs" / "libdemo-ab12.so.1")
    assert dep.rpaths("consumer", "linux") == ("$ORIGIN/../demo.libs",)


def test_entry_point_naming_missing_package(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo", entry_point="not_installed")
    with pytest.raises(InvalidMetadata, match="'not_installed', which is not installed") as info:
        pylinkdep.find("demo", path=[str(site)])
    assert info.value.field == "pylink.demo"
    assert info.value.file is not None and info.value.file.endswith("entry_points.txt")


def test_entry_point_value_not_a_package(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo", entry_point="demo:attr")
    with pytest.raises(InvalidMetadata, match="must name a package"):
        pylinkdep.find("demo", path=[str(site)])


def test_name_must_match_entry_point(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo", doc=valid_doc("other"))
    with pytest.raises(InvalidMetadata, match="differs from the entry point") as info:
        pylinkdep.find("demo", path=[str(site)])
    assert info.value.field == "name"


def test_missing_pylink_json(site: Path, make_provider: MakeProvider) -> None:
    pkg = make_provider(site, "demo")
    (pkg / "pylink.json").unlink()
    with pytest.raises(InvalidMetadata, match=r"cannot read pylink\.json"):
        pylinkdep.find("demo", path=[str(site)])


def test_providers_lists_and_collects_errors(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "good")
    make_provider(site, "bad", doc=b"{")
    with pytest.raises(InvalidMetadata):
        pylinkdep.providers(path=[str(site)])
    errors: list[PylinkError] = []
    found = pylinkdep.providers(path=[str(site)], errors=errors)
    assert [p.name for p in found] == ["good"]
    assert len(errors) == 1 and "bad" in str(errors[0])


def test_overlay_for_provider_without_metadata(
    site: Path, tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = make_provider(site, "plain")
    (pkg / "pylink.json").unlink()
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    doc = valid_doc("plain", package="plain", distribution="plain-dist", version="1.5")
    (overlays / "plain.pylink.json").write_text(json.dumps(doc))
    monkeypatch.setenv("PYLINK_PATH", f"{tmp_path / 'missing'}{os.pathsep}{overlays}")
    dep = pylinkdep.find("plain", path=[str(site)])
    assert dep.version == "1.5" and dep.requirement == "plain-dist>=1.2,<2"
    assert dep.include_dirs == (str(pkg / "include"),)
    assert dep.provider.metadata_file == str(overlays / "plain.pylink.json")
    assert [p.name for p in pylinkdep.providers(path=[str(site)])] == ["plain"]


def test_overlay_checks(
    site: Path, tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYLINK_PATH", str(tmp_path))
    (tmp_path / "x.pylink.json").write_text(json.dumps(valid_doc("x", package="absent")))
    with pytest.raises(InvalidMetadata, match="'absent' is not installed") as info:
        pylinkdep.find("x", path=[str(site)])
    assert info.value.field == "package"
    (tmp_path / "y.pylink.json").write_text(json.dumps(valid_doc("z", package="absent")))
    with pytest.raises(InvalidMetadata, match="differs from the file name"):
        pylinkdep.find("y", path=[str(site)])


def test_discovery_never_imports_provider(
    site: Path, tmp_path: Path, make_provider: MakeProvider
) -> None:
    """A provider whose __init__ would leave a marker and fail is resolved without running it."""
    marker = tmp_path / "imported"
    code = f"open({str(marker)!r}, 'w').close()\nraise RuntimeError('provider code ran')\n"
    make_provider(site, "trap", init_code=code, package="trap.inner")
    (site / "trap" / "__init__.py").write_text(code)
    dep = pylinkdep.find("trap", path=[str(site)])
    pylinkdep.providers(path=[str(site)])
    assert dep.provider.package_relpath == "trap/inner"
    assert not marker.exists()


def test_an_in_place_edit_is_seen(make_provider: MakeProvider, tmp_path: Path) -> None:
    """Issue 14, finding 11: an edit that keeps pylink.json's size and restores its
    modification time is seen by the next lookup (no lookup cache to miss it)."""
    site = tmp_path / "site"
    pkg = make_provider(site, "demo", doc=valid_doc("demo", defines=["MODE_A"]))
    assert pylinkdep.find("demo", path=[str(site)]).defines == ("MODE_A",)
    metadata = pkg / "pylink.json"
    before = metadata.stat()
    text = metadata.read_text()
    metadata.write_text(text.replace("MODE_A", "MODE_B"))
    os.utime(metadata, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert metadata.stat().st_size == before.st_size
    assert pylinkdep.find("demo", path=[str(site)]).defines == ("MODE_B",)


def _repaired_wheel(site: Path, library: Path) -> Path:
    """An auditwheel-repaired wheel as installed: a package without pylink metadata, its
    library under a hashed name in zlibby.libs/, listed in the distribution's RECORD."""
    (site / "zlibby").mkdir(parents=True)
    (site / "zlibby" / "__init__.py").write_text("")
    (site / "zlibby.libs").mkdir()
    lib = site / "zlibby.libs" / "libdemo-1a2b3c4d.so.1"
    shutil.copy(library, lib)
    info = site / "zlibby-1.3.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zlibby\nVersion: 1.3.0\n")
    (info / "RECORD").write_text(
        "zlibby/__init__.py,,\nzlibby.libs/libdemo-1a2b3c4d.so.1,,\nzlibby-1.3.0.dist-info/RECORD,,\n"
    )
    return lib


def _zlibby_overlay(directory: Path, **overrides: Any) -> Path:
    doc = valid_doc(
        "z",
        package="zlibby",
        distribution="zlibby",
        version="1.3.0",
        abi=">=1.3,<2",
        include_dirs=[],
        libraries=[{"path": "../zlibby.libs/libdemo-1a2b3c4d.so.1", "soname": "libdemo.so.1"}],
    )
    doc.update(overrides)
    doc = {k: v for k, v in doc.items() if v is not None}
    file = directory / "z.pylink.json"
    file.write_text(json.dumps(doc))
    return file


@pytest.fixture
def repaired(
    tmp_path: Path, real_library: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, Path]:
    """A repaired wheel installed in a site directory, and an overlay directory on
    PYLINK_PATH: (site, library, overlays)."""
    site, overlays = tmp_path / "site", tmp_path / "overlays"
    overlays.mkdir()
    monkeypatch.setenv("PYLINK_PATH", str(overlays))
    return site, _repaired_wheel(site, real_library), overlays


def test_overlay_reaches_a_library_its_distribution_recorded(
    repaired: tuple[Path, Path, Path],
) -> None:
    """Issue 16: an overlay that names its distribution may point beside the package at
    a file that distribution's RECORD lists (auditwheel's <dist>.libs)."""
    site, lib, overlays = repaired
    _zlibby_overlay(overlays)
    dep = pylinkdep.find("z", path=[str(site)])
    assert [x.path for x in dep.libraries] == [str(lib)]
    assert dep.requirement == "zlibby>=1.3,<2"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"distribution": None}, "libraries[0].path",
         "an overlay without 'distribution' is confined to its package"),
        ({"distribution": "ghost"}, "libraries[0].path", "no dist-info of 'ghost'"),
        ({"version": "1.3.1"}, "version", "says version 1.3.1, but zlibby 1.3.0 is installed"),
        ({"libraries": [{"path": "../other.libs/libdemo.so.1", "soname": "libdemo.so.1"}]},
         "libraries[0].path", "not installed by this distribution"),
        ({"libraries": [{"path": "../zlibby.libs/lib*"}]}, "libraries[0].path",
         "matches 2 files zlibby recorded"),
        ({"libraries": [{"path": "../zlibby.libs/libnone-*.so"}]}, "libraries[0].path",
         "matches 0 files"),
        ({"version": None, "distribution": "ghost"}, "version",
         "no version given, and no dist-info of 'ghost'"),
        ({"version": None, "distribution": None}, "version", "required key missing"),
        ({"distribution": None, "libraries": [{"path": "../zlibby.libs/libdemo-*.so.1"}]},
         "libraries[0].path", "is a pattern, and the overlay names no 'distribution' whose"),
    ],
)  # fmt: skip
def test_overlay_refusals_state_the_reason(
    repaired: tuple[Path, Path, Path],
    real_library: Path,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    """Refused, saying why: no distribution named, one with no dist-info there, a version
    other than the installed one, a file another distribution recorded, a pattern that
    matches two recorded files or none, or that has no RECORD to match."""
    site, _, overlays = repaired
    (site / "other.libs").mkdir()
    shutil.copy(real_library, site / "other.libs" / "libdemo.so.1")
    (site / "other-1.0.dist-info").mkdir()
    (site / "other-1.0.dist-info" / "RECORD").write_text("other.libs/libdemo.so.1,,\n")
    shutil.copy(real_library, site / "zlibby.libs" / "libother.so.2")
    record = site / "zlibby-1.3.0.dist-info" / "RECORD"
    record.write_text(record.read_text() + "zlibby.libs/libother.so.2,,\n")
    _zlibby_overlay(overlays, **overrides)
    with pytest.raises(InvalidMetadata) as info:
        pylinkdep.find("z", path=[str(site)])
    assert info.value.field == field and message in str(info.value)


def test_run_time_module_finds_an_overlay_provider(repaired: tuple[Path, Path, Path]) -> None:
    """Issue 16: the run-time module of a consumer built against an overlay provider finds
    its package without a pylink.json, checks the version, loads the library."""
    from pylinkdep import runtime
    from pylinkdep.outputs import runtime_module

    site, lib, overlays = repaired
    _zlibby_overlay(overlays)
    table = runtime_module.provider_table([pylinkdep.find("z", path=[str(site)])])
    assert table[0]["marker"] == ""
    assert runtime.plan("consumer", str(site), table, path=[str(site)]) == [("load", str(lib))]
    lib.unlink()
    with pytest.raises(ImportError, match=r"libdemo\.so\.1, which zlibby 1\.3\.0 does not ship"):
        runtime.plan("consumer", str(site), table, path=[str(site)])
    shutil.rmtree(site / "zlibby")
    with pytest.raises(ImportError, match=r"installed, but its package 'zlibby' is not on"):
        runtime.plan("consumer", str(site), table, path=[str(site)])


def test_consumer_of_an_overlay_provider_imports(repaired: tuple[Path, Path, Path]) -> None:
    """The generated run-time module of a consumer of the overlay provider, imported in a
    fresh interpreter with no PYLINK_PATH and no pylinkdep: it loads the repaired wheel's
    one library (mapped once) and raises ImportError once the wheel is upgraded past the
    ABI range."""
    import subprocess
    import sys

    from pylinkdep.outputs import runtime_module

    site, lib, overlays = repaired
    _zlibby_overlay(overlays)
    dep = pylinkdep.find("z", path=[str(site)])
    (site / "zcons").mkdir()
    (site / "zcons" / "__init__.py").write_text("from . import _pylink\n")
    runtime_module.write_module(str(site / "zcons" / "_pylink.py"), "zcons", "zcons", [dep])
    code = (
        "import zcons\n"
        "maps = open('/proc/self/maps').read()\n"
        f"print(maps.count({str(lib)!r} + '\\n') > 0)\n"
    )
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(site)}
    run = [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"]
    proc = subprocess.run(run, env=env, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout.strip()) == (0, "True"), proc.stderr
    info = site / "zlibby-1.3.0.dist-info"
    info.rename(site / "zlibby-2.0.0.dist-info")
    proc = subprocess.run(run, env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "zcons was built against zlibby 1.3.0 and runs with zlibby>=1.3,<2" in proc.stderr


def _upgrade(site: Path, version: str, hashed: str) -> Path:
    """The next release of the repaired wheel: a new version and a re-hashed library."""
    old_info = next(site.glob("zlibby-*.dist-info"))
    (old_lib,) = (site / "zlibby.libs").iterdir()
    lib = old_lib.rename(site / "zlibby.libs" / hashed)
    info = old_info.rename(site / f"zlibby-{version}.dist-info")
    (info / "RECORD").write_text(f"zlibby/__init__.py,,\nzlibby.libs/{hashed},,\n")
    return lib


def test_overlay_survives_an_upgrade(repaired: tuple[Path, Path, Path]) -> None:
    """Issue 16: an overlay without a version takes the installed distribution's, and a
    library pattern matches the one file its RECORD lists, however it was hashed; its
    soname, left out, is read from the file."""
    site, lib, overlays = repaired
    pattern = [{"path": "../zlibby.libs/libdemo-*.so.1"}]
    _zlibby_overlay(overlays, version=None, libraries=pattern)
    dep = pylinkdep.find("z", path=[str(site)])
    assert (dep.version, dep.libraries[0].path, dep.libraries[0].soname) == (
        "1.3.0",
        str(lib),
        "libdemo.so.1",
    )
    new = _upgrade(site, "1.4.0", "libdemo-9f8e7d6c.so.1")
    dep = pylinkdep.find("z", path=[str(site)])
    assert (dep.version, dep.libraries[0].path) == ("1.4.0", str(new))
    _upgrade(site, "2.0.0", "libdemo-00000000.so.1")
    with pytest.raises(InvalidMetadata, match=r"2\.0\.0 is installed, outside the overlay's"):
        pylinkdep.find("z", path=[str(site)])
