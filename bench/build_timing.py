"""What the build-cost benchmarks share: a virtual environment with the example provider,
and interleaved timing of two variants of one build in fresh build directories."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
import demo

__all__ = ["ROUNDS", "Steps", "demo", "environment", "interleaved"]

ROUNDS = {False: 25, True: 3}
"""Rounds by quick mode. A build takes about a second and varies from run to run by more
than the 5 % the goals allow (with 11 rounds, six runs of one tree gave CMake ratios from
1.01 to 1.09), so a full run takes 25."""

Steps = Callable[[Path], list[list[str]]]
"""The commands that configure and build a variant into the given build directory."""


def environment(work: Path, *tools: str) -> Path:
    """A fresh venv with pylinkdep, the example provider and ``tools`` from PyPI."""
    python = demo.make_env(work / "venv", demo.build_wheels(work / "wheels"))
    demo.sh([str(python), "-m", "pip", "install", "-q", *tools])
    return python


def interleaved(
    variants: dict[str, Steps], work: Path, python: Path, rounds: int
) -> dict[str, float]:
    """Median seconds of each variant, built ``rounds`` times in turn, each in a fresh
    directory under ``work``; a first round warms caches and is not counted. The
    environment's bin directory comes first on PATH (its ninja)."""
    bindir = python.parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for i in range(rounds + 1):
        for name, steps in variants.items():
            build = work / f"build-{name}-{i}"
            start = time.perf_counter()
            for cmd in steps(build):
                subprocess.run(cmd, cwd=work, env=env, check=True, capture_output=True)
            if i:
                times[name].append(time.perf_counter() - start)
            shutil.rmtree(build)
    return {name: statistics.median(values) for name, values in times.items()}
