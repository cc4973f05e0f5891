"""Run path math: from a consumer's install subdirectory to a provider's library directory."""

from __future__ import annotations

import posixpath

import pytest

from pylinkdep.rpath import origin_token, relative_rpath


@pytest.mark.parametrize(
    ("consumer", "library", "expected"),
    [
        ("", "prov", "$ORIGIN/prov"),  # depth 0: the extension sits in site-packages
        (".", "prov", "$ORIGIN/prov"),
        ("consumer", "prov", "$ORIGIN/../prov"),
        ("consumer/sub", "prov", "$ORIGIN/../../prov"),
        ("consumer/sub/deeper", "prov", "$ORIGIN/../../../prov"),
        ("prov", "prov", "$ORIGIN"),  # the provider's own extension
        ("prov/ext", "prov", "$ORIGIN/.."),
        ("consumer", "vendor/prov/lib", "$ORIGIN/../vendor/prov/lib"),  # nested provider
        ("ns/consumer/sub", "ns/prov", "$ORIGIN/../../prov"),  # namespace package
        ("consumer/", "./prov/", "$ORIGIN/../prov"),
        ("consumer", "prov.libs", "$ORIGIN/../prov.libs"),  # auditwheel's sibling directory
    ],
)
def test_linux(consumer: str, library: str, expected: str) -> None:
    assert relative_rpath(consumer, library, "linux") == expected


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_reaches_library_from_every_depth(depth: int) -> None:
    """Following the entry from the consumer's directory lands on the library directory."""
    consumer = "/".join(["consumer", "a", "b"][:depth])
    entry = relative_rpath(consumer, "vendor/prov", "linux")
    origin = posixpath.join("/site", consumer)
    assert posixpath.normpath(entry.replace("$ORIGIN", origin)) == "/site/vendor/prov"


def test_macos_uses_loader_path() -> None:
    assert relative_rpath("consumer/sub", "prov", "darwin") == "@loader_path/../../prov"
    assert origin_token("darwin") == "@loader_path"


def test_windows_has_no_run_path() -> None:
    with pytest.raises(ValueError, match="Windows has no run path"):
        relative_rpath("consumer", "prov", "win32")


@pytest.mark.parametrize(
    ("consumer", "library"),
    [("/abs/consumer", "prov"), ("consumer", "/usr/lib"), ("..", "prov"), ("c", "../x"),
     ("c\\sub", "prov"), ("C:/x", "prov")],
)  # fmt: skip
def test_refuses_paths_outside_site_packages(consumer: str, library: str) -> None:
    with pytest.raises(ValueError, match="site-packages"):
        relative_rpath(consumer, library, "linux")
