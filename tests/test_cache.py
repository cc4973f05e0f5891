"""The lookup cache: used while nothing changed, never once something did."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pylinkdep
from pylinkdep import ProviderNotFound, cache, load, resolve

from .conftest import MakeProvider, valid_doc


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PYLINK_PATH", raising=False)
    monkeypatch.setenv("PYLINKDEP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "site-packages"
    path.mkdir()
    return path


def backdate(*roots: Path) -> None:
    """Age every file and directory under ``roots`` past the cache's racy window."""
    past = time.time() - 60
    for root in roots:
        for directory, _, files in os.walk(root):
            for name in files:
                os.utime(os.path.join(directory, name), (past, past))
            os.utime(directory, (past, past))


def refuse_scan(*args: object) -> None:
    raise AssertionError("scanned")


def cache_files(site: Path) -> list[Path]:
    return sorted((site.parent / "cache").glob("lookups-*"))


def test_hit_needs_no_scan(
    site: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_provider(site, "demo")
    backdate(site)
    first = pylinkdep.find("demo", path=[str(site)])
    assert len(cache_files(site)) == 1
    monkeypatch.setattr(load, "Index", refuse_scan)
    assert pylinkdep.find("demo", path=[str(site)]) == first
    assert pylinkdep.find("DEMO", ">=1.2", path=[str(site)]) == first
    with pytest.raises(pylinkdep.VersionConflict):
        pylinkdep.find("demo", ">=2", path=[str(site)])
    with pytest.raises(ProviderNotFound, match="'other'"):
        pylinkdep.find("other", path=[str(site)])  # known absent from the cached scan


def test_install_and_uninstall_change_the_answer(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo")
    backdate(site)
    assert pylinkdep.find("demo", path=[str(site)]).version == "1.2.0"
    with pytest.raises(ProviderNotFound):
        pylinkdep.find("other", path=[str(site)])
    make_provider(site, "other")
    assert pylinkdep.find("other", path=[str(site)]).name == "other"
    backdate(site)
    pylinkdep.find("demo", path=[str(site)])
    shutil.rmtree(site / "demo")
    shutil.rmtree(site / "demo-1.2.0.dist-info")
    with pytest.raises(ProviderNotFound):
        pylinkdep.find("demo", path=[str(site)])


def test_upgrade_changes_the_answer(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo")
    backdate(site)
    assert pylinkdep.find("demo", path=[str(site)]).version == "1.2.0"
    shutil.rmtree(site / "demo")
    shutil.rmtree(site / "demo-1.2.0.dist-info")
    make_provider(site, "demo", version="1.3.0")
    assert pylinkdep.find("demo", path=[str(site)]).version == "1.3.0"


def test_edited_pylink_json_changes_the_answer(site: Path, make_provider: MakeProvider) -> None:
    pkg = make_provider(site, "demo")
    backdate(site)
    assert pylinkdep.find("demo", path=[str(site)]).defines == ("DEMO_SHARED",)
    # Same size, same directory entries: only the file's time stamp tells.
    doc = valid_doc("demo", defines=["DEMO_SHAREX"])
    (pkg / "pylink.json").write_text(json.dumps(doc))
    assert pylinkdep.find("demo", path=[str(site)]).defines == ("DEMO_SHAREX",)


def test_deleted_library_is_noticed(site: Path, make_provider: MakeProvider) -> None:
    pkg = make_provider(site, "demo")
    backdate(site)
    pylinkdep.find("demo", path=[str(site)])
    (pkg / "libdemo.so.1").unlink()
    with pytest.raises(pylinkdep.InvalidMetadata, match="no such file"):
        pylinkdep.find("demo", path=[str(site)])


def test_pylink_path_changes_the_answer(
    site: Path, make_provider: MakeProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_provider(site, "demo")
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    doc = valid_doc("vendored", package="demo", version="3.0.0", abi=">=3,<4")
    doc["libraries"] = [{"path": "libdemo.so.1", "soname": "libdemo.so.1"}]
    doc["include_dirs"] = ["include"]
    (overlays / "vendored.pylink.json").write_text(json.dumps(doc))
    backdate(site, overlays)
    with pytest.raises(ProviderNotFound):
        pylinkdep.find("vendored", path=[str(site)])
    monkeypatch.setenv("PYLINK_PATH", str(overlays))
    assert pylinkdep.find("vendored", path=[str(site)]).version == "3.0.0"
    monkeypatch.delenv("PYLINK_PATH")
    with pytest.raises(ProviderNotFound):
        pylinkdep.find("vendored", path=[str(site)])


def test_recent_changes_are_not_cached(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo")  # just now: a later change might keep these time stamps
    pylinkdep.find("demo", path=[str(site)])
    assert cache_files(site) == []


@pytest.mark.parametrize(
    "problem", ["unusable dir", "garbage", "bad answers", "group-writable", "disabled"]
)
def test_broken_or_untrusted_cache_is_ignored(
    site: Path,
    make_provider: MakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    problem: str,
) -> None:
    make_provider(site, "demo")
    backdate(site)
    expected = pylinkdep.find("demo", path=[str(site)])
    (cache_file,) = cache_files(site)
    if problem == "unusable dir":
        (tmp_path / "file").write_text("")
        monkeypatch.setenv("PYLINKDEP_CACHE_DIR", str(tmp_path / "file" / "cache"))
    elif problem == "garbage":
        cache_file.write_bytes(b"\x00garbage")
    elif problem == "bad answers":
        key, dirs, names, results = marshal.loads(cache_file.read_bytes())
        cache_file.write_bytes(marshal.dumps((key, dirs, names, dict.fromkeys(results, 5))))
    elif problem == "group-writable":
        cache_file.chmod(0o664)
    else:
        monkeypatch.setenv("PYLINKDEP_NO_CACHE", "1")
    with monkeypatch.context() as mp:
        mp.setattr(load, "Index", refuse_scan)
        with pytest.raises(AssertionError, match="scanned"):
            pylinkdep.find("demo", path=[str(site)])
    assert pylinkdep.find("demo", path=[str(site)]) == expected  # scans, no error


def test_providers_come_from_the_cache_until_something_changes(
    site: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = [str(site)]

    def names() -> list[tuple[str, str]]:
        errors: list[pylinkdep.PylinkError] = []
        found = [(p.name, p.version) for p in resolve.providers(path=path, errors=errors)]
        return found + [("error", type(e).__name__) for e in errors]

    def cache_all() -> list[pylinkdep.Provider]:
        backdate(site)
        for p in resolve.providers(path=path):
            pylinkdep.find(p.name, path=path)  # as write_prefix does: fills the cache
        with monkeypatch.context() as m:
            m.setattr(load, "Index", refuse_scan)
            return resolve.providers(path=path)

    make_provider(site, "demo")
    make_provider(site, "other")
    scanned = resolve.providers(path=path)
    assert cache_all() == scanned
    make_provider(site, "third")  # installed
    assert names() == [("demo", "1.2.0"), ("other", "1.2.0"), ("third", "1.2.0")]
    cache_all()
    shutil.rmtree(site / "other")  # uninstalled
    shutil.rmtree(site / "other-1.2.0.dist-info")
    assert names() == [("demo", "1.2.0"), ("third", "1.2.0")]
    cache_all()
    shutil.rmtree(site / "demo")  # upgraded
    shutil.rmtree(site / "demo-1.2.0.dist-info")
    make_provider(site, "demo", version="1.3.0")
    assert names() == [("demo", "1.3.0"), ("third", "1.2.0")]
    cache_all()
    (site / "third" / "pylink.json").write_text("{}")  # broken in place
    assert names() == [("demo", "1.3.0"), ("error", "InvalidMetadata")]


# What `pylinkdep --cflags --libs NAME` may import beyond the interpreter's start-up (its
# whole cost next to `python -c pass`; bench/lookup.py measures it): on a cache hit, the
# modules that decode the answer and print flags; on a miss, also discovery, the pylink.json
# reader and the library check, with CPython's C JSON scanner. No `re`, `json`, `struct`,
# `typing`, `argparse`, `importlib.metadata`, `packaging` or `__future__` (which a module's
# `from __future__ import annotations` imports).
HIT_MODULES = {
    "pylinkdep",
    "pylinkdep.cache",
    "pylinkdep.cli",
    "pylinkdep.emit",
    "pylinkdep.emit.flags",
    "pylinkdep.errors",
    "pylinkdep.names",
    "pylinkdep.records",
    "pylinkdep.resolve",
    "pylinkdep.rpath",
}
MISS_MODULES = HIT_MODULES | {
    "pylinkdep.discovery",
    "pylinkdep.files",
    "pylinkdep.jsontext",
    "pylinkdep.load",
    "pylinkdep.metadata",
    "pylinkdep.sharedlib",
    "pylinkdep.versions",
    "_json",
    "errno",
    "itertools",
}
QUERY_IMPORTS = """\
import sys
before = set(sys.modules)
from pylinkdep.cli import main
status = main(["--cflags", "--libs", "demo"])
print(status, *sorted(set(sys.modules) - before))
"""


def child_env(site: Path, **env: str) -> dict[str, str]:
    """The environment of a child Python whose search path starts with ``site``."""
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return {**run_env, "PYTHONPATH": str(site), **env}


def query_imports(site: Path, **env: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", QUERY_IMPORTS],
        env=child_env(site, **env),
        cwd=site,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].endswith("/libdemo.so.1"), out  # the flags, then the status and modules
    status, *modules = out[1].split()
    assert status == "0", out
    return set(modules)


def settle_search_path(site: Path) -> None:
    """Wait until no directory on the child's search path changed within the cache's racy
    window, as a lookup needs before it stores an answer (pytest itself creates
    .pytest_cache in the repository root, which an editable install puts on sys.path)."""
    paths = subprocess.run(
        [sys.executable, "-c", "import sys; print(*sys.path, sep='\\n')"],
        env=child_env(site),
        cwd=site,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    newest = max(os.stat(p or site).st_mtime for p in paths if os.path.isdir(p or site))
    time.sleep(max(0.0, newest + cache.RACY_NS / 1e9 + 0.1 - time.time()))


def test_lookup_imports_only_what_it_needs(site: Path, make_provider: MakeProvider) -> None:
    make_provider(site, "demo")
    backdate(site)
    assert query_imports(site, PYLINKDEP_NO_CACHE="1") <= MISS_MODULES
    settle_search_path(site)
    assert "pylinkdep.discovery" in query_imports(site)  # fills the cache
    assert query_imports(site) == HIT_MODULES
