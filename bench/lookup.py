"""(1) Lookup: whole-process time of ``pylinkdep --cflags --libs`` against the anchors, and
in-process ``pylinkdep.find()`` against ``importlib.metadata.entry_points()`` as the
number of installed distributions grows."""

from __future__ import annotations

import ast
import subprocess
from typing import Any

from environment import Env
from timing import Command, check, clean_env, instructions, interleaved, median, quartiles

QUERY = ["--cflags", "--libs", "exampleprov"]
BASELINE = "python -c pass"
UV_BASELINE = "python -c pass (venv made by uv)"
# The row the lookup goal is read from (bench/report.py); the others are for comparison.
CLI = "pylinkdep --cflags --libs"
RAW = "pylinkdep without a console-script wrapper"
OLD_PIP = "pylinkdep installed by pip < 25.2"
UV = "pylinkdep installed by uv"
PKG_CONFIG = "pkg-config --cflags --libs (static .pc)"
PYBIND11 = "pybind11-config --includes"  # the lookup's budget is its figure
NO_WRAPPER = "import sys; from pylinkdep.cli import main; sys.exit(main())"


def cli(env: Env, n: int, rounds: int) -> dict[str, Any]:
    """Interleaved whole-process runs with ``n`` extra distributions on the path. Every
    lookup scans them all: pylinkdep keeps no cache between processes."""
    py = str(env.python)
    base = clean_env(PYTHONPATH=str(env.sites[n]))
    commands = [
        Command(BASELINE, [py, "-c", "pass"], base),
        Command("python -c 'import re' (what pip < 25.2's console-script wrapper imports)",
                [py, "-c", "import re"], base),
        Command("python -c 'import json' (what pylinkdep's lookup imports, re with it)",
                [py, "-c", "import json"], base),
        Command(CLI, [str(env.bin("pylinkdep")), *QUERY], base),
        Command(RAW, [py, "-c", NO_WRAPPER, *QUERY], base),
    ]  # fmt: skip
    if env.old_pip_version:
        commands.append(Command(OLD_PIP, [str(env.bin("pylinkdep-old-pip")), *QUERY], base))
    commands.append(Command(PKG_CONFIG, ["pkg-config", *QUERY],
                            {**base, "PKG_CONFIG_PATH": str(env.pc_dir)}))  # fmt: skip
    against = {}
    if env.uv_python:
        uv_rows = [
            Command(UV_BASELINE, [str(env.uv_python), "-c", "pass"], base),
            Command(UV, [str(env.uv_python.parent / "pylinkdep"), *QUERY], base),
        ]
        commands += uv_rows
        against = {c.label: UV_BASELINE for c in uv_rows}
    if env.anchors.get("numpy"):
        commands.append(
            Command("numpy-config --cflags", [str(env.bin("numpy-config")), "--cflags"], base)
        )
    if env.anchors.get("pybind11"):
        commands.append(Command(PYBIND11, [str(env.bin("pybind11-config")), "--includes"], base))
    if env.anchors.get("pkgconf"):
        commands.append(Command("python -m pkgconf --cflags --libs (pkg_config entry points)",
                                [py, "-m", "pkgconf", *QUERY], base))  # fmt: skip
    outputs = {c.label: check(c) for c in commands}
    flags = outputs[CLI].split()
    assert flags == outputs[PKG_CONFIG].split(), outputs
    assert any(f.endswith("libexampleprov.so.1") for f in flags), flags
    for label in (RAW, OLD_PIP):
        assert outputs.get(label, outputs[CLI]) == outputs[CLI], outputs
    if env.uv_python:
        uv_flags = outputs[UV].split()
        assert uv_flags[-1].endswith("libexampleprov.so.1"), uv_flags
        assert "import re" not in (env.uv_python.parent / "pylinkdep").read_text()
    times = interleaved(commands, rounds)
    # Instructions too, for pylinkdep and its baselines (one fixed hash seed for all).
    counted = {BASELINE, UV_BASELINE, CLI, RAW, UV, OLD_PIP}
    counts = {
        c.label: instructions(c.argv, {**c.env, "PYTHONHASHSEED": "0"})
        for c in commands
        if c.label in counted
    }
    versions = {"pip": env.pip_version, "old_pip": env.old_pip_version}
    summary = _summary(times, BASELINE, against, counts)
    return summary | versions | {"distributions": n, "rounds": rounds}


# Imports nothing before the clock starts (json, which the lookup imports, would be paid
# for before it), prints a Python literal.
PROBE = r"""
import sys, time
t0 = time.perf_counter()
if sys.argv[1] == "find":
    from pylinkdep import find  # import pylinkdep alone imports nothing yet (PEP 562)
    t1 = time.perf_counter()
    found = find("exampleprov").name
else:
    import importlib.metadata as md
    t1 = time.perf_counter()
    found = [ep.name for ep in md.entry_points(group="pylink")]
t2 = time.perf_counter()
print(repr({"import": t1 - t0, "call": t2 - t1, "found": found}))
"""
FIND = "find()"
EP = "entry_points(group='pylink')"
PARTS = ("import", "call")


def in_process(env: Env, sizes: list[int], rounds: int) -> dict[str, Any]:
    """Fresh processes, interleaved: the import and the first call of each API. (A second
    call in the same process scans again: pylinkdep keeps no cache.)"""
    results: dict[str, Any] = {}
    for n in sizes:
        penv = clean_env(PYTHONPATH=str(env.sites[n]))
        variants = {FIND: ["find"], EP: ["entry_points"]}
        samples: dict[str, list[dict[str, Any]]] = {k: [] for k in variants}
        for _ in range(rounds):
            for label, args in variants.items():
                samples[label].append(_probe(env, args, penv))
        for runs in samples.values():
            assert runs[0]["found"] in ("exampleprov", ["exampleprov"]), runs[0]
        results[str(n)] = {
            label: {part: median([r[part] for r in runs]) for part in PARTS}
            for label, runs in samples.items()
        }
    return {"rounds": rounds, "by_distributions": results}


def _probe(env: Env, args: list[str], penv: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [str(env.python), "-c", PROBE, *args], env=penv, capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = ast.literal_eval(out)
    return result


def _summary(
    times: dict[str, list[float]],
    baseline: str,
    against: dict[str, str],
    counts: dict[str, int | None],
) -> dict[str, Any]:
    """Medians, quartiles and ratios: against ``baseline``, or ``against[label]``; and
    instructions with their ratio where ``counts`` has them."""
    rows = []
    for label, values in times.items():
        lo, hi = quartiles(values)
        base = against.get(label, baseline)
        row = {"label": label, "median_s": median(values), "q1_s": lo, "q3_s": hi,
               "baseline": base, "ratio": median(values) / median(times[base])}  # fmt: skip
        count, base_count = counts.get(label), counts.get(base)
        if count and base_count:
            row |= {"instructions": count, "ratio_instructions": count / base_count}
        rows.append(row)
    return {"baseline": baseline, "rows": rows}
