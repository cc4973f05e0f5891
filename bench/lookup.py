"""(1) Lookup: whole-process time of ``pylinkdep --cflags --libs`` against the anchors, and
in-process ``pylinkdep.find()`` against ``importlib.metadata.entry_points()`` as the
number of installed distributions grows."""

from __future__ import annotations

import ast
import subprocess
from typing import Any

from environment import Env
from timing import Command, check, clean_env, interleaved, median, quartiles

QUERY = ["--cflags", "--libs", "exampleprov"]
BASELINE = "python -c pass"
UV_BASELINE = "python -c pass (venv made by uv)"
NO_WRAPPER = "import sys; from pylinkdep.cli import main; sys.exit(main())"


def cli(env: Env, n: int, rounds: int) -> dict[str, Any]:
    """Interleaved whole-process runs with ``n`` extra distributions on the path."""
    py = str(env.python)
    base = clean_env(PYTHONPATH=str(env.sites[n]), PYLINKDEP_CACHE_DIR=str(env.cache))
    no_cache = {**base, "PYLINKDEP_NO_CACHE": "1"}
    commands = [
        Command(BASELINE, [py, "-c", "pass"], base),
        Command("python -c 'import re' (what pip's console-script wrapper imports)",
                [py, "-c", "import re"], base),
        Command("python -c 'import json' (what pylinkdep's lookup no longer imports)",
                [py, "-c", "import json"], base),
        Command("pylinkdep --cflags --libs (cache warm)",
                [str(env.bin("pylinkdep")), *QUERY], base),
        Command("pylinkdep --cflags --libs (no cache)",
                [str(env.bin("pylinkdep")), *QUERY], no_cache),
        Command("pylinkdep without pip's wrapper (cache warm)", [py, "-c", NO_WRAPPER, *QUERY],
                base),
        Command("pylinkdep without pip's wrapper (no cache)", [py, "-c", NO_WRAPPER, *QUERY],
                no_cache),
        Command("pkg-config --cflags --libs (static .pc)",
                ["pkg-config", *QUERY], {**base, "PKG_CONFIG_PATH": str(env.pc_dir)}),
    ]  # fmt: skip
    against = {}
    if env.uv_python:
        uv_bin = str(env.uv_python.parent / "pylinkdep")
        uv_rows = [
            Command(UV_BASELINE, [str(env.uv_python), "-c", "pass"], base),
            Command("pylinkdep installed by uv (cache warm)", [uv_bin, *QUERY], base),
            Command("pylinkdep installed by uv (no cache)", [uv_bin, *QUERY], no_cache),
        ]
        commands += uv_rows
        against = {c.label: UV_BASELINE for c in uv_rows}
    if env.anchors.get("numpy"):
        commands.append(
            Command("numpy-config --cflags", [str(env.bin("numpy-config")), "--cflags"], base)
        )
    if env.anchors.get("pybind11"):
        commands.append(Command("pybind11-config --includes",
                                [str(env.bin("pybind11-config")), "--includes"], base))  # fmt: skip
    if env.anchors.get("pkgconf"):
        commands.append(Command("python -m pkgconf --cflags --libs (pkg_config entry points)",
                                [py, "-m", "pkgconf", *QUERY], base))  # fmt: skip
    outputs = {c.label: check(c) for c in commands}
    flags = outputs["pylinkdep --cflags --libs (cache warm)"].split()
    assert flags == outputs["pkg-config --cflags --libs (static .pc)"].split(), outputs
    assert any(f.endswith("libexampleprov.so.1") for f in flags), flags
    if env.uv_python:
        uv_flags = outputs["pylinkdep installed by uv (cache warm)"].split()
        assert uv_flags[-1].endswith("libexampleprov.so.1"), uv_flags
        assert "import re" not in (env.uv_python.parent / "pylinkdep").read_text()
    times = interleaved(commands, rounds)
    return _summary(times, BASELINE, against) | {"distributions": n, "rounds": rounds}


# Imports nothing before the clock starts (json would bring re), prints a Python literal.
PROBE = r"""
import sys, time
t0 = time.perf_counter()
if sys.argv[1] == "find":
    import pylinkdep
    t1 = time.perf_counter()
    found = pylinkdep.find("exampleprov").name
    t2 = time.perf_counter()
    pylinkdep.find("exampleprov")
else:
    import importlib.metadata as md
    t1 = time.perf_counter()
    found = [ep.name for ep in md.entry_points(group="pylink")]
    t2 = time.perf_counter()
    md.entry_points(group="pylink")
t3 = time.perf_counter()
print(repr({"import": t1 - t0, "first": t2 - t1, "again": t3 - t2, "found": found}))
"""


def in_process(env: Env, sizes: list[int], rounds: int) -> dict[str, Any]:
    """Fresh processes, interleaved: import time, first call and second call of each API."""
    results: dict[str, Any] = {}
    for n in sizes:
        base = clean_env(PYTHONPATH=str(env.sites[n]), PYLINKDEP_CACHE_DIR=str(env.cache))
        variants = {
            "find (no cache)": (["find"], {**base, "PYLINKDEP_NO_CACHE": "1"}),
            "find (cache warm)": (["find"], base),
            "entry_points(group='pylink')": (["entry_points"], base),
        }
        _probe(env, *variants["find (cache warm)"])  # fills the cache
        samples: dict[str, list[dict[str, Any]]] = {k: [] for k in variants}
        for _ in range(rounds):
            for label, (args, penv) in variants.items():
                samples[label].append(_probe(env, args, penv))
        for runs in samples.values():
            assert runs[0]["found"] in ("exampleprov", ["exampleprov"]), runs[0]
        results[str(n)] = {
            label: {part: median([r[part] for r in runs]) for part in ("import", "first", "again")}
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
    times: dict[str, list[float]], baseline: str, against: dict[str, str]
) -> dict[str, Any]:
    """Medians, quartiles and ratios: against ``baseline``, or ``against[label]``."""
    rows = []
    for label, values in times.items():
        lo, hi = quartiles(values)
        base = against.get(label, baseline)
        rows.append(
            {"label": label, "median_s": median(values), "q1_s": lo, "q3_s": hi,
             "baseline": base, "ratio": median(values) / median(times[base])}
        )  # fmt: skip
    return {"baseline": baseline, "rows": rows}
