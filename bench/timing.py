"""Interleaved timing of whole processes, and medians."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Command:
    """One measured command: a label, its argv and the environment it runs in."""

    label: str
    argv: list[str]
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def check(cmd: Command) -> str:
    """Run once (a warm-up that must succeed); returns stdout."""
    proc = subprocess.run(cmd.argv, env=cmd.env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd.label}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def interleaved(commands: Sequence[Command], rounds: int) -> dict[str, list[float]]:
    """Wall-clock seconds of each command, run round-robin ``rounds`` times."""
    times: dict[str, list[float]] = {c.label: [] for c in commands}
    for _ in range(rounds):
        for cmd in commands:
            start = time.perf_counter()
            subprocess.run(
                cmd.argv, env=cmd.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times[cmd.label].append(time.perf_counter() - start)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """The 25th and 75th percentiles (the spread shown next to each median)."""
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without settings that change how Python starts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.pop("VIRTUAL_ENV", None)
    env.update(extra)
    return env


def instructions(argv: Sequence[str], env: Mapping[str, str] | None = None) -> int | None:
    """The instructions a process executes in user space, counted by callgrind (None
    without valgrind): exact where timings are noisy, but blind to system calls."""
    if shutil.which("valgrind") is None:
        return None
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    match = re.search(r"Collected : (\d+)", proc.stderr)
    assert match, proc.stderr
    return int(match.group(1))
