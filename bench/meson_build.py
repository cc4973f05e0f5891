"""Benchmark: setup + build time of examples/consumer-meson with ``method: 'pylink'``
(through pylinkdep-meson) against the same project with a hand-written
``declare_dependency`` (stock meson), as a ratio of medians over interleaved runs. Both
install the same files: the baseline installs ``_pylink.py`` modules written once before
the timed runs, where pylinkdep-meson writes them at each setup.

    .venv/bin/python bench/meson_build.py [--quick]

It builds wheels of pylinkdep and the example provider, installs them with meson and
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

PYLINK_LINE = "exampleprov = dependency('exampleprov', method: 'pylink', version: '>=1.2')"


def _baseline(source: Path, python: Path) -> None:
    """The consumer with the dependency written by hand from ``pylinkdep --cflags --libs``
    and its run-time modules written once, installed as sources."""
    flags = demo.sh([str(python.parent / "pylinkdep"), "--cflags", "--libs", "exampleprov"])
    args = flags.split()
    compile_args = [a for a in args if a.startswith(("-I", "-D"))]
    link_args = [a for a in args if a not in compile_args]
    build = (source / "meson.build").read_text()
    assert PYLINK_LINE in build, "examples/consumer-meson/meson.build changed: update the bench"
    hand = (
        f"exampleprov = declare_dependency(compile_args: {compile_args!r}, "
        f"link_args: {link_args!r})"
    )
    (source / "meson.build").write_text(build.replace(PYLINK_LINE, hand))
    for package in sorted(source.glob("consumer_meson/**/__init__.py")):
        subdir = package.parent.relative_to(source).as_posix()
        demo.sh([str(python), "-m", "pylinkdep", "runtime-module", "-o",
                 str(package.parent / "_pylink.py"), "--consumer", "consumer-meson",
                 "--subdir", subdir, "exampleprov"])  # fmt: skip
        rules = package.parent / "meson.build"
        sources = f"py.install_sources('__init__.py', subdir: '{subdir}')"
        assert sources in rules.read_text(), f"{rules} changed: update the bench"
        rules.write_text(rules.read_text().replace("'__init__.py'", "'__init__.py', '_pylink.py'"))


def main(quick: bool, python: Path | None = None) -> dict[str, Any]:
    """Run the benchmark; returns medians (seconds), the ratio and what was measured."""
    rounds = ROUNDS[quick]
    with tempfile.TemporaryDirectory(prefix="bench-meson-") as tmp:
        work = Path(tmp)
        python = python.absolute() if python else environment(work, "meson", "ninja")
        bindir = python.parent
        sources = {"pylink": work / "src-pylink", "declare_dependency": work / "src-declare"}
        for source in sources.values():
            shutil.copytree(demo.EXAMPLES / "consumer-meson", source)
        _baseline(sources["declare_dependency"], python)
        meson = {
            "pylink": [str(bindir / "pylinkdep-meson")],
            "declare_dependency": [str(bindir / "meson")],
        }

        def steps(name: str) -> Steps:
            return lambda build: [
                [*meson[name], "setup", str(build), str(sources[name])],
                [str(bindir / "ninja"), "-C", str(build)],
            ]

        medians = interleaved({name: steps(name) for name in sources}, work, python, rounds)
        version = demo.sh([*meson["declare_dependency"], "--version"]).strip()
    return {
        "benchmark": "meson setup + build of examples/consumer-meson",
        "meson": version,
        "rounds": rounds,
        "pylink_s": round(medians["pylink"], 4),
        "declare_dependency_s": round(medians["declare_dependency"], 4),
        "ratio": round(medians["pylink"] / medians["declare_dependency"], 3),
        "goal": "<= 1.05",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{ROUNDS[True]} rounds instead of {ROUNDS[False]}"
    )
    parser.add_argument(
        "--python", type=Path, help="a python with pylinkdep, exampleprov, meson and ninja"
    )
    opts = parser.parse_args()
    print(json.dumps(main(opts.quick, opts.python), indent=2))
