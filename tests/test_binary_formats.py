"""Library facts of all three binary formats, read back from real files built here
(ELF by gcc, Mach-O by zig, PE by mingw-w64: :mod:`tests.crossbuild`): each equals what
the linker was told. ``pylinkdep generate`` records a dylib's install name and a DLL's
name, and ``pylinkdep check`` flags each fault built into a real binary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pylinkdep import _binary
from pylinkdep.cli import main
from pylinkdep.wheel.check import check_wheel

from .conftest import valid_doc
from .crossbuild import API, BUILD_DIR, HIDDEN, MACOS_TARGETS, PROV_H, RUN_PATH, run, sources
from .test_check import Members, write_wheel
from .test_fuzz import FUZZ

Facts = tuple[tuple[_binary.Dynamic, ...], frozenset[str], dict[str, frozenset[str]]]
# The header of a function the provider's build did not export.
HIDDEN_H = f"int {HIDDEN}(void);\n".encode()
UNEXPORTED = (
    f"prov/pylink.json: {HIDDEN}() is declared in prov/include/hidden.h but not exported by "
    "the provider's libraries (hidden visibility?)"
)

MACHO_FILES = ("universal", "consumer")
PE_FILES = ("provider", "consumer")


def facts(path: Path) -> Facts:
    """The images, exports and imports by library of the file at ``path``."""
    data = path.read_bytes()
    return (
        _binary.images(io.BytesIO(data)),
        _binary.exported_symbols(io.BytesIO(data)),
        _binary.imports_by_library(io.BytesIO(data)),
    )


def api(exported: frozenset[str]) -> set[str]:
    """The provider's own exports (not the linker's and C runtime's, such as ``_init``)."""
    return {name for name in exported if name.startswith("prov_")}


