"""The real example provider: built as a wheel (isolated), installed into a fresh virtual
environment, resolved through the CLI and the API, and linked by a gcc-built consumer."""

from __future__ import annotations

import json
import os
import posixpath
import shlex
import subprocess
from pathlib import Path

import pytest

from .conftest import demo

pytestmark = pytest.mark.integration


def sh(python: Path, *args: str) -> str:
    return demo.sh([str(python.parent / args[0]), *args[1:]])


def test_cflags_libs_are_absolute_and_exist(provider_python: Path) -> None:
    site = demo.site_packages(provider_python)
    flags = shlex.split(sh(provider_python, "pylinkdep", "--cflags", "--libs", "exampleprov"))
    include = site / "exampleprov" / "include"
    library = site / "exampleprov" / "libexampleprov.so.1"
    assert flags == [f"-I{include}", "-DEXAMPLEPROV_SHARED", str(library)]
    assert (include / "exampleprov.h").is_file() and library.is_file()
    assert not (site / "exampleprov" / "libexampleprov.so").exists()  # why -l cannot work


def test_pkg_config_queries(provider_python: Path) -> None:
    assert sh(provider_python, "pylinkdep", "--modversion", "exampleprov") == "1.2.0\n"
    sh(provider_python, "pylinkdep", "--exists", "exampleprov >= 1.2")
    proc = subprocess.run(
        [str(provider_python.parent / "pylinkdep"), "--atleast-version", "2", "exampleprov"]
    )
    assert proc.returncode == 1


def test_list_json(provider_python: Path) -> None:
    entries = json.loads(sh(provider_python, "pylinkdep", "list", "--json"))
    assert [(e["name"], e["version"], e["distribution"], e["cmake_name"]) for e in entries] == [
        ("exampleprov", "1.2.0", "exampleprov", "ExampleProv")
    ]


def test_python_api_and_run_path(provider_python: Path) -> None:
    """find() from the installed pylinkdep, without importing the provider's package."""
    code = (
        "import json, sys, pylinkdep\n"
        "dep = pylinkdep.find('exampleprov', '>=1.0')\n"
        "print(json.dumps({'str': str(dep), 'rpaths': dep.rpaths('consumer/sub'),\n"
        "  'lib': dep.libraries[0].path, 'relpath': dep.provider.package_relpath,\n"
        "  'imported': [m for m in sys.modules if m.startswith('exampleprov')]}))\n"
    )
    out = json.loads(demo.sh([str(provider_python), "-c", code]))
    assert "exampleprov 1.2.0" in out["str"] and "exampleprov>=1.2,<2" in out["str"]
    assert out["imported"] == []
    assert out["relpath"] == "exampleprov"
    (entry,) = out["rpaths"]
    site = demo.site_packages(provider_python)
    reached = posixpath.normpath(entry.replace("$ORIGIN", f"{site}/consumer/sub"))
    assert reached == os.path.dirname(out["lib"])


def test_consumer_links_and_shares_state(provider_python: Path) -> None:
    """A consumer compiled from the CLI's flags loads the provider's library by RUNPATH
    (without its Python package imported first) and shares its counter."""
    target = demo.build_plain_consumer(provider_python)
    dynamic = demo.sh(["readelf", "-d", str(target)])
    assert "Shared library: [libexampleprov.so.1]" in dynamic
    assert "Library runpath: [$ORIGIN/../../exampleprov]" in dynamic
    code = (
        "import sys, consumer.sub._ext as ext\n"
        "assert 'exampleprov' not in sys.modules\n"
        "print(ext.add(40))\n"
        "import exampleprov\n"
        "print(exampleprov.add(2), ext.total(), ext.version())\n"
    )
    out = demo.sh([str(provider_python), "-c", code], cwd="/")
    assert out.split() == ["40", "42", "42", "1.2.0"]


@pytest.mark.parametrize("args", [["--help"], ["show", "--help"], ["list", "--help"]])
def test_installed_help(provider_python: Path, args: list[str]) -> None:
    assert "usage: pylinkdep" in sh(provider_python, "pylinkdep", *args)
    assert "usage: pylinkdep" in demo.sh([str(provider_python), "-m", "pylinkdep", *args])
