"""Property-based fuzzing of the pylink.json parser, the shared library check, the run
path math, and installed documents through find(), providers() and every output.

Each property runs ``PYLINK_FUZZ_EXAMPLES`` examples (default 300, derandomized so CI
is repeatable); set it for a long random run, e.g. ``PYLINK_FUZZ_EXAMPLES=10000``.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import pylinkdep
from pylinkdep import InvalidMetadata, _binary
from pylinkdep.metadata import CONTROL, Metadata, parse
from pylinkdep.outputs import cargo, flags, pkgconfig, runtime_module
from pylinkdep.outputs import cmake as emit_cmake
from pylinkdep.rpath import relative_rpath

from .conftest import valid_doc

EXAMPLES = int(os.environ.get("PYLINK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # write nothing into the worktree
    derandomize="PYLINK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SCHEMA = json.loads(files("pylinkdep").joinpath("schema/pylink.schema.json").read_text())
FILE, DIST = "/site/demo/pylink.json", "demo-dist"
OVERLAY_ONLY = ("package", "distribution")

# Path pieces that matter to confinement, separators and encodings.
SEGMENTS = ["..", ".", "", "include", "lib", "pkg.libs", "ü", "a b", ":", "$ORIGIN", "\\", "C:"]
segment = st.sampled_from(SEGMENTS) | st.text(max_size=4)
rel_paths = st.lists(segment, max_size=6).map("/".join)
paths = rel_paths | rel_paths.map(lambda p: "/" + p)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | paths
    | st.sampled_from(["1.2.0", ">=1.2,<2", "demo", "libdemo.so.1", "base>=1", "cp311", "A::b"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
libraries = st.lists(
    st.fixed_dictionaries(
        {"path": paths | json_values, "soname": scalars},
        optional={"kind": st.sampled_from(["shared", "extension", "static"]) | json_values},
    ),
    max_size=3,
)
TOP_KEYS = [*valid_doc("demo"), "x-extra", "unknown", "package", "distribution", "$schema"]


@st.composite
def near_valid(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """A valid document with a few keys dropped, added or replaced; and the overlay flag."""
    overlay = draw(st.booleans())
    doc = valid_doc("demo", **({"package": "demo"} if overlay else {}))
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), max_size=4, unique=True)):
        choice = draw(st.sampled_from(["drop", "value", "paths", "libraries"]))
        if choice == "drop":
            doc.pop(key, None)
        elif choice == "value":
            doc[key] = draw(json_values)
        elif choice == "paths":
            doc[key] = draw(st.lists(paths, max_size=3))
        else:
            doc[key] = draw(libraries)
    return doc, overlay


def parse_or_refuse(data: bytes, overlay: bool = False) -> Metadata | None:
    """Parse; the only acceptable failure is InvalidMetadata naming its file."""
    try:
        return parse(data, file=FILE, distribution=DIST, overlay=overlay)
    except InvalidMetadata as exc:
        assert (exc.file, exc.distribution) == (FILE, DIST)
        assert exc.field is None or (isinstance(exc.field, str) and exc.field)
        assert f"file {FILE}" in str(exc) and f"distribution {DIST!r}" in str(exc)
        return None


def assert_confined(path: str) -> None:
    assert path and "\x00" not in path and "\\" not in path
    assert not path.startswith("/") and not (len(path) > 1 and path[1] == ":")
    path.encode("utf-8")


@FUZZ
@given(near_valid())
def test_parse_near_valid_documents(case: tuple[dict[str, Any], bool]) -> None:
    doc, overlay = case
    meta = parse_or_refuse(json.dumps(doc).encode(), overlay)
    if meta is None:
        return
    # Accepted: the shipped schema agrees on the shape, and every path is relative. An
    # overlay may leave its version and sonames to the installed distribution.
    checked = json.loads(json.dumps({k: v for k, v in doc.items() if k not in OVERLAY_ONLY}))
    if overlay:
        checked.setdefault("version", "0")
        for lib in checked.get("libraries", []):
            lib.setdefault("soname", "libx.so")
    jsonschema.validate(checked, SCHEMA)
    for path in (*meta.include_dirs, *(lib.path for lib in meta.libraries)):
        assert_confined(path)
    assert meta.name == doc["name"] and meta.version == doc.get("version", "")


@FUZZ
@given(json_values)
def test_parse_any_json(value: Any) -> None:
    parse_or_refuse(json.dumps(value).encode())


@FUZZ
@given(st.binary(max_size=512))
def test_parse_raw_bytes(data: bytes) -> None:
    parse_or_refuse(data)


@FUZZ
@given(st.data())
def test_parse_corrupted_valid_bytes(data: st.DataObject) -> None:
    """A valid file with bytes overwritten, inserted or cut."""
    raw = bytearray(json.dumps(valid_doc("demo")).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        edit = data.draw(st.sampled_from(["set", "insert", "cut"]))
        if edit == "cut":
            del raw[at : at + data.draw(st.integers(1, 8))]
        elif edit == "insert":
            raw.insert(at, data.draw(st.integers(0, 255)))
        elif at < len(raw):
            raw[at] = data.draw(st.integers(0, 255))
    parse_or_refuse(bytes(raw))


def soname_or_refuse(data: bytes) -> None:
    """The shared library check answers a SONAME or NotSharedLibrary, nothing else."""
    with tempfile.NamedTemporaryFile(suffix=".so") as f:
        f.write(data)
        f.flush()
        try:
            assert isinstance(_binary.linkable_soname(f.name), str)
        except _binary.NotSharedLibrary:
            pass


@FUZZ
@given(st.data())
def test_shared_library_check_corrupted(real_library: Path, data: st.DataObject) -> None:
    """A real gcc-built library with header bytes overwritten, and maybe cut short."""
    raw = bytearray(real_library.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, 1023) | st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.sampled_from([0, 1, 2, 0x7F, 0xFF]) | st.integers(0, 255))
    if data.draw(st.booleans()):
        del raw[data.draw(st.integers(0, len(raw))) :]
    soname_or_refuse(bytes(raw))


@FUZZ
@given(st.binary(max_size=256).map(lambda b: b"\x7fELF" + b))
def test_shared_library_check_raw(data: bytes) -> None:
    soname_or_refuse(data)


def plainly_valid(path: str) -> bool:
    """Relative to site-packages with '/', never above it, no character a run path cannot hold."""
    if path.startswith("/") or any(c in path for c in "\\,:;[]$") or CONTROL.search(path):
        return False
    depth = 0
    for part in path.split("/"):
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return False
    return True


@FUZZ
@given(paths, paths, st.sampled_from(["linux", "darwin", "freebsd", "win32"]))
def test_relative_rpath_reaches_the_library(consumer: str, library: str, platform: str) -> None:
    """The entry leads from the consumer's directory to the library's; bad input: ValueError."""
    try:
        entry = relative_rpath(consumer, library, platform)
    except ValueError:
        assert platform == "win32" or not (plainly_valid(consumer) and plainly_valid(library))
        return
    assert platform != "win32"
    assert plainly_valid(consumer) and plainly_valid(library)
    token = "@loader_path" if platform == "darwin" else "$ORIGIN"
    assert ":" not in entry  # one entry of a ':'-separated run path
    assert entry == token or entry.startswith(token + "/")
    site = "/site-packages"
    reached = posixpath.join(site, consumer, entry[len(token) :].lstrip("/"))
    assert posixpath.normpath(reached) == posixpath.normpath(posixpath.join(site, library))


ENTRY_POINT_LINES = [
    "[pylink]", "[console_scripts]", "[pylink ]", "[pylink", "demo = demo", "demo=demo",
    "demo = demo:attr", "demo = demo.sub", "demo =", "= demo", "demo = ../x", "x = y:z",
    "demo = demo [extra]", "other = demo", "DEMO = demo", "demo = /abs", "\x00", "# c",
]  # fmt: skip
drawn_lines = st.lists(st.sampled_from(ENTRY_POINT_LINES) | st.text(max_size=12), max_size=6)
VALID_ENTRY_POINTS = ["[pylink]\ndemo = demo\n", "[console_scripts]\nx = y:z\n[pylink]\ndemo=demo"]
entry_points_texts = st.sampled_from(["valid", "valid", "drawn"]).flatmap(
    lambda kind: (
        st.sampled_from(VALID_ENTRY_POINTS) if kind == "valid" else drawn_lines.map("\n".join)
    )
)
# Free-form values: printable text (any character but control ones and surrogates),
# which pylink.json mostly accepts, or any text.
free_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=12)
free_text |= st.text(max_size=12)
free_values = st.fixed_dictionaries(
    {
        "defines": st.lists(free_text.map(lambda v: f"D={v}"), max_size=3),
        "compile_args": st.lists(free_text, max_size=3),
        "link_args": st.lists(free_text, max_size=3),
        "description": free_text,
    }
).map(lambda values: json.dumps(valid_doc("demo", **values)).encode())
# Half valid documents with drawn values, half near-valid or raw bytes.
documents = st.sampled_from(["free", "free", "near", "bytes"]).flatmap(
    lambda kind: {
        "free": free_values,
        "near": near_valid().map(lambda case: json.dumps(case[0]).encode()),
        "bytes": st.binary(max_size=64),
    }[kind]
)


def every_output(deps: list[pylinkdep.Dependency]) -> None:
    """Emit every format pylinkdep writes for ``deps``: a refusal is a PylinkError."""
    for dep in deps:
        flags.shell_join([*flags.cflags([dep]), *flags.libs([dep])])
        emit_cmake.config_files(dep)
        emit_cmake.failing_config(dep.provider, "message")
        cargo.directives([dep], "consumer/sub", "linux")
        runtime_module.module_source("consumer", "consumer", [dep])
        for platform in ("linux", "darwin"):
            dep.rpaths("consumer/sub", platform)
        try:
            pkgconfig.pc_text(dep.provider)
        except InvalidMetadata as exc:
            assert exc.field and "a .pc file cannot carry it" in str(exc)


@FUZZ
@given(documents, entry_points_texts)
def test_installed_documents_through_every_output(
    real_library: Path, document: bytes, entry_points: str
) -> None:
    """A distribution with this pylink.json and entry_points.txt, read by find() and
    providers() and written in every format: nothing but PylinkError escapes."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        pkg = site / "demo"
        (pkg / "include").mkdir(parents=True)
        (pkg / "pylink.json").write_bytes(document)
        shutil.copy(real_library, pkg / "libdemo.so.1")
        info = site / "demo-1.2.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 1.2.0\n")
        (info / "entry_points.txt").write_text(entry_points, errors="surrogateescape")
        (info / "RECORD").write_text("demo/pylink.json,,\ndemo/libdemo.so.1,,\n")
        errors: list[pylinkdep.PylinkError] = []
        found = pylinkdep.providers(errors=errors, path=[str(site)])
        deps = []
        for provider in found:
            try:
                deps.append(pylinkdep.find(provider.name, path=[str(site)]))
            except pylinkdep.PylinkError:
                pass
        try:
            deps.append(pylinkdep.find("demo", path=[str(site)]))
        except pylinkdep.PylinkError:
            pass
        event(f"providers listed: {len(found)}, resolved: {len(deps)}")
        every_output(deps)
        emit_cmake.write_prefix(str(Path(tmp) / "cmake"), path=[str(site)])
        pkgconfig.write_dir(found, str(Path(tmp) / "pc"), errors=errors)