@pytest.fixture(scope="module")
def elf_libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``provider`` (libprov.so.1) and ``consumer`` built by gcc from the sources of the
    cross builds, and ``path-needed``, a consumer of a library without SONAME linked by
    its absolute path."""
    out = tmp_path_factory.mktemp("elf")
    sources(out)
    cc = ["gcc", "-shared", "-fPIC"]
    run(out, *cc, "-fvisibility=hidden", "-Wl,-soname,libprov.so.1", "-o", "libprov.so.1",
        "prov.c")  # fmt: skip
    run(out, *cc, "-o", "cons.so", "cons.c", "libprov.so.1", "-Wl,-rpath,$ORIGIN/../prov")
    run(out, *cc, "-fvisibility=hidden", "-o", "libnosoname.so", "prov.c")
    run(out, *cc, "-o", "cons-path.so", "cons.c", str(out / "libnosoname.so"))
    return {
        "provider": out / "libprov.so.1",
        "consumer": out / "cons.so",
        "path-needed": out / "cons-path.so",
    }


def test_elf_facts(elf_libraries: dict[str, Path]) -> None:
    (prov,), exported, _ = facts(elf_libraries["provider"])
    assert (prov.format, prov.soname, prov.runpath) == ("elf", "libprov.so.1", ())
    assert api(exported) == API
    consumer = elf_libraries["consumer"]
    (cons,), cons_exported, imports = facts(consumer)
    assert "libprov.so.1" in cons.needed and cons.runpath + cons.rpath == ("$ORIGIN/../prov",)
    assert "cons_call" in cons_exported
    assert API <= imports[""]  # ELF names no library a symbol comes from
    assert _binary.imported_symbols(io.BytesIO(consumer.read_bytes())) == imports[""]


@pytest.mark.parametrize("target", MACOS_TARGETS)
def test_macho_facts(target: str, macho_libraries: dict[str, Path]) -> None:
    suffix = "" if target == "aarch64-macos" else f"-{target}"
    (prov,), exported, _ = facts(macho_libraries[f"provider{suffix}"])
    assert (prov.format, prov.soname, prov.arch) == (
        "macho", "@rpath/libprov.1.dylib", MACOS_TARGETS[target]
    )  # fmt: skip
    assert prov.runpath == () and api(exported) == API  # C names: no leading "_"
    consumer = macho_libraries[f"consumer{suffix}"]
    (cons,), cons_exported, imports = facts(consumer)
    assert "@rpath/libprov.1.dylib" in cons.needed and cons.runpath == (RUN_PATH,)
    assert "cons_call" in cons_exported
    assert imports["@rpath/libprov.1.dylib"] == API  # the two-level namespace's binding
    assert _binary.imported_symbols(io.BytesIO(consumer.read_bytes())) == (
        frozenset().union(*imports.values())
    )


def test_universal_macho_facts(macho_libraries: dict[str, Path]) -> None:
    images, exported, imports = facts(macho_libraries["universal"])
    assert [(i.arch, i.soname) for i in images] == [
        ("ARM64", "@rpath/libprov.1.dylib"),
        ("x86_64", "@rpath/libprov.1.dylib"),
    ]
    thin = [facts(macho_libraries[k]) for k in ("provider", "provider-x86_64-macos")]
    assert exported == thin[0][1] & thin[1][1] and api(exported) == API
    assert imports.keys() == thin[0][2].keys() | thin[1][2].keys()


def test_pe_facts(pe_libraries: dict[str, Path]) -> None:
    (prov,), exported, _ = facts(pe_libraries["provider"])
    assert (prov.format, prov.soname, prov.runpath) == ("pe", "libprov.dll", ())
    assert exported == API  # __declspec(dllexport) only
    (cons,), _, imports = facts(pe_libraries["consumer"])
    assert "libprov.dll" in cons.needed  # named by the import library
    assert imports["libprov.dll"] == API
    (old,), _, _ = facts(pe_libraries["wrong-dll-name"])
    assert old.soname == "libprov-old.dll"  # the module-definition file's LIBRARY


def generate_soname(library: Path, tmp_path: Path) -> str:
    """The soname ``pylinkdep generate`` records for ``library``."""
    out = tmp_path / "pylink.json"
    args = ["generate", "-o", str(out), "--name", "prov", "--version", "1.0", "--abi=>=1,<2"]
    assert main([*args, "--library", str(library)]) == 0
    (entry,) = json.loads(out.read_text())["libraries"]
    assert entry["path"] == library.name
    soname: str = entry["soname"]
    return soname


def test_generate_records_install_names(macho_libraries: dict[str, Path], tmp_path: Path) -> None:
    for variant in ("provider", "provider-x86_64-macos", "universal"):
        assert generate_soname(macho_libraries[variant], tmp_path) == "@rpath/libprov.1.dylib"


def test_generate_records_dll_names(pe_libraries: dict[str, Path], tmp_path: Path) -> None:
    assert generate_soname(pe_libraries["provider"], tmp_path) == "libprov.dll"
    assert generate_soname(pe_libraries["wrong-dll-name"], tmp_path) == "libprov-old.dll"


@pytest.mark.parametrize(
    ("variant", "name"),
    [
        ("absolute-install-name", f"the absolute install name '{BUILD_DIR}/libprov.1.dylib'"),
        ("leaf-install-name", "the install name 'libprov.1.dylib'"),
    ],
)
def test_generate_refuses_an_install_name_not_in_rpath(
    variant: str,
    name: str,
    macho_libraries: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    library = macho_libraries[variant]
    out = tmp_path / "pylink.json"
    args = ["generate", "-o", str(out), "--name", "prov", "--version", "1.0", "--abi=>=1,<2"]
    assert main([*args, "--library", str(library)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert f"{library} has {name}, not @rpath/<file>: consumers would load it by that " in line
    assert "-Wl,-install_name,@rpath/libprov.1.dylib (CMake: INSTALL_NAME_DIR @rpath)" in line
    assert "field 'libraries'" in line and not out.exists()


def provider_wheel(
    path: Path, library: Path, soname: str, implib: Path | None = None, **headers: bytes
) -> Path:
    """A wheel of provider ``prov``: ``library`` under its own name, declared with
    ``soname`` (and the import library ``implib`` beside it), and the headers ``prov.h``
    and ``headers`` (by file stem)."""
    lib = {"path": library.name, "soname": soname, "kind": "shared"}
    lib.update({"import_library": implib.name} if implib else {})
    implibs = {f"prov/{implib.name}": implib.read_bytes()} if implib else {}
    doc = valid_doc("prov", version="1.0", abi=">=1.0,<2", libraries=[lib])
    doc["pylink"] = 2 if implib else doc["pylink"]
    dist_info = "prov-1.0.dist-info"
    members: Members = {
        "prov/__init__.py": b"",
        "prov/pylink.json": json.dumps(doc).encode(),
        f"prov/{library.name}": library.read_bytes(),
        **implibs,
        "prov/include/prov.h": PROV_H.encode(),
        **{f"prov/include/{stem}.h": text for stem, text in headers.items()},
        f"{dist_info}/METADATA": b"Metadata-Version: 2.1\nName: prov\nVersion: 1.0\n",
        f"{dist_info}/entry_points.txt": b"[pylink]\nprov = prov\n",
        f"{dist_info}/RECORD": b"",
    }
    return write_wheel(path, members)


def consumer_wheel(path: Path, library: Path) -> Path:
    """A wheel of ``cons`` shipping ``library``."""
    dist_info = "cons-1.0.dist-info"
    return write_wheel(
        path,
        {
            "cons/__init__.py": b"",
            f"cons/{library.name}": library.read_bytes(),
            f"{dist_info}/METADATA": b"Metadata-Version: 2.1\nName: cons\nVersion: 1.0\n",
            f"{dist_info}/RECORD": b"",
        },
    )


def test_check_elf_path_needed(elf_libraries: dict[str, Path], tmp_path: Path) -> None:
    assert check_wheel(str(consumer_wheel(tmp_path / "a.whl", elf_libraries["consumer"]))) == []
    wheel = consumer_wheel(tmp_path / "b.whl", elf_libraries["path-needed"])
    assert check_wheel(str(wheel)) == [
        f"cons/cons-path.so: NEEDED entry '{elf_libraries['path-needed'].parent}/libnosoname.so'"
        " is a path: the loader opens that file only"
    ]


def test_check_macos_wheels(macho_libraries: dict[str, Path], tmp_path: Path) -> None:
    soname = "@rpath/libprov.1.dylib"
    for good in ("provider", "universal"):
        wheel = provider_wheel(tmp_path / good / "prov.whl", macho_libraries[good], soname)
        assert check_wheel(str(wheel)) == [], good
    consumer = consumer_wheel(tmp_path / "cons.whl", macho_libraries["consumer"])
    assert check_wheel(str(consumer)) == []

    absolute = macho_libraries["absolute-install-name"]
    wheel = provider_wheel(tmp_path / "absolute" / "prov.whl", absolute, soname)
    assert check_wheel(str(wheel)) == [
        f"prov/pylink.json: libraries[0]: prov/libprov.1.dylib has the absolute install name "
        f"'{BUILD_DIR}/libprov.1.dylib', not @rpath/<file>: consumers would load it by that "
        "name, not through their run path; link it with -Wl,-install_name,"
        "@rpath/libprov.1.dylib (CMake: INSTALL_NAME_DIR @rpath)"
    ]
    wheel = consumer_wheel(tmp_path / "rpath.whl", macho_libraries["absolute-rpath"])
    assert check_wheel(str(wheel)) == [
        f"cons/cons-abs.dylib: LC_RPATH '{BUILD_DIR}' is not @loader_path-relative"
    ]
    provider = macho_libraries["universal"]
    wheel = provider_wheel(tmp_path / "hidden" / "prov.whl", provider, soname, hidden=HIDDEN_H)
    assert check_wheel(str(wheel)) == [UNEXPORTED]


def test_check_windows_wheels(pe_libraries: dict[str, Path], tmp_path: Path) -> None:
    provider, implib = pe_libraries["provider"], pe_libraries["import-library"]
    wheel = provider_wheel(tmp_path / "prov.whl", provider, "libprov.dll", implib)
    assert check_wheel(str(wheel)) == []
    consumer = consumer_wheel(tmp_path / "cons.whl", pe_libraries["consumer"])
    assert check_wheel(str(consumer)) == []

    wrong = pe_libraries["wrong-dll-name"]
    wheel = provider_wheel(tmp_path / "wrong" / "prov.whl", wrong, "libprov.dll", implib)
    assert check_wheel(str(wheel)) == [
        "prov/pylink.json: libraries[0]: DLL name of prov/libprov.dll is 'libprov-old.dll', "
        "pylink.json says 'libprov.dll'"
    ]
    wheel = provider_wheel(tmp_path / "hidden" / "prov.whl", provider, "libprov.dll", implib,
                           hidden=HIDDEN_H)  # fmt: skip
    assert check_wheel(str(wheel)) == [UNEXPORTED]


def facts_or_refuse(raw: bytes) -> None:
    """Every question about a library answers, or raises NotSharedLibrary, nothing else."""
    for question in (_binary.images, _binary.exported_symbols, _binary.imports_by_library):
        try:
            question(io.BytesIO(raw))
        except _binary.NotSharedLibrary:
            pass


def corrupted(library: Path, data: st.DataObject) -> bytes:
    """``library`` with bytes of its load commands or tables overwritten, maybe cut short."""
    raw = bytearray(library.read_bytes())
    for _ in range(data.draw(st.integers(1, 16))):
        raw[data.draw(st.integers(0, min(len(raw), 4096) - 1))] = data.draw(st.integers(0, 255))
    return bytes(raw[: data.draw(st.integers(0, len(raw)))])


@FUZZ
@given(st.data())
def test_corrupted_macho(macho_libraries: dict[str, Path], data: st.DataObject) -> None:
    facts_or_refuse(corrupted(macho_libraries[data.draw(st.sampled_from(MACHO_FILES))], data))


@FUZZ
@given(st.data())
def test_corrupted_pe(pe_libraries: dict[str, Path], data: st.DataObject) -> None:
    facts_or_refuse(corrupted(pe_libraries[data.draw(st.sampled_from(PE_FILES))], data))
