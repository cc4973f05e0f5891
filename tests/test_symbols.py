"""Per-symbol versions and provider authoring traps, on real gcc-built libraries: the
symbols file ``generate`` keeps, the requirement ``pylinkdep requirement`` derives from
a consumer's imports, the header export check, ``python_abi`` by default and at lookup."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pylinkdep
from pylinkdep import _resolve, skbuild
from pylinkdep.cli import main

from .conftest import MakeProvider, valid_doc

SOURCE = """\
#define API __attribute__((visibility("default")))
static long total;
API long demo_add(long n) { total += n; return total; }
API long demo_total(void) { return total; }
#ifdef WITH_SCALE
API long demo_scale(long n) { return n * total; }
#endif
#ifdef WITH_PYTHON
extern void *PyLong_FromLong(long);
API void *demo_as_int(void) { return PyLong_FromLong(total); }
#endif
"""
HEADER = "long demo_add(long n);\nlong demo_total(void);\n"


def build(out: Path, *defines: str, source: str = SOURCE, name: str = "libdemo.so.1") -> Path:
    """A shared library built by gcc with hidden visibility, SONAME libdemo.so.1."""
    out.mkdir(parents=True, exist_ok=True)
    src = out / "demo.c"
    src.write_text(source)
    lib = out / name
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-fvisibility=hidden", "-Wl,-soname,libdemo.so.1",
         *(f"-D{d}" for d in defines), "-o", str(lib), str(src)],
        check=True,
    )  # fmt: skip
    return lib


def generate(
    capsys: pytest.CaptureFixture[str], lib: Path, version: str, *args: str, abi: str = ""
) -> tuple[int, str, str, dict[str, object] | None]:
    """Run ``pylinkdep generate``; the exit status, its output and the document written."""
    out = lib.parent / "pylink.json"
    out.unlink(missing_ok=True)
    command = ["generate", "-o", str(out), "--name", "demo", "--version", version]
    code = main([*command, f"--abi={abi or '>=1.0,<2'}", "--library", str(lib), *args])
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr, json.loads(out.read_text()) if out.exists() else None


def test_new_exports_are_recorded_with_the_version_that_added_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    symbols = tmp_path / "demo.symbols"
    lib = build(tmp_path / "1.2")
    code, out, _, doc = generate(capsys, lib, "1.2.0", f"--symbols={symbols}", "--update-symbols")
    assert code == 0 and doc is not None
    assert doc["pylink"] == 2
    assert doc["symbols"] == {"demo_add": "1.2.0", "demo_total": "1.2.0"}
    assert "new export demo_add (since 1.2.0)" in out
    text = symbols.read_text()
    assert text.splitlines()[2:] == ["demo_add 1.2.0", "demo_total 1.2.0"]

    symbols.write_text(text.replace("demo_add 1.2.0", "demo_add 1.0"))  # the author's history
    lib = build(tmp_path / "1.3", "WITH_SCALE")
    code, _, err, doc = generate(capsys, lib, "1.3.0", f"--symbols={symbols}")
    assert code == 0 and doc is not None
    assert doc["symbols"] == {"demo_add": "1.0", "demo_scale": "1.3.0", "demo_total": "1.2.0"}
    assert "new export demo_scale (since 1.3.0): run with --update-symbols" in err
    assert "demo_scale" not in symbols.read_text()  # not asked to rewrite it

    code, _, _, _ = generate(capsys, lib, "1.3.0", f"--symbols={symbols}", "--update-symbols")
    assert code == 0 and "demo_scale 1.3.0" in symbols.read_text()


def test_the_environment_asks_for_the_rewrite_inside_a_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    symbols = tmp_path / "demo.symbols"
    monkeypatch.setenv("PYLINKDEP_UPDATE_SYMBOLS", "1")
    code, _, _, _ = generate(capsys, build(tmp_path / "b"), "1.0", f"--symbols={symbols}")
    assert code == 0 and "demo_total 1.0" in symbols.read_text()
    code, _, _, doc = generate(capsys, build(tmp_path / "c"), "1.0")  # no symbols file: fine
    assert code == 0 and doc is not None and doc["pylink"] == 1 and "symbols" not in doc


def test_an_export_removed_inside_the_abi_range_fails_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    symbols = tmp_path / "demo.symbols"
    symbols.write_text("demo_add 1.0\ndemo_scale 1.3\ndemo_total 1.2\n")
    before = symbols.read_text()
    lib = build(tmp_path / "1.4")  # demo_scale is gone
    code, _, err, doc = generate(
        capsys, lib, "1.4.0", f"--symbols={symbols}", "--update-symbols", abi=">=1.0,<2"
    )
    assert code == 1 and doc is None and symbols.read_text() == before
    assert "no longer exports demo_scale (since 1.3)" in err
    assert "'>=1.0,<2' still admits versions before 1.4.0" in err
    assert f"file {symbols}" in err and "field 'symbols'" in err

    # An incompatible release says so in its ABI range: the symbol is dropped.
    code, out, _, doc = generate(
        capsys, lib, "2.0.0", f"--symbols={symbols}", "--update-symbols", abi=">=2.0,<3"
    )
    assert code == 0 and doc is not None
    assert doc["symbols"] == {"demo_add": "1.0", "demo_total": "1.2"}
    assert "export demo_scale removed (since 1.3)" in out
    assert "demo_scale" not in symbols.read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("demo_add\n", "demo.symbols:1: expected 'SYMBOL VERSION', got 'demo_add'"),
        ("# ok\ndemo_add one\n", "demo.symbols:2: 'one' is not a PEP 440 version"),
        ("demo_add 1.0\ndemo_add 1.1\n", "demo.symbols:2: demo_add is listed twice"),
        ("demo add 1.0\n", "expected 'SYMBOL VERSION'"),
        ("demo_add 9.0\n", "demo_add first in 9.0, later than this version 1.2.0"),
    ],
)
def test_a_malformed_symbols_file_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    symbols = tmp_path / "demo.symbols"
    symbols.write_text(text)
    code, _, err, doc = generate(capsys, build(tmp_path / "l"), "1.2.0", f"--symbols={symbols}")
    assert code == 1 and doc is None
    assert message in err and len(err.splitlines()) == 1


def test_a_header_api_without_an_export_macro_fails_naming_the_functions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = tmp_path / "demo.h"
    header.write_text(HEADER)
    hidden_source = SOURCE.replace('__attribute__((visibility("default")))', "")
    hidden = build(tmp_path / "hidden", source=hidden_source)
    code, _, err, doc = generate(capsys, hidden, "1.2.0", f"--header={header}")
    assert code == 1 and doc is None
    assert "export none of the 2 functions the headers declare" in err
    assert f"{header}: demo_add()" in err and f"{header}: demo_total()" in err

    header.write_text(HEADER + "long demo_forgotten(void);\n")
    code, _, err, doc = generate(capsys, build(tmp_path / "ok"), "1.2.0", f"--header={header}")
    assert code == 0 and doc is not None
    assert f"warning: {header}: demo_forgotten() is declared but not exported" in err


def test_python_abi_defaults_to_the_build_python_for_a_c_api_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = build(tmp_path / "capi", "WITH_PYTHON")
    code, _, _, doc = generate(capsys, lib, "1.2.0")
    assert code == 0 and doc is not None
    assert doc["python_abi"] == _resolve.running_python_abi()
    assert doc["python_abi"] == f"cp{sys.version_info[0]}{sys.version_info[1]}" + (
        "t" if "t" in getattr(sys, "abiflags", "") else ""
    )
    code, _, _, doc = generate(capsys, lib, "1.2.0", "--python-abi=abi3")
    assert code == 0 and doc is not None and doc["python_abi"] == "abi3"
    code, _, _, doc = generate(capsys, build(tmp_path / "plain"), "1.2.0")
    assert code == 0 and doc is not None and doc["python_abi"] is None


@pytest.fixture
def demo_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_provider: MakeProvider) -> Path:
    """An installed provider 'demo' 1.3.0 whose library exports demo_add (1.0),
    demo_total (1.2) and demo_scale (1.3), as its symbols map says."""
    monkeypatch.delenv("PYLINK_PATH", raising=False)
    site = tmp_path / "site"
    symbols = {"demo_add": "1.0", "demo_total": "1.2", "demo_scale": "1.3"}
    doc = valid_doc("demo", pylink=2, version="1.3.0", abi=">=1.0,<2", symbols=symbols)
    package = make_provider(site, "demo", doc=doc, version="1.3.0")
    lib = build(tmp_path / "lib", "WITH_SCALE")
    (package / "libdemo.so.1").write_bytes(lib.read_bytes())
    monkeypatch.syspath_prepend(str(site))
    return site


def consumer(tmp_path: Path, calls: str, site: Path) -> Path:
    """A consumer extension linked against the installed provider's library."""
    src = tmp_path / f"{calls.replace(',', '_')}.c"
    declarations = "".join(f"long {f}(long);\n" for f in calls.split(","))
    body = " + ".join(f"{f}(1)" for f in calls.split(","))
    src.write_text(f"{declarations}long consumer_run(void) {{ return {body}; }}\n")
    out = src.with_suffix(".so")
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(out), str(src),
         str(site / "demo" / "libdemo.so.1")],
        check=True,
    )  # fmt: skip
    return out


