"""Round trips: documents with hostile paths, defines and args, through every output
format and back through the real tool that reads it.

Each example is a batch of providers installed into one site directory whose own path
holds characters the formats interpret. For each batch: the shell flags are read back by
``sh`` (``eval``), the .pc files by pkgconf and then ``sh``, the CMake config packages by a
configure that prints each imported target's evaluated properties, meson's ``pylink``
dependencies by the compile and link commands ninja would run (``ninja -t commands``),
run paths by the linker (readelf of what gcc linked with ``rpath.linker_args``, and of
what CMake linked after ``pylink_target_rpath``), Cargo's lines as Cargo splits them,
and the run-time module by importing it. Every value read back must equal the resolved
dependency's.

``BATCHES`` x ``PER_BATCH`` documents (default 8 x 250 = 2,000 per format; set
``PYLINK_ROUNDTRIP_BATCHES`` for more).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylinkdep import rpath
from pylinkdep._resolve import Dependency, Index, Provider, unique
from pylinkdep.errors import PylinkError
from pylinkdep.outputs import cargo, flags, pkgconfig, runtime_module
from pylinkdep.outputs import cmake as emit_cmake

from .conftest import valid_doc

pytestmark = pytest.mark.integration

BATCHES = int(os.environ.get("PYLINK_ROUNDTRIP_BATCHES", "8"))
PER_BATCH = int(os.environ.get("PYLINK_ROUNDTRIP_SIZE", "250"))
BIN = Path(sys.executable).parent

# What the formats interpret: shell quoting and expansion, pkg-config's '#', '${' and
# backslash, CMake's '$<...>' and quoting, ninja's '$', make's '%', and non-ASCII ('[', ']'
# and ';' are refused: CMake lists cannot carry them).
INTERPRETED = " \"'\\#$<>{}(),:=&*?!~%@^`|+-."
ALPHABET = INTERPRETED + "aZ09_üλ€"
# A run path cannot carry ',', ':', '$' (refused); a path component cannot be '\\'; a
# library path cannot hold '|' (refused: ninja cannot name it).
IN_RUN_PATH = "".join(c for c in ALPHABET if c not in ",:$\\")
# The site directory of every other batch (on PYTHONPATH for meson: no ':').
SITE = "si te#$<ANGLE-R>'\"{a}ü"

segments = st.text(ALPHABET.replace("\\", ""), min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..") and not re.match("[A-Za-z]:", s)  # 'C:' is absolute
)
run_path_segments = st.text(IN_RUN_PATH.replace("|", ""), min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..")
)
plain = st.text("abcxyz019_.+-", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
values = st.text(ALPHABET, min_size=1, max_size=10).filter(  # what pylink.json accepts
    lambda s: not s.startswith(("SHELL:", "LINKER:")) and not s.endswith("\\")
)


@st.composite
def provider_spec(draw: st.DrawFn) -> dict[str, Any]:
    """Hostile directories and flags of one provider (made unique by its index later)."""
    return {
        "include": draw(st.lists(st.lists(segments, min_size=1, max_size=2), max_size=2)),
        "libdir": draw(st.lists(run_path_segments | plain, max_size=2)),
        "libfiles": draw(st.lists(run_path_segments | plain, min_size=1, max_size=2)),
        "defines": draw(st.lists(st.none() | values, max_size=3)),
        "compile_args": draw(st.lists(values, max_size=3)),
        "link_args": draw(st.lists(values, max_size=3)),
    }


def draw(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` examples of ``strategy``, as hypothesis generates them (derandomized
    unless ``PYLINK_ROUNDTRIP_BATCHES`` is set). They are checked in batches after it,
    one tool run per batch: a failure names the provider, without shrinking."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize="PYLINK_ROUNDTRIP_BATCHES" not in os.environ,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        found.append(example)

    collect()
    return found


@pytest.fixture(scope="module")
def batches() -> list[dict[str, Any]]:
    specs = draw(provider_spec(), BATCHES * PER_BATCH)
    consumers = draw(st.lists(run_path_segments, min_size=1, max_size=2), BATCHES)
    assert len(specs) == BATCHES * PER_BATCH  # hypothesis gave every example asked for
    return [
        {"providers": specs[i * PER_BATCH : (i + 1) * PER_BATCH], "consumer": consumers[i]}
        for i in range(BATCHES)
    ]


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    found = {name: shutil.which(name) for name in ("pkgconf", "readelf", "gcc")}
    missing = [name for name, path in found.items() if path is None]
    assert not missing, f"round trips need {missing}"
    return {name: str(path) for name, path in found.items()}


def install(site: Path, library: Path, batch: dict[str, Any]) -> list[str]:
    """Install the batch's providers into ``site``; returns their names. Each value ends
    in the provider's index and its own, so that no two are equal."""
    names = []
    for i, spec in enumerate(batch["providers"]):
        name = f"p{i}"
        pkg = site / name
        includes = [
            "/".join([*parts[:-1], f"{parts[-1]}{i}_{k}"])
            for k, parts in enumerate(spec["include"])
        ]
        libpaths = [
            "/".join([*spec["libdir"], f"{file}_{i}_{k}.so"])
            for k, file in enumerate(spec["libfiles"])
        ]
        for d in includes:
            (pkg / d).mkdir(parents=True, exist_ok=True)
        (pkg / "/".join(spec["libdir"])).mkdir(parents=True, exist_ok=True)
        for path in libpaths:
            shutil.copy(library, pkg / path)
        defines = [f"D{i}_{k}" + ("" if v is None else f"={v}") for k, v in
                   enumerate(spec["defines"])]  # fmt: skip
        doc = valid_doc(
            name,
            include_dirs=includes,
            libraries=[{"path": path, "soname": "libdemo.so.1"} for path in libpaths],
            defines=defines,
            compile_args=[f"{v}_{i}_{k}" for k, v in enumerate(spec["compile_args"])],
            link_args=[f"{v}_{i}_{k}" for k, v in enumerate(spec["link_args"])],
            cmake={"package": f"P{i}", "target": f"P{i}::P{i}"},
        )
        (pkg / "__init__.py").write_text("")
        (pkg / "pylink.json").write_text(json.dumps(doc))
        info = site / f"{name}-1.2.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.0\n")
        (info / "entry_points.txt").write_text(f"[pylink]\n{name} = {name}\n")
        names.append(name)
    return names


