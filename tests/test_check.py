"""``pylinkdep check`` on real example wheels, rewritten to break one rule each: every
fault is reported with a reason naming the file and what is wrong; the CLI's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pylinkdep.outputs import export_header
from pylinkdep.wheel.check import check_wheel
from pylinkdep.wheel.headers import declared_functions

from .conftest import Wheelhouse, demo

Members = dict[str, bytes]

TALLY_JSON = "tallyprov/pylink.json"
TALLY_LIB = "tallyprov/libtallyprov.so.2"
TALLY_EP = "tallyprov-2.1.0.dist-info/entry_points.txt"


def read_members(wheel: Path) -> Members:
    with zipfile.ZipFile(wheel) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_wheel(path: Path, members: Members) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def edit_json(members: Members, name: str, **changes: object) -> None:
    doc = json.loads(members[name])
    doc.update(changes)
    members[name] = json.dumps(doc).encode()


@pytest.fixture(scope="module")
def tally_members(example_wheels: dict[str, Path]) -> Members:
    """The members of the real tallyprov wheel (scikit-build-core)."""
    return read_members(example_wheels["provider-cmake"])


@pytest.fixture(scope="module")
def hidden_api_library(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """libtallyprov.so.2 from the example's source with a version script that hides
    tallyprov_size: a library whose build forgot to export one API function."""
    out = tmp_path_factory.mktemp("hidden")
    src = demo.EXAMPLES / "provider-cmake"
    exported = ["tallyprov_bump", "tallyprov_get", "tallyprov_entry_at", "tallyprov_clear"]
    (out / "api.map").write_text(
        f"{{ global: {'; '.join(exported)}; tallyprov_version; local: *; }};\n"
    )
    export_header.write("tallyprov", str(out / "tallyprov_export.h"))
    lib = out / "libtallyprov.so.2"
    demo.sh(
        ["gcc", "-shared", "-fPIC", "-fvisibility=hidden", "-DTALLYPROV_BUILDING",
         f"-I{src / 'include'}", f"-I{out}", "-Wl,-soname,libtallyprov.so.2",
         f"-Wl,--version-script={out / 'api.map'}", "-o", str(lib), str(src / "src/tallyprov.c")]
    )  # fmt: skip
    return lib.read_bytes()


def _missing_library(m: Members) -> None:
    del m[TALLY_LIB]


def _soname_mismatch(m: Members) -> None:
    # The library renamed to the next ABI version, metadata updated, file not rebuilt.
    m["tallyprov/libtallyprov.so.3"] = m.pop(TALLY_LIB)
    lib = {"path": "libtallyprov.so.3", "soname": "libtallyprov.so.3", "kind": "shared"}
    edit_json(m, TALLY_JSON, libraries=[lib])


def _include_escapes(m: Members) -> None:
    edit_json(m, TALLY_JSON, include_dirs=["../include", "../../usr/include"])


def _library_escapes(m: Members) -> None:
    lib = {"path": "../../libtallyprov.so.2", "soname": "libtallyprov.so.2", "kind": "shared"}
    edit_json(m, TALLY_JSON, libraries=[lib])


def _entry_point_missing(m: Members) -> None:
    m[TALLY_EP] = b"[console_scripts]\ntally = tallyprov:main\n"


def _entry_point_wrong_package(m: Members) -> None:
    m[TALLY_EP] = b"[pylink]\ntallyprov = tallyprov.native\n"


def _entry_point_not_a_package(m: Members) -> None:
    m[TALLY_EP] = b"[pylink]\ntallyprov = tallyprov:meta\n"


def _name_differs(m: Members) -> None:
    m[TALLY_EP] = b"[pylink]\ntally = tallyprov\n"


def _invalid_json(m: Members) -> None:
    edit_json(m, TALLY_JSON, abi=">=3")


def _stale_version(m: Members) -> None:
    edit_json(m, TALLY_JSON, version="2.0.9", abi=">=2.0,<3")


def _fake_extension(m: Members) -> None:
    lib = {"path": "libtallyprov.so.2", "soname": "libtallyprov.so.2", "kind": "extension"}
    edit_json(m, TALLY_JSON, libraries=[lib])


def _header_without_export(m: Members) -> None:
    m["tallyprov/include/extra.h"] = b"/* new API */\nint tallyprov_merge(const char *a);\n"


# Each breaker with the problems it must cause, in order (`` … `` separates the parts
# of one problem that surround the wheel's temporary path).
BROKEN: list[tuple[Callable[[Members], None], list[str]]] = [
    (_missing_library, ["libraries[0] 'libtallyprov.so.2': library missing from the wheel"]),
    (
        _soname_mismatch,
        [
            "libraries[0]: SONAME of tallyprov/libtallyprov.so.3 is 'libtallyprov.so.2', "
            "pylink.json says 'libtallyprov.so.3'"
        ],
    ),
    (
        _include_escapes,
        [
            "include_dirs[0] '../include' leaves the package tallyprov/",
            "include_dirs[1] '../../usr/include' leaves the package tallyprov/",
        ],
    ),
    (_library_escapes, ["libraries[0] '../../libtallyprov.so.2' leaves the package tallyprov/"]),
    (
        _entry_point_missing,
        ["tallyprov/pylink.json: no [pylink] entry point names its package; add"],
    ),
    (
        _entry_point_wrong_package,
        [
            "entry point pylink.tallyprov names package 'tallyprov.native', "
            "but tallyprov/native/pylink.json is not in the wheel",
            "tallyprov/pylink.json: no [pylink] entry point names its package",
        ],
    ),
    (
        _entry_point_not_a_package,
        [
            "entry point pylink.tallyprov = 'tallyprov:meta' must name a package",
            "tallyprov/pylink.json: no [pylink] entry point names its package",
        ],
    ),
    (_name_differs, ["name 'tallyprov' differs from the entry point name 'tally'"]),
    (
        _invalid_json,
        [
            "version 2.1.0 is not inside the ABI range '>=3' (distribution 'tallyprov', file "
            " … tallyprov-2.1.0-cp311-cp311-linux_x86_64.whl!tallyprov/pylink.json, field 'abi')"
        ],
    ),
    (_stale_version, ["version 2.0.9 differs from the wheel's version 2.1.0"]),
    (
        _fake_extension,
        [
            "libraries[0] 'libtallyprov.so.2' is of kind 'extension' but exports no PyInit_",
            "is a Python extension, but python_abi is null",
        ],
    ),
    (
        _header_without_export,
        ["tallyprov_merge() is declared in tallyprov/include/extra.h but not exported"],
    ),
]


@pytest.mark.parametrize(("breaker", "reasons"), BROKEN, ids=[b.__name__[1:] for b, _ in BROKEN])
def test_broken_wheel_fails_with_reason(
    breaker: Callable[[Members], None],
    reasons: list[str],
    tally_members: Members,
    example_wheels: dict[str, Path],
    tmp_path: Path,
) -> None:
    members = dict(tally_members)
    breaker(members)
    wheel = write_wheel(tmp_path / example_wheels["provider-cmake"].name, members)
    problems = check_wheel(str(wheel))
    assert problems, "the broken wheel passed"
    assert len(problems) == len(reasons), problems
    for problem, reason in zip(problems, reasons, strict=True):
        assert all(part in problem for part in reason.split(" … ")), problem


def test_hidden_api_symbol(
    tally_members: Members, hidden_api_library: bytes, tmp_path: Path
) -> None:
    wheel = write_wheel(tmp_path / "tallyprov-2.1.0-cp311-cp311-linux_x86_64.whl", tally_members)
    assert check_wheel(str(wheel)) == []  # the rewritten wheel itself passes
    members = {**tally_members, TALLY_LIB: hidden_api_library}
    broken = write_wheel(tmp_path / "broken" / wheel.name, members)
    assert check_wheel(str(broken)) == [
        "tallyprov/pylink.json: tallyprov_size() is declared in tallyprov/include/tallyprov.h "
        "but not exported by the provider's libraries (hidden visibility?)"
    ]


def test_extension_provider_without_python_abi(
    example_wheels: dict[str, Path], tmp_path: Path
) -> None:
    members = read_members(example_wheels["provider-extmodule"])
    edit_json(members, "extmodprov/pylink.json", python_abi=None)
    wheel = write_wheel(tmp_path / example_wheels["provider-extmodule"].name, members)
    (problem,) = check_wheel(str(wheel))
    assert "'libextmodprov.so.1' is a Python extension, but python_abi is null" in problem


def test_extension_provider_for_another_python(
    example_wheels: dict[str, Path], tmp_path: Path
) -> None:
    members = read_members(example_wheels["provider-extmodule"])
    edit_json(members, "extmodprov/pylink.json", python_abi="cp39")
    wheel = write_wheel(tmp_path / example_wheels["provider-extmodule"].name, members)
    (problem,) = check_wheel(str(wheel))
    tag = sys.implementation.cache_tag.replace("cpython-", "cp")
    assert problem == (
        f"extmodprov/pylink.json: python_abi 'cp39' does not match the wheel's ABI tag {tag}"
    )


def test_consumer_wheel_vendoring_a_provider_and_absolute_run_path(
    examples_python: Path, tally_members: Members, tmp_path: Path
) -> None:
    """What auditwheel repair without --exclude makes: the provider's library copied
    (renamed) into the consumer wheel; plus a run path of the build machine."""
    src = tmp_path / "ext.c"
    src.write_text("int consumer_answer(void) { return 42; }\n")
    ext = tmp_path / "_ext.so"
    demo.sh(
        ["gcc", "-shared", "-fPIC", "-o", str(ext), str(src),
         "-Wl,-rpath,$ORIGIN/../tallyprov:/home/builder/site-packages/tallyprov"]
    )  # fmt: skip
    dist_info = "consumer-1.0.dist-info"
    members = {
        "consumer/__init__.py": b"",
        "consumer/_ext.cpython-311-x86_64-linux-gnu.so": ext.read_bytes(),
        "consumer.libs/libtallyprov-1a2b3c4d.so.2": tally_members[TALLY_LIB],
        f"{dist_info}/METADATA": b"Metadata-Version: 2.1\nName: consumer\nVersion: 1.0\n",
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\n",
        f"{dist_info}/RECORD": b"",
    }
    wheel = write_wheel(tmp_path / "consumer-1.0-cp311-cp311-linux_x86_64.whl", members)
    proc = subprocess.run(
        [str(examples_python.parent / "pylinkdep"), "check", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{wheel}: FAILED",
        "  - consumer.libs/libtallyprov-1a2b3c4d.so.2: vendors libtallyprov.so.2 of pylink "
        "provider 'tallyprov': a second copy with its own state, which the consumer loads "
        "instead of the provider's; repair with auditwheel --exclude libtallyprov.so.2 "
        "(pylinkdep repair-args prints the options for all its providers)",
        "  - consumer/_ext.cpython-311-x86_64-linux-gnu.so: run path entry "
        "'/home/builder/site-packages/tallyprov' is not $ORIGIN-relative",
    ]


def test_consumer_wheel_without_its_run_time_module(
    wheelhouse: Wheelhouse, examples_python: Path, tmp_path: Path
) -> None:
    """The real consumer-meson wheel (one extension and one _pylink.py per package depth)
    passes, and still passes with the nested packages' modules taken out (the parent
    package's runs first); without a package's own module nor a parent's, each extension
    left unchecked is named with the provider it loads, and the wheel fails."""
    built = wheelhouse.wheel("consumer-meson")
    pylinkdep = str(examples_python.parent / "pylinkdep")
    members = read_members(built)
    extensions = sorted(n for n in members if n.endswith(".so"))
    packages = [n.rsplit("/", 1)[0] for n in extensions]
    assert packages == ["consumer_meson", "consumer_meson/sub", "consumer_meson/sub/deep"]
    modules = [f"{p}/_pylink.py" for p in packages]
    assert set(modules) <= set(members)

    def check(name: str, dropped: list[str]) -> tuple[int, list[str]]:
        kept = {n: data for n, data in members.items() if n not in dropped}
        wheel = write_wheel(tmp_path / name / built.name, kept)
        proc = subprocess.run([pylinkdep, "check", str(wheel)], capture_output=True, text=True)
        return proc.returncode, [line[4:] for line in proc.stdout.splitlines()[1:]]

    def unchecked(ext: str) -> str:
        return (
            f"{ext}: loads libexampleprov.so.1 of pylink provider 'exampleprov', but no "
            f"{ext.rsplit('/', 1)[0]}/_pylink.py (nor one of a parent package) records it, so "
            "nothing checks the provider at import: generate the run-time module there and "
            "import it in the package's __init__.py (docs/runtime.md)"
        )

    assert check("built", []) == (0, [])
    assert check("nested", modules[1:]) == (0, [])
    assert check("top", modules[:1]) == (1, [unchecked(extensions[0])])
    assert check("all", modules) == (1, [unchecked(ext) for ext in extensions])


def check_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pylinkdep", "check", *args], capture_output=True, text=True
    )


def test_cli_exit_codes(
    example_wheels: dict[str, Path], tally_members: Members, tmp_path: Path
) -> None:
    good = str(example_wheels["provider-cmake"])
    ok = check_cli(good)
    assert (ok.returncode, ok.stdout) == (0, f"{good}: OK\n")

    members = dict(tally_members)
    _missing_library(members)
    bad = str(write_wheel(tmp_path / "tallyprov-2.1.0-cp311-cp311-linux_x86_64.whl", members))
    failed = check_cli(good, bad)
    assert failed.returncode == 1
    assert failed.stdout.splitlines() == [
        f"{good}: OK",
        f"{bad}: FAILED",
        "  - tallyprov/pylink.json: libraries[0] 'libtallyprov.so.2': library missing from "
        "the wheel",
    ]

    not_a_wheel = tmp_path / "x.whl"
    not_a_wheel.write_text("not a zip")
    missing = check_cli(str(not_a_wheel), str(tmp_path / "absent.whl"))
    assert missing.returncode == 1
    assert "x.whl: FAILED\n  - cannot read the wheel: File is not a zip file" in missing.stdout
    assert "absent.whl: FAILED\n  - cannot read the wheel: [Errno 2]" in missing.stdout

    usage = check_cli()
    assert usage.returncode == 2 and "usage: pylinkdep check" in usage.stderr


def test_declared_functions() -> None:
    header = """
    #define API __attribute__((visibility("default")))
    typedef struct { int (*cb)(int); long n; } thing;   /* members are not functions */
    typedef int (*callback)(int);
    static inline int helper(int x) { return x + 1; }
    // int commented_out(void);
    extern "C" {
    API int first(void);
    const char *second(const thing *t,
                       int (*visit)(int));
    }
    """
    assert declared_functions(header) == ["first", "second"]
