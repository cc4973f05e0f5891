"""pylink.json v1 parsing: every rule, and agreement with the shipped JSON Schema."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from pylinkdep import InvalidMetadata
from pylinkdep.metadata import MAX_BYTES, Metadata, normalize_name, parse

from .conftest import valid_doc

SCHEMA = json.loads(files("pylinkdep").joinpath("schema/pylink.schema.json").read_text())


def parse_doc(doc: dict[str, Any], **kwargs: Any) -> Metadata:
    return parse(json.dumps(doc).encode(), file="/x/pylink.json", distribution="dist", **kwargs)


def test_valid_document_round_trip() -> None:
    meta = parse_doc(valid_doc("demo"))
    assert meta.name == "demo"
    assert meta.version == "1.2.0"
    assert meta.abi == ">=1.2,<2"
    assert meta.cmake_package == "Demo"
    assert meta.cmake_target == "Demo::demo"
    assert meta.include_dirs == ("include",)
    assert meta.libraries[0].soname == "libdemo.so.1"
    assert meta.libraries[0].kind == "shared"
    assert meta.defines == ("DEMO_SHARED",)
    assert meta.python_abi is None
    jsonschema.validate(valid_doc("demo"), SCHEMA)


def test_minimal_document_gets_defaults() -> None:
    doc = {"pylink": 1, "name": "Py_Awaitable", "version": "2.0.1", "abi": ">=2.0,<3"}
    meta = parse_doc(doc)
    assert (meta.cmake_package, meta.cmake_target) == ("Py_Awaitable", "Py_Awaitable::Py_Awaitable")
    assert meta.include_dirs == meta.requires == ()
    assert meta.libraries == ()
    jsonschema.validate(doc, SCHEMA)


def test_optional_fields() -> None:
    doc = valid_doc(
        "demo",
        cmake={"package": "Demo"},
        python_abi="cp313t",
        requires=["other>=1.0; sys_platform == 'linux'", "third"],
        libraries=[{"path": "_core.abi3.so", "soname": "_core.abi3.so", "kind": "extension"}],
        defines=["A", "B=some value (with) = signs"],
        **{"x-vendor": {"anything": [1, 2]}, "$schema": "pylink.schema.json"},
    )
    meta = parse_doc(doc)
    assert meta.cmake_target == "Demo::Demo"
    assert meta.python_abi == "cp313t"
    assert meta.libraries[0].kind == "extension"
    assert meta.requires[0].startswith("other")
    jsonschema.validate(doc, SCHEMA)


def test_names_compare_normalized() -> None:
    assert normalize_name("PyAwaitable") == normalize_name("pyawaitable")
    assert normalize_name("a_b.c--d") == "a-b-c-d"


@given(st.text(alphabet="aB9-_.\u0130 ", max_size=12))
def test_normalize_name_is_pep_503(name: str) -> None:
    assert normalize_name(name) == canonicalize_name(name)


# (change to the valid document, field named in the error, fragment of the message)
BAD_DOCS: list[tuple[dict[str, Any], str | None, str]] = [
    ({"pylink": 3}, "pylink", "upgrade pylinkdep"),
    ({"pylink": "1"}, "pylink", "integer"),
    ({"pylink": True}, "pylink", "integer"),
    ({"name": "bad name"}, "name", "does not match"),
    ({"name": "-leading"}, "name", "does not match"),
    ({"name": 7}, "name", "expected a string, got number"),
    ({"version": ["1"]}, "version", "expected a string, got array"),
    ({"abi": {}}, "abi", "expected a string"),
    ({"cmake": {"package": "1Bad"}}, "cmake.package", "does not match"),
    ({"cmake": {"package": "A", "target": "A"}}, "cmake.target", "does not match"),
    ({"cmake": {"target": "A::A"}}, "cmake.package", "required key missing"),
    ({"cmake": {"package": "A", "extra": 1}}, "cmake.extra", "unknown key"),
    ({"cmake": "A"}, "cmake", "expected an object"),
    ({"cmake": {"package": "A", "x-note": 1}}, "cmake.x-note", "unknown key"),
    ({"include_dirs": "include"}, "include_dirs", "expected an array"),
    ({"include_dirs": ["/usr/include"]}, "include_dirs[0]", "absolute"),
    ({"include_dirs": ["C:/include"]}, "include_dirs[0]", "absolute"),
    ({"include_dirs": ["inc\\sub"]}, "include_dirs[0]", "separator"),
    ({"include_dirs": [""]}, "include_dirs[0]", "empty path"),
    ({"include_dirs": [3]}, "include_dirs[0]", "expected a string"),
    ({"libraries": {"path": "x"}}, "libraries", "expected an array"),
    ({"libraries": ["libx.so"]}, "libraries[0]", "expected an object"),
    ({"libraries": [{"soname": "libx.so.1"}]}, "libraries[0].path", "required key missing"),
    ({"libraries": [{"path": "libx.so.1"}]}, "libraries[0].soname", "required key missing"),
    ({"libraries": [{"path": "/lib/libx.so", "soname": "x"}]}, "libraries[0].path", "absolute"),
    ({"libraries": [{"path": "l.so", "soname": "a/l.so"}]}, "libraries[0].soname", "match"),
    ({"libraries": [{"path": "l.so", "soname": "l", "kind": "static"}]}, "libraries[0].kind", ""),
    ({"libraries": [{"path": "l.so", "soname": "l", "rpath": "x"}]}, "libraries[0].rpath", ""),
    ({"defines": ["1BAD"]}, "defines[0]", "does not match"),
    ({"defines": "A"}, "defines", "expected an array"),
    ({"compile_args": [None]}, "compile_args[0]", "expected a string, got null"),
    ({"link_args": [1.5]}, "link_args[0]", "expected a string, got number"),
    ({"requires": "other"}, "requires", "expected an array"),
    ({"python_abi": "cp3x"}, "python_abi", "does not match"),
    ({"python_abi": 311}, "python_abi", "expected a string"),
    ({"description": 1}, "description", "expected a string"),
    ({"include_dir": ["include"]}, "include_dir", "unknown key"),
]


@pytest.mark.parametrize(("change", "field", "fragment"), BAD_DOCS)
def test_bad_document_names_field(change: dict[str, Any], field: str, fragment: str) -> None:
    doc = {**valid_doc("demo"), **change}
    with pytest.raises(InvalidMetadata) as info:
        parse_doc(doc)
    assert info.value.field == field
    assert info.value.distribution == "dist"
    assert info.value.file == "/x/pylink.json"
    assert fragment in str(info.value)
    assert "/x/pylink.json" in str(info.value) and "'dist'" in str(info.value)
    # The shipped schema rejects the same documents.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


# Rules JSON Schema cannot express: PEP 440 and PEP 508 syntax, version inside abi.
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": "one"}, "version"),
        ({"abi": "between 1 and 2"}, "abi"),
        ({"abi": ">=2,<3"}, "abi"),
        ({"abi": ""}, "abi"),
        ({"abi": ","}, "abi"),
        ({"requires": ["other >= "]}, "requires[0]"),
        ({"requires": ["other[extra]>=1"]}, "requires[0]"),
        ({"requires": ["other @ https://example.invalid/x.whl"]}, "requires[0]"),
    ],
)
def test_semantic_errors(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidMetadata) as info:
        parse_doc(valid_doc("demo", **change))
    assert info.value.field == field


@pytest.mark.parametrize("key", ["pylink", "name", "version", "abi"])
def test_required_keys(key: str) -> None:
    doc = valid_doc("demo")
    del doc[key]
    with pytest.raises(InvalidMetadata, match="required key missing") as info:
        parse_doc(doc)
    assert info.value.field == key
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "not valid JSON"),
        (b"[1, 2]", "expected an object"),
        (b'{"pylink": 1, "pylink": 1}', "duplicate key"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b" " * (MAX_BYTES + 1), "larger than"),
        (json.dumps(valid_doc("demo", description="a\x00b")).encode(), "NUL"),
    ],
)
def test_malformed_bytes(data: bytes, fragment: str) -> None:
    with pytest.raises(InvalidMetadata, match=fragment):
        parse(data, file="/x/pylink.json", distribution="dist")


def test_overlay_keys() -> None:
    doc = valid_doc("demo", package="vendor.demo", distribution="demo-dist")
    meta = parse_doc(doc, overlay=True)
    assert (meta.package, meta.distribution) == ("vendor.demo", "demo-dist")
    jsonschema.validate(doc, SCHEMA)
    with pytest.raises(InvalidMetadata, match="required key missing"):
        parse_doc(valid_doc("demo"), overlay=True)
    with pytest.raises(InvalidMetadata, match="does not match"):
        parse_doc(valid_doc("demo", package="../x"), overlay=True)
    # Outside PYLINK_PATH, the entry point names the package: the key is refused.
    with pytest.raises(InvalidMetadata, match="unknown key") as info:
        parse_doc(valid_doc("demo", package="demo"))
    assert info.value.field == "package"
