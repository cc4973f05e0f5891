"""``pylinkdep abi-diff``: real provider wheels (examples/provider-meson at 1.0.0, built
with -g, and variants whose exported struct grows or whose function is gone), compared by
libabigail's abidiff and judged against the new wheel's abi range; and the report of
real gcc-built libraries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pylinkdep.cli import main
from pylinkdep.errors import PylinkError
from pylinkdep.wheel import abidiff

from .conftest import ProviderVariants, demo

needs_abidiff = pytest.mark.skipif(
    shutil.which("abidiff") is None, reason=f"needs libabigail's abidiff: {abidiff.INSTALL}"
)

HEADER = "include/exampleprov.h"
TOTAL = "    long total; /* running sum of all values added since the last reset */\n"
GROWN = (HEADER, TOTAL, TOTAL + "    long largest; /* largest value added */\n")
SAME_RANGE = (  # the range 1.0.0 had, kept by a new version
    "meson.build",
    "abi = '>=@0@.@1@,<@2@'.format(major, minor, major.to_int() + 1)",
    "abi = '>=1.0,<2'",
)
RESET_BODY = "void exampleprov_reset(void)\n{\n    g_count = 0;\n    g_total = 0;\n}\n"
RESET_GONE = (  # the extension's reset() resets the total only
    (HEADER, "EXAMPLEPROV_API void exampleprov_reset(void);\n", ""),
    ("src/exampleprov.c", RESET_BODY, ""),
    ("exampleprov/_core.c", "exampleprov_reset();", "exampleprov_add(-exampleprov_total());"),
)

STRUCT = (
    "exampleprov 1.0.0 -> 1.1.0: libexampleprov.so.1: 'struct exampleprov_stats' changed: "
    "type size changed from 128 to 192 (in bits); 1 data member insertion: 'long int "
    "largest', at offset 128 (in bits); one impacted interface: function void "
    "exampleprov_get_stats(exampleprov_stats*)"
)
REMOVED = (
    "exampleprov 1.0.0 -> 1.1.0: libexampleprov.so.1: 'function void exampleprov_reset()' "
    "{exampleprov_reset} was removed"
)
FIX = (
    "exampleprov 1.0.0 -> 1.1.0: abi '>=1.0,<2' admits 1.0.0, so consumers built against it "
    "may run with 1.1.0 and meet these changes: raise the abi range's lower bound, e.g. to "
    "'>=1.1.0,<2'"
)


def abi_diff(capsys: pytest.CaptureFixture[str], *wheels: Path) -> tuple[int, list[str], str]:
    """``pylinkdep abi-diff OLD NEW``: exit status, stdout lines, stderr."""
    status = main(["abi-diff", *map(str, wheels)])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


@pytest.fixture(scope="module")
def old(provider_variants: ProviderVariants) -> Path:
    return provider_variants.wheel("1.0.0", debug=True)


@needs_abidiff
def test_changes_inside_the_abi_range_are_errors(
    provider_variants: ProviderVariants, old: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1.1.0 grows the struct exampleprov_get_stats() fills and drops exampleprov_reset(),
    but its abi still admits 1.0.0: each change is named, and the fix is the range."""
    new = provider_variants.wheel("1.1.0", GROWN, SAME_RANGE, *RESET_GONE, debug=True)
    status, lines, err = abi_diff(capsys, old, new)
    assert (status, sorted(lines), err) == (1, sorted([STRUCT, REMOVED, FIX]), "")
    assert lines[-1] == FIX