def sh_words(lines: list[bytes]) -> list[list[str]]:
    """Each line as ``sh`` reads it with ``eval "set -- LINE"`` (one run for all lines)."""
    script = (
        'while IFS= read -r line; do eval "set -- $line"; printf "%s\\0" "$@"; '
        'printf "\\1\\0"; done'
    )
    data = b"".join(line + b"\n" for line in lines)
    out = subprocess.run(["sh", "-c", script], input=data, capture_output=True, check=True)
    words: list[list[str]] = [[]]
    for word in out.stdout.split(b"\0")[:-1]:
        if word == b"\1":
            words.append([])
        else:
            words[-1].append(word.decode())
    return words[:-1]


def expected_flags(dep: Dependency | Provider) -> list[str]:
    """The resolved dependency, as compiler and linker arguments."""
    return [
        *(f"-I{d}" for d in dep.include_dirs),
        *(f"-D{d}" for d in dep.defines),
        *dep.compile_args,
        *(lib.path for lib in dep.libraries),
        *dep.link_args,
    ]


def runpath(binary: Path, tools: dict[str, str]) -> list[str]:
    """The RUNPATH entries of ``binary``, as readelf prints them."""
    out = subprocess.run([tools["readelf"], "-d", str(binary)], capture_output=True, check=True)
    for line in out.stdout.decode().splitlines():
        if "(RUNPATH)" in line:
            value = line.split("Library runpath: [", 1)[1]
            return value[: value.rindex("]")].split(":")
    raise AssertionError(f"{binary} has no RUNPATH")


def meson_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def check_shell_flags(deps: list[Dependency]) -> None:
    """``pylinkdep --cflags --libs`` output, read by sh."""
    lines = [flags.shell_join([*flags.cflags([d]), *flags.libs([d])]).encode() for d in deps]
    for dep, read in zip(deps, sh_words(lines), strict=True):
        assert read == expected_flags(dep)


def needs_no_escape(arg: str) -> bool:
    """Nothing in ``arg`` needs pkg-config's escaping."""
    return flags.escape(arg) == arg


def carried_by_pc(provider: Provider) -> Provider:
    """``provider`` with only plain flags, and one last so that no define ends the line:
    and its plain library paths (or its first, alone): a shape whose every include
    directory and define a .pc file carries."""
    values = {name: getattr(provider, name) for name in Provider._fields}
    for key in ("compile_args", "link_args"):
        values[key] = tuple(a for a in values[key] if needs_no_escape(a))
    values["compile_args"] += ("-w",)
    values["libraries"] = tuple(lib for lib in provider.libraries if needs_no_escape(lib.path))
    if not values["libraries"] and not values["link_args"]:  # one library alone on its line
        values["libraries"] = provider.libraries[:1]
    return Provider(**values)


