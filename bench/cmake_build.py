"""Benchmark: configure + build time of a CMake consumer extension through
``find_package(pylinkdep)`` and ``find_package(ExampleProv)`` against the same project
with a hand-written imported target, as a ratio of medians over interleaved runs.

    .venv/bin/python bench/cmake_build.py [--quick]

It builds wheels of pylinkdep and the example provider, installs them with cmake and
ninja into a fresh virtual environment (or uses ``--python`` that has them all), then
alternates the two variants in fresh build directories. Goal: ratio <= 1.05.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from build_timing import ROUNDS, Steps, demo, environment, interleaved

SOURCE = demo.EXAMPLES / "consumer-cmake" / "src" / "consumer_cmake" / "_ext.c"

HEAD = """\
cmake_minimum_required(VERSION 3.15...4.4)
project(bench_consumer LANGUAGES C)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
"""

PYLINK = """\
find_package(pylinkdep REQUIRED)
find_package(ExampleProv 1.2 CONFIG REQUIRED)
python_add_library(_ext MODULE _ext.c WITH_SOABI)
target_link_libraries(_ext PRIVATE ExampleProv::ExampleProv)
pylink_target_rpath(_ext DESTINATION consumer_cmake)
"""

HAND = """\
add_library(ExampleProv::ExampleProv SHARED IMPORTED)
set_target_properties(ExampleProv::ExampleProv PROPERTIES
  IMPORTED_LOCATION "{library}"
  IMPORTED_SONAME "{soname}"
  INTERFACE_INCLUDE_DIRECTORIES "{include}"
  INTERFACE_COMPILE_DEFINITIONS "{defines}")
python_add_library(_ext MODULE _ext.c WITH_SOABI)
target_link_libraries(_ext PRIVATE ExampleProv::ExampleProv)
set_target_properties(_ext PROPERTIES
  INSTALL_RPATH "{rpath}" BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH_USE_LINK_PATH OFF)
"""


def _hand_written(python: Path) -> str:
    """The imported target written by hand from what ``pylinkdep show`` resolves."""
    show = demo.sh(
        [str(python.parent / "pylinkdep"), "show", "exampleprov", "--json",
         "--rpath-from", "consumer_cmake"]
    )  # fmt: skip
    dep = json.loads(show)
    (library,) = dep["libraries"]
    return HAND.format(
        library=library["path"],
        soname=library["soname"],
        include=";".join(dep["include_dirs"]),
        defines=";".join(dep["defines"]),
        rpath=";".join(dep["rpath"]).replace("$", "\\$"),
    )


def main(quick: bool, python: Path | None = None) -> dict[str, Any]:
    """Run the benchmark; returns medians (seconds), the ratio and what was measured."""
    rounds = ROUNDS[quick]
    with tempfile.TemporaryDirectory(prefix="bench-cmake-") as tmp:
        work = Path(tmp)
        python = python.absolute() if python else environment(work, "cmake", "ninja")
        bindir = python.parent
        cmake = str(bindir / "cmake")
        bodies = {"find_package": PYLINK, "imported_target": _hand_written(python)}
        sources = {name: work / f"src-{name}" for name in bodies}
        for name, source in sources.items():
            source.mkdir()
            shutil.copy(SOURCE, source / "_ext.c")
            (source / "CMakeLists.txt").write_text(HEAD + bodies[name])
        cmake_dir = demo.sh([str(bindir / "pylinkdep"), "--cmake-dir"]).strip()

        def steps(name: str) -> Steps:
            return lambda build: [
                [cmake, "-S", str(sources[name]), "-B", str(build), "-G", "Ninja",
                 f"-DPython_EXECUTABLE={python}", f"-Dpylinkdep_DIR={cmake_dir}"],
                [cmake, "--build", str(build)],
            ]  # fmt: skip

        medians = interleaved({name: steps(name) for name in sources}, work, python, rounds)
        version = demo.sh([cmake, "--version"]).split()[2]
    return {
        "benchmark": "CMake configure + build of a consumer extension (consumer-cmake's _ext.c)",
        "cmake": version,
        "rounds": rounds,
        "find_package_s": round(medians["find_package"], 4),
        "imported_target_s": round(medians["imported_target"], 4),
        "ratio": round(medians["find_package"] / medians["imported_target"], 3),
        "goal": "<= 1.05",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{ROUNDS[True]} rounds instead of {ROUNDS[False]}"
    )
    parser.add_argument(
        "--python", type=Path, help="a python with pylinkdep, exampleprov, cmake and ninja"
    )
    opts = parser.parse_args()
    print(json.dumps(main(opts.quick, opts.python), indent=2))