@needs_abidiff
def test_changes_outside_the_abi_range_are_information(
    provider_variants: ProviderVariants, old: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same growth with abi '>=1.1,<2' (the example's rule): consumers built against
    1.0.0 refuse 1.1.0 at import, so the change is reported and the command succeeds."""
    new = provider_variants.wheel("1.1.0", GROWN, debug=True)
    status, lines, err = abi_diff(capsys, old, new)
    judgement = (
        "exampleprov 1.0.0 -> 1.1.0: abi '>=1.1,<2' excludes 1.0.0: consumers built against "
        "it refuse this version, so these changes are information"
    )
    assert (status, lines, err) == (0, [STRUCT, judgement], "")


@needs_abidiff
def test_unchanged_rebuild_reports_no_change(
    provider_variants: ProviderVariants, old: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = provider_variants.wheel("1.0.1", debug=True)
    status, lines, err = abi_diff(capsys, old, new)
    assert (status, lines, err) == (
        0,
        ["exampleprov 1.0.0 -> 1.0.1: no change that breaks consumers"],
        "",
    )


@needs_abidiff
def test_without_debug_info_only_symbols_count(
    provider_variants: ProviderVariants, old: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1.1.0 built without -g (meson-python's release default): the removed function is
    still found (named from 1.0.0's debug info), the grown struct is not, and the
    command says why."""
    new = provider_variants.wheel("1.1.0", GROWN, SAME_RANGE, *RESET_GONE)
    status, lines, err = abi_diff(capsys, old, new)
    assert (status, lines) == (1, [REMOVED, FIX])
    assert err == (
        f"pylinkdep: warning: {new.name}: libexampleprov.so.1 carries no DWARF debug info "
        "(built without -g): abi-diff compares its exported symbols only, not type layouts "
        "or function signatures\n"
    )


def test_missing_abidiff_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    status, lines, err = abi_diff(capsys, tmp_path / "a.whl", tmp_path / "b.whl")
    assert (status, lines) == (1, [])
    assert err == (
        "pylinkdep: error: abi-diff needs libabigail's abidiff, which is not on PATH: "
        "apt-get install abigail-tools (Fedora: dnf install libabigail)\n"
    )


PUBLIC = """
struct shape { int width; };
__attribute__((visibility("default"))) extern long level;
__attribute__((visibility("default"))) extern long spare;
__attribute__((visibility("default"))) int area(struct shape *s);
__attribute__((visibility("default"))) long scale(long n);
"""
SOURCE = """
#include "shape.h"
struct cache { long hits; };  /* private: in no public header */
long level = 1;
long spare = 2;
static struct cache cache;
int area(struct shape *s) { return s->width; }
long scale(long n) { return n * 2; }
__attribute__((visibility("default"))) long touch(struct cache *c) { return c->hits; }
"""
CHANGED = {
    "long level": "int level",  # a variable's type
    '__attribute__((visibility("default"))) extern long spare;\n': "",  # a variable removed
    "long spare = 2;\n": "",
    "long scale(long n)": "long scale(long n, long by)",  # a signature
    "return n * 2;": "return n * by;",
    "struct cache { long hits; };": "struct cache { long hits; long misses; };",  # private
}


def build_library(src: Path, header: str, source: str) -> tuple[str, tuple[str]]:
    """libshape.so.1 built with gcc -g in ``src``: its path and its include directory."""
    (src / "include").mkdir(parents=True)
    (src / "include" / "shape.h").write_text(header)
    (src / "shape.c").write_text(source)
    library = src / "libshape.so.1"
    demo.sh(["gcc", "-g", "-shared", "-fPIC", "-fvisibility=hidden", f"-I{src}/include",
             "-Wl,-soname,libshape.so.1", "-o", str(library), f"{src}/shape.c"])  # fmt: skip
    return str(library), (str(src / "include"),)


@needs_abidiff
def test_report_names_each_change(tmp_path: Path) -> None:
    """Between two gcc -g builds of a small library: a variable's type, a removed
    variable and a changed signature, one line each; the private struct, defined in no
    header of the headers directories given, does not count. A suppression file silences
    a change; abidiff's own error is one PylinkError."""
    header, source = PUBLIC, SOURCE
    for text, replacement in CHANGED.items():
        assert text in header + source
        header, source = header.replace(text, replacement), source.replace(text, replacement)
    old, old_include = build_library(tmp_path / "1", PUBLIC, SOURCE)
    new, new_include = build_library(tmp_path / "2", header, source)
    tool = abidiff.abidiff()
    assert sorted(abidiff.compare_libraries(tool, old, new, old_include, new_include)) == [
        "'function long int scale(long int)' has some sub-type changes: parameter 2 of type "
        "'long int' was added",
        "'long int level' was changed to 'int level': size of symbol changed from 8 to 4; "
        "type of variable changed: type name changed from 'long int' to 'int'; type size "
        "changed from 64 to 32 (in bits)",
        "'long int spare' {spare} was removed",
    ]
    everything = abidiff.compare_libraries(tool, old, new)
    assert [line for line in everything if "struct cache" in line] == [
        "'struct cache' changed: type size changed from 64 to 128 (in bits); 1 data member "
        "insertion: 'long int misses', at offset 64 (in bits); one impacted interface: "
        "function long int touch(cache*)"
    ]
    reviewed = tmp_path / "reviewed.abignore"
    reviewed.write_text("[suppress_type]\n  name = cache\n")
    suppressed = abidiff.compare_libraries(tool, old, new, suppressions=(str(reviewed),))
    assert sorted(suppressed) == sorted(line for line in everything if "struct cache" not in line)
    with pytest.raises(PylinkError, match=r"^abidiff failed \(exit status 3\): .*missing"):
        abidiff.compare_libraries(tool, old, new, suppressions=(str(tmp_path / "missing"),))


@pytest.mark.parametrize(
    ("abi", "fix"),
    [(">=1.0,<2", ">=1.1.0,<2"), ("~=1.0", ">=1.1.0,~=1.0"), (">=1.0,<=1.9", ">=1.1.0,<=1.9"),
     (">=1.0", ">=1.1.0")],
)  # fmt: skip
def test_fix_raises_the_lower_bound(abi: str, fix: str) -> None:
    verdict = abidiff.Verdict(
        name="p", old_version="1.0.0", new_version="1.1.0", abi=abi, changes=(),
        without_debug_info=(),
    )  # fmt: skip
    assert (verdict.admits_old, verdict.fix()) == (True, fix)