def check_pkgconfig(deps: list[Dependency], work: Path, tools: dict[str, str]) -> None:
    """The .pc files, read by pkgconf; its output split as meson splits it (POSIX quoting),
    at the byte level: pkgconf 1.8 escapes each byte of a non-ASCII character on its own,
    and leaves '$', '(', ')', '^' and '~' unescaped (docs/security.md). A provider with a
    value pkgconf would print unescaped gets no file and an error naming the field; the
    rest of it is read back through a second file."""
    errors: list[PylinkError] = []
    pkgconfig.write_dir([d.provider for d in deps], str(work / "pc"), errors=errors)
    refused = {exc.distribution: exc for exc in errors}
    for exc in errors:
        assert exc.field and exc.file and "a .pc file cannot carry it" in str(exc)
    carried = [carried_by_pc(d.provider) for d in deps]
    pkgconfig.write_dir(carried, str(work / "pc-carried"))  # raises if it refuses one
    for directory, providers in (("pc", [d.provider for d in deps]), ("pc-carried", carried)):
        env = {"PKG_CONFIG_PATH": str(work / directory), "PATH": os.environ["PATH"]}
        for provider in providers:
            if directory == "pc" and provider.name in refused:
                assert not (work / "pc" / f"{provider.name}.pc").exists()
                continue
            proc = subprocess.run(
                [tools["pkgconf"], "--cflags", "--libs", provider.name],
                env=env, capture_output=True,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            words = shlex.split(proc.stdout.decode("latin-1"))
            read = [w.encode("latin-1").decode("utf-8") for w in words]
            assert read == expected_flags(provider), provider.name


CMAKE_PROPERTIES = {
    "INTERFACE_INCLUDE_DIRECTORIES": "include_dirs",
    "INTERFACE_COMPILE_DEFINITIONS": "defines",
    "INTERFACE_COMPILE_OPTIONS": "compile_args",
    "INTERFACE_LINK_OPTIONS": "link_args",
}


def check_cmake(
    deps: list[Dependency], site: Path, work: Path, subdir: str, tools: dict[str, str]
) -> None:
    """The config packages, read by a CMake configure that writes each imported target's
    evaluated properties; and pylink_target_rpath's run path, read from what CMake linked."""
    prefix, src, out = work / "cmake-prefix", work / "cmake-src", work / "cmake-out"
    generated = emit_cmake.write_prefix(str(prefix), path=[str(site)])
    assert not generated.errors
    src.mkdir()
    (src / "ext.c").write_text("int demo_answer(void);\nint f(void) { return demo_answer(); }\n")
    body = ["cmake_minimum_required(VERSION 3.15...4.4)", "project(roundtrip LANGUAGES C)"]
    for i, dep in enumerate(deps):
        target = dep.provider.cmake_target
        body.append(f"find_package({dep.provider.cmake_package} CONFIG REQUIRED)")
        for prop in CMAKE_PROPERTIES:
            body.append(
                f'file(GENERATE OUTPUT "{out}/{i}.{prop}" '
                f'CONTENT "$<JOIN:$<TARGET_PROPERTY:{target},{prop}>,\n>")'
            )
        body.append(f'file(GENERATE OUTPUT "{out}/{i}.location" CONTENT "$<TARGET_FILE:{target}>")')
        # The library alone (its flags are not for a real link), with its run path dirs.
        body.append(f"get_target_property(dirs{i} {target} INTERFACE_PYLINK_RPATH_DIRS)")
        body.append(
            f"add_library(glue{i} INTERFACE)\n"
            f'set_target_properties(glue{i} PROPERTIES INTERFACE_PYLINK_RPATH_DIRS "${{dirs{i}}}"'
            f' INTERFACE_LINK_LIBRARIES "$<TARGET_FILE:{target}>")'
        )
    glue = " ".join(f"glue{i}" for i in range(len(deps)))
    body.append(f"add_library(ext MODULE ext.c)\ntarget_link_libraries(ext PRIVATE {glue})")
    body.append(f"pylink_target_rpath(ext DESTINATION {emit_cmake.quote(subdir)})")
    (src / "CMakeLists.txt").write_text("\n".join(body) + "\n")
    build = work / "cmake-build"
    for step in (
        [str(BIN / "cmake"), "-S", str(src), "-B", str(build), "-G", "Ninja",
         f"-DCMAKE_MAKE_PROGRAM={BIN / 'ninja'}", f"-DCMAKE_PREFIX_PATH={prefix}"],
        [str(BIN / "cmake"), "--build", str(build)],
    ):  # fmt: skip
        proc = subprocess.run(step, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    for i, dep in enumerate(deps):
        for prop, field in CMAKE_PROPERTIES.items():
            text = (out / f"{i}.{prop}").read_text(encoding="utf-8")
            assert (text.split("\n") if text else []) == list(getattr(dep, field)), (dep, prop)
        location = (out / f"{i}.location").read_text(encoding="utf-8")
        assert location == dep.libraries[0].path
    expected = unique(r for dep in deps for r in dep.rpaths(subdir))
    assert runpath(next(build.glob("*ext*.so")), tools) == list(expected)


def check_meson(deps: list[Dependency], site: Path, work: Path, subdir: str) -> None:
    """``dependency(..., method: 'pylink')`` under pylinkdep-meson: the compile and link
    commands ninja would run for an extension using every provider of the batch."""
    src, build = work / "meson-src", work / "meson-build"
    src.mkdir()
    (src / "ext.c").write_text("int f(void) { return 0; }\n")
    lines = ["project('roundtrip', 'c')", "py = import('python').find_installation()", "deps = ["]
    lines += [f"  dependency('{dep.name}', method: 'pylink')," for dep in deps]
    lines += [
        "]",
        "py.extension_module('ext', 'ext.c', dependencies: deps, install: true,"
        f" subdir: {meson_string(subdir)})",
    ]
    (src / "meson.build").write_text("\n".join(lines) + "\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "MESON_RSP_THRESHOLD": str(1 << 30),  # whole commands, not response files
    }
    proc = subprocess.run(
        [str(BIN / "pylinkdep-meson"), "setup", str(build), str(src)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = subprocess.run(
        [str(BIN / "ninja"), "-C", str(build), "-t", "commands"], capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    commands = listed.stdout.splitlines()
    compile_words = {w for c in commands if " -c " in c for w in shlex.split(c)}
    link_words = {w for c in commands if " -shared" in c for w in shlex.split(c)}
    for dep in deps:
        wanted = expected_flags(dep)
        n_compile = len(dep.include_dirs) + len(dep.defines) + len(dep.compile_args)
        assert set(wanted[:n_compile]) <= compile_words, dep
        assert set(wanted[n_compile:]) <= link_words, dep
        assert set(rpath.linker_args(dep.rpaths(subdir))) <= link_words, dep


def check_linker(deps: list[Dependency], work: Path, subdir: str, tools: dict[str, str]) -> None:
    """The one run-path builder's linker arguments (setuptools, the meson hook, Cargo),
    read back from the RUNPATH gcc's linker wrote."""
    entries = list(unique(r for dep in deps for r in dep.rpaths(subdir)))
    src, linked = work / "linked.c", work / "linked.so"
    src.write_text("int g(void) { return 0; }\n")
    subprocess.run(
        [tools["gcc"], "-shared", "-fPIC", "-o", str(linked), str(src),
         *rpath.linker_args(entries)],
        check=True,
    )  # fmt: skip
    assert runpath(linked, tools) == entries


def check_cargo(deps: list[Dependency], subdir: str) -> None:
    """``pylinkdep cargo`` lines as Cargo splits them: a key up to '=', the value to the end
    of the line."""
    for dep in deps:
        lines = cargo.directives([dep], subdir)
        args = [line.split("=", 1)[1] for line in lines if line.startswith("cargo:rustc-link-arg=")]
        libs = [lib.path for lib in dep.libraries]
        assert args == [*libs, *dep.link_args, *rpath.linker_args(dep.rpaths(subdir))]


def check_runtime_module(deps: list[Dependency], site: Path) -> None:
    """The consumer's run-time module, imported: its provider table is what was resolved."""
    package = site / "rtconsumer"
    package.mkdir()
    (package / "__init__.py").write_text("")
    runtime_module.write_module(str(package / "_pylink.py"), "rtconsumer", "rtconsumer", deps)
    code = "import json, rtconsumer._pylink as m; print(json.dumps(m.PROVIDERS))"
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == runtime_module.provider_table(deps)


@pytest.mark.parametrize("number", range(BATCHES))
def test_every_format_reads_back_what_was_resolved(
    number: int, batches: list[dict[str, Any]], real_library: Path, tools: dict[str, str]
) -> None:
    batch = batches[number]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / (SITE if number % 2 else "site")  # library paths .pc files carry
        names = install(site, real_library, batch)
        index = Index([str(site)])
        deps = [index.find(name) for name in names]
        subdir = "/".join(batch["consumer"])
        check_shell_flags(deps)
        check_pkgconfig(deps, work, tools)
        check_cargo(deps, subdir)
        check_linker(deps, work, subdir, tools)
        check_runtime_module(deps, site)
        check_cmake(deps, site, work, subdir, tools)
        check_meson(deps, site, work, subdir)
