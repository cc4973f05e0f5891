"""Benchmark: what the consumer's run-time module (``_pylink.py``) costs at import.

Run from the repository root: ``.venv/bin/python bench/runtime_import.py [RUNS]``.

Builds the pylinkdep, exampleprov and consumer-setuptools wheels (isolated builds, into
``bench/results/tmp/runtime``), installs them into a fresh virtual environment, then times
in fresh interpreters (median of RUNS, default 30), each statement measured inside the
process with ``time.perf_counter``:

- ``import consumer_setuptools``: the package, its ``_pylink.py`` (provider in place: no
  preload) and its extension;
- the same with the provider installed in another directory on ``PYTHONPATH`` (the
  module preloads the library with ctypes);
- baseline: ``importlib.metadata.version("exampleprov")``, the least a version check
  based on installed metadata would cost.

Prints each median and its ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "examples"))
import demo  # noqa: E402

TIMED = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def median_seconds(python: Path, stmt: str, runs: int, env: dict[str, str]) -> float:
    code = TIMED.format(stmt=stmt)
    times = [
        float(subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                             check=True, env=env, cwd="/").stdout)
        for _ in range(runs)
    ]  # fmt: skip
    return statistics.median(times)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    work = REPO / "bench" / "results" / "tmp" / "runtime"
    wheels = work / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    built = {p.name.split("-")[0]: p for p in wheels.glob("*.whl")}
    for name, path in [("pylinkdep", REPO), ("exampleprov", demo.EXAMPLES / "provider-meson"),
                       ("consumer_setuptools", demo.EXAMPLES / "consumer-setuptools")]:  # fmt: skip
        if name not in built:
            built[name] = demo.build_wheel(path, wheels)
    python = demo.make_env(work / "env", [built["exampleprov"]])
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps"]
    demo.sh([*pip, str(built["consumer_setuptools"])])
    target = work / "target"
    demo.sh([*pip, "--upgrade", "--target", str(target), str(built["exampleprov"])])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cases = {
        "baseline importlib.metadata.version": (
            "import importlib.metadata; importlib.metadata.version('exampleprov')",
            env,
        ),
        "import consumer (provider in place)": ("import consumer_setuptools", env),
        "import consumer (provider elsewhere: preload)": (
            "import consumer_setuptools",
            {**env, "PYTHONPATH": str(target)},
        ),
    }
    results = {label: median_seconds(python, stmt, runs, e) for label, (stmt, e) in cases.items()}
    base = results["baseline importlib.metadata.version"]
    print(f"median of {runs} fresh interpreters, {sys.platform}")
    for label, seconds in results.items():
        print(f"  {label:48} {seconds * 1e3:7.2f} ms   {seconds / base:5.2f}x baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
