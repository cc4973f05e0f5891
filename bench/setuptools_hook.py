"""(6) What pylinkdep costs a setuptools build that does not use it: every setuptools
process of an environment with pylinkdep loads its ``setuptools.finalize_distribution_options``
entry point. A ``Distribution`` with an ordinary extension is made in fresh processes of
the benchmark venv (Cython installed, whose presence once cost 48 ms: pylinkdep's hook
imported ``setuptools.command.build_ext``, which imports Cython), with pylinkdep's entry
points there and hidden (its ``entry_points.txt`` renamed between rounds: what setuptools
sees without pylinkdep installed), interleaved; timed inside the process."""

from __future__ import annotations

import subprocess
from typing import Any

from environment import Env
from timing import clean_env, median, quartiles

WITH, WITHOUT = "with pylinkdep's entry point", "without it (baseline)"

PROBE = """
import time
from setuptools import Distribution, Extension
t = time.perf_counter()
Distribution({"name": "plain", "ext_modules": [Extension("plain._ext", ["ext.c"])]})
print(time.perf_counter() - t)
"""


def measure(env: Env, rounds: int) -> dict[str, Any]:
    proc = subprocess.run([str(env.python), "-m", "pip", "install", "-q", "Cython"],
                          capture_output=True, text=True)  # fmt: skip
    cython = proc.returncode == 0
    (entry_points,) = env.site.glob("pylinkdep-*.dist-info/entry_points.txt")
    hidden = entry_points.with_name("entry_points.txt.hidden")
    argv, run_env = [str(env.python), "-c", PROBE], clean_env()
    times: dict[str, list[float]] = {WITH: [], WITHOUT: []}
    try:
        for _ in range(rounds + 1):  # the first round warms the page cache and is dropped
            for label in (WITH, WITHOUT):
                if label == WITHOUT:
                    entry_points.rename(hidden)
                try:
                    out = subprocess.run(argv, env=run_env, capture_output=True, text=True,
                                         check=True).stdout  # fmt: skip
                finally:
                    if hidden.exists():
                        hidden.rename(entry_points)
                times[label].append(float(out))
    finally:
        if hidden.exists():
            hidden.rename(entry_points)
    rows = []
    for label, values in times.items():
        lo, hi = quartiles(values[1:])
        rows.append({"label": label, "median_s": median(values[1:]), "q1_s": lo, "q3_s": hi})
    added = median(times[WITH][1:]) - median(times[WITHOUT][1:])
    return {"rounds": rounds, "cython": cython, "rows": rows, "added_s": added}
