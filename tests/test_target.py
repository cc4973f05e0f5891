"""The cross-build settings (``pylinkdep._target``) and the repair tool of a wheel's
platform tag (``pylinkdep.wheel.repair``), without building anything."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pylinkdep._target import target
from pylinkdep.errors import PylinkError
from pylinkdep.wheel import repair

VARIABLES = ("PYLINKDEP_TARGET_SITE", "PYLINKDEP_TARGET_PYTHON_ABI", "PYLINKDEP_TARGET_PLATFORM")


@pytest.fixture(autouse=True)
def no_target(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def test_no_setting_is_the_running_interpreter() -> None:
    found = target()
    assert (found.site, found.python_abi, found.platform, found.warning) == (
        None, None, sys.platform, ""
    )  # fmt: skip


def test_options_win_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.setenv("PYLINKDEP_TARGET_SITE", str(tmp_path / "a"))
    monkeypatch.setenv("PYLINKDEP_TARGET_PYTHON_ABI", "cp313t")
    monkeypatch.setenv("PYLINKDEP_TARGET_PLATFORM", "win32")
    found = target()
    assert (found.site, found.python_abi, found.platform) == (
        (str(tmp_path / "a"),),
        "cp313t",
        "win32",
    )
    both = os.pathsep.join([str(tmp_path / "b"), str(tmp_path / "a")])
    found = target(both, "none", "darwin")
    assert found.site == (str(tmp_path / "b"), str(tmp_path / "a"))
    assert (found.python_abi, found.platform, found.warning) == ("", "darwin", "")
    assert found.index().dirs == [str(tmp_path / "b"), str(tmp_path / "a")]


def test_a_site_without_an_abi_warns_and_skips_the_check(tmp_path: Path) -> None:
    found = target(str(tmp_path))
    assert found.python_abi == ""
    assert found.warning.startswith("--target-site is given without PYLINKDEP_TARGET_PYTHON_ABI")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((None, "py312"), "--target-python-abi: 'py312' is not a Python ABI such as cp312"),
        ((None, None, "Darwin"), "--target-platform: 'Darwin' is not one of linux, darwin, win32"),
        (("/nonexistent/site",), "--target-site: /nonexistent/site is not a directory"),
    ],
)
def test_bad_values_name_the_setting(args: tuple[str | None, ...], message: str) -> None:
    with pytest.raises(PylinkError) as info:
        target(*args)
    assert str(info.value).startswith(message)
    assert info.value.field == message.split(":")[0]


@pytest.mark.parametrize(
    ("wheel", "tool"),
    [
        ("cons-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "auditwheel"),
        ("cons-1.0-cp312-cp312-manylinux2014_aarch64.whl", "auditwheel"),
        ("cons-1.0-cp36-cp36m-manylinux1_x86_64.whl", "auditwheel"),
        ("cons-1.0-cp312-cp312-musllinux_1_2_aarch64.whl", "auditwheel"),
        ("cons-1.0-cp312-cp312-linux_x86_64.whl", "auditwheel"),
        ("dist/cons-1.0-cp312-cp312-macosx_11_0_arm64.whl", "delocate"),
        ("cons-1.0-cp312-cp312-macosx_10_9_universal2.whl", "delocate"),
        ("cons-1.0-cp312-cp312-win_amd64.whl", "delvewheel"),
        ("cons-1.0-cp312-cp312-win_arm64.whl", "delvewheel"),
        ("cons-1.0-cp312-cp312-win32.whl", "delvewheel"),
    ],
)
def test_repair_tool_of_a_platform_tag(wheel: str, tool: str) -> None:
    assert repair.tool_for(wheel) == tool


@pytest.mark.parametrize(
    "wheel",
    ["cons-1.0-py3-none-any.whl", "cons.zip", "cons-1.0-py3-none-linux_x86_64.win_amd64.whl"],
)
def test_no_one_repair_tool(wheel: str) -> None:
    with pytest.raises(PylinkError, match="no one repair tool for its platform tag"):
        repair.tool_for(wheel)


def test_repair_arguments() -> None:
    names = ["libprov.dll", "libbase.dll"]
    assert repair.arguments("auditwheel", ["libprov.so.1"]) == ["--exclude", "libprov.so.1"]
    assert repair.arguments("delocate", names) == [
        "--exclude", "libprov.dll", "--exclude", "libbase.dll"
    ]  # fmt: skip
    joined = f"libprov.dll{os.pathsep}libbase.dll"
    assert repair.arguments("delvewheel", names) == ["--exclude", joined, "--no-mangle", joined]
    assert repair.arguments("delvewheel", []) == []