@pytest.mark.parametrize(
    ("calls", "requirement", "why"),
    [
        ("demo_add", "demo>=1.0,<2", "imports demo_add, first in 1.0"),
        ("demo_add,demo_total", "demo>=1.2,<2", "imports demo_total, first in 1.2"),
        ("demo_total,demo_scale", "demo>=1.3,<2", "imports demo_scale, first in 1.3"),
    ],
)
def test_the_requirement_comes_from_the_symbols_a_consumer_imports(
    demo_site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    calls: str,
    requirement: str,
    why: str,
) -> None:
    ext = consumer(tmp_path, calls, demo_site)
    assert main(["requirement", "-v", str(ext)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{requirement}\n"
    assert f"pylinkdep: {requirement}: {ext} {why}" in err


def test_a_requirement_without_binaries_starts_at_the_newest_symbol(
    demo_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pylinkdep.find("demo").requirement == "demo>=1.3,<2"
    assert skbuild.requirements(["demo"]) == ["demo>=1.3,<2"]
    assert skbuild.requirements(["demo>=1.2"]) == ["demo>=1.2,<2"]  # the consumer's target
    assert main(["requirement", "demo"]) == 0
    assert capsys.readouterr().out == "demo>=1.3,<2\n"


def test_a_lookup_refuses_a_provider_built_for_another_python(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_provider: MakeProvider,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("PYLINK_PATH", raising=False)
    site = tmp_path / "site"
    make_provider(site, "demo", doc=valid_doc("demo", python_abi="cp39"))
    monkeypatch.syspath_prepend(str(site))
    here = _resolve.running_python_abi()
    with pytest.raises(pylinkdep.PythonMismatch) as info:
        pylinkdep.find("demo")
    assert f"demo 1.2.0 was built for cp39, but this build targets {here}" in str(info.value)
    assert info.value.field == "python_abi"
    assert pylinkdep.find("demo", python_abi="cp39").version == "1.2.0"
    assert pylinkdep.find("demo", python_abi="").version == "1.2.0"  # no check
    assert main(["--cflags", "demo"]) == 1
    assert "was built for cp39" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("have", "target", "loads"),
    [
        ("cp312", "cp312", True),
        ("cp312", "cp313", False),
        ("cp313", "cp313t", False),
        ("abi3", "cp313", True),
        ("abi3", "cp313t", False),
        (None, "cp313t", True),
    ],
)
def test_python_abi_matching(
    tmp_path: Path, make_provider: MakeProvider, have: str | None, target: str, loads: bool
) -> None:
    site = tmp_path / "site"
    make_provider(site, "demo", doc=valid_doc("demo", python_abi=have))
    provider = _resolve.Index([str(site)], target).get("demo", None)
    if loads:
        _resolve.check_python(provider, target)
    else:
        with pytest.raises(pylinkdep.PythonMismatch, match=f"this build targets {target}"):
            _resolve.check_python(provider, target)


def test_check_flags_a_recorded_provider_no_binary_loads(demo_site: Path, tmp_path: Path) -> None:
    """A consumer whose run-time module records the provider: its extension, in that
    package or below, loads the provider's library (passes); or, linked with --as-needed
    against a provider that exports nothing it calls, does not (flagged); or a binary
    loads the provider with no run-time module of its package or a parent's recording it
    (flagged: nothing checks the provider at import)."""
    from pylinkdep.outputs import runtime_module
    from pylinkdep.wheel.check import check_wheel

    source = runtime_module.module_source("cons", "cons", [pylinkdep.find("demo")]).encode()
    loads = consumer(tmp_path, "demo_add", demo_site).read_bytes()
    unused = tmp_path / "unused.c"
    unused.write_text("long consumer_run(void) { return 1; }\n")
    dropped = tmp_path / "dropped.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-Wl,--as-needed", "-o", str(dropped), str(unused),
         str(demo_site / "demo" / "libdemo.so.1")],
        check=True,
    )  # fmt: skip
    metadata = "Metadata-Version: 2.1\nName: cons\nVersion: 1.0\nRequires-Dist: demo>=1.0,<2\n"
    layouts: dict[str, dict[str, bytes]] = {
        "loads": {"cons/_pylink.py": source, "cons/_ext.so": loads},
        "nested": {"cons/_pylink.py": source, "cons/sub/deep/_ext.so": loads},
        "dropped": {"cons/_pylink.py": source, "cons/_ext.so": dropped.read_bytes()},
        "missing": {"cons/_ext.so": loads},
        "elsewhere": {"other/_pylink.py": source, "cons/_ext.so": loads},
    }
    problems = {}
    for name, members in layouts.items():
        wheel = tmp_path / name / "cons-1.0-cp311-cp311-linux_x86_64.whl"
        wheel.parent.mkdir()
        with zipfile.ZipFile(wheel, "w") as zf:
            for member, data in members.items():
                zf.writestr(member, data)
            zf.writestr("cons-1.0.dist-info/METADATA", metadata)
            zf.writestr("cons-1.0.dist-info/RECORD", "")
        problems[name] = check_wheel(str(wheel))
    assert problems["loads"] == problems["nested"] == []
    unloaded = (
        "{module}: records pylink provider 'demo', but no binary in {where}/ or below loads "
        "its libraries (libdemo.so.1): drop it, or check that the provider exports what the "
        "consumer calls"
    )
    unchecked = (
        "cons/_ext.so: loads libdemo.so.1 of pylink provider 'demo', but no cons/_pylink.py "
        "(nor one of a parent package) records it, so nothing checks the provider at import: "
        "generate the run-time module there and import it in the package's __init__.py "
        "(docs/runtime.md)"
    )
    assert problems["dropped"] == [unloaded.format(module="cons/_pylink.py", where="cons")]
    assert problems["missing"] == [unchecked]
    assert problems["elsewhere"] == [
        unloaded.format(module="other/_pylink.py", where="other"),
        unchecked,
    ]


@pytest.mark.parametrize(
    ("declared", "warned"),
    [(["demo>=1.0,<2"], True), (["demo>=1.2,<2"], False), ([], True)],
)
def test_setuptools_warns_when_dependencies_admit_too_old_a_provider(
    demo_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    declared: list[str],
    warned: bool,
) -> None:
    """A real setuptools build_ext of an extension importing demo_total (first in 1.2)."""
    from setuptools import Distribution

    from pylinkdep.setuptools import Extension

    monkeypatch.chdir(tmp_path)
    (tmp_path / "cons").mkdir()
    (tmp_path / "cons" / "_ext.c").write_text(
        "long demo_total(void);\nlong run(void) { return demo_total(); }\n"
        "void *PyInit__ext(void) { return 0; }\n"
    )
    ext = Extension("cons._ext", ["cons/_ext.c"], py_libraries=["demo"])
    dist = Distribution(
        {"name": "cons", "packages": ["cons"], "ext_modules": [ext], "install_requires": declared}
    )
    dist.get_command_obj("build_ext").build_lib = str(tmp_path / "build")
    dist.run_command("build_ext")
    err = caplog.text
    message = "pylinkdep: cons._ext needs demo>=1.2,<2"
    assert (message in err) is warned, err
    if warned:
        assert "imports demo_total, first in 1.2): declare it in [project] dependencies" in err


@pytest.mark.parametrize(("fixture", "soname"), [("macho_libraries", "@rpath/libprov.1.dylib"),
                                                  ("pe_libraries", "libprov.dll")])  # fmt: skip
def test_the_requirement_of_a_macos_or_windows_consumer(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    make_provider: MakeProvider,
    fixture: str,
    soname: str,
) -> None:
    """Real cross-built binaries: a consumer importing prov_answer (1.0) and prov_data
    (1.3) from its provider's dylib or DLL needs 1.3, read from LC_LOAD_DYLIB and the
    two-level namespace, or from the import table."""
    from pylinkdep import _resolve
    from pylinkdep.wheel import requirement

    built: dict[str, Path] = request.getfixturevalue(fixture)
    site = tmp_path / "site"
    name = Path(soname).name
    libraries = [{"path": name, "soname": soname, "kind": "shared"}]
    symbols = {"prov_answer": "1.0", "prov_data": "1.3"}
    doc = valid_doc("prov", pylink=2, version="1.3.0", abi=">=1.0,<2", libraries=libraries,
                    symbols=symbols, include_dirs=[])  # fmt: skip
    package = make_provider(site, "prov", doc=doc, version="1.3.0")
    shutil.copy(built["provider"], package / name)
    files = [("cons", built["consumer"].read_bytes())]
    (found,) = requirement.needed(files, _resolve.Index([str(site)], ""))
    assert (found.requirement, found.symbols) == ("prov>=1.3,<2", ("prov_data",))


def test_a_missing_provider_in_an_isolated_build_names_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_provider: MakeProvider
) -> None:
    """In an isolated build (pip's prefix on sys.path), the error names that environment
    and [build-system] requires; a misspelled name gets the closest installed one."""
    monkeypatch.delenv("PYLINK_PATH", raising=False)
    build_env = tmp_path / "pip-build-env-x1y2" / "overlay"
    site = build_env / "lib" / "python3" / "site-packages"
    make_provider(site, "exampleprov")
    with pytest.raises(pylinkdep.ProviderNotFound) as info:
        pylinkdep.find("exampleprv", path=[str(site)])
    message = str(info.value)
    assert f"in this build's isolated environment ({tmp_path / 'pip-build-env-x1y2'})" in message
    assert "add the distribution that provides 'exampleprv' to [build-system] requires" in message
    assert "did you mean 'exampleprov'?" in message
    assert info.value.build_env == str(tmp_path / "pip-build-env-x1y2")
    with pytest.raises(pylinkdep.ProviderNotFound) as info:  # not in an isolated build
        pylinkdep.find("unrelated", path=[str(tmp_path)])
    assert "PYLINK_PATH" in str(info.value) and "did you mean" not in str(info.value)
