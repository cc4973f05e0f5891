"""Run every benchmark: ``python bench/run.py [--quick]``.

The full run writes ``bench/results/*.json``, ``docs/benchmarks.md`` and its plots in
``docs/benchmarks/``. ``--quick`` proves that every benchmark runs (small sizes, few
rounds) and writes to ``build/bench-quick/`` instead, leaving the committed results alone.

``bench/results/cache.json`` is not written by a run: it records, by hand, a measurement of
the lookup cache that pylinkdep had until it was removed (its shape is in bench/report.py).
Every run renders it when it is there (``--cache-results`` names another file).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parent))

import calls
import environment
import external
import imports
import lookup
import report
import setuptools_hook
import size

REPO = Path(__file__).resolve().parent.parent
CACHE_RESULTS = REPO / "bench" / "results" / "cache.json"


class Settings(TypedDict):
    """How much each benchmark measures."""

    sizes: list[int]
    cli_at: int
    cli_rounds: int
    find_rounds: int
    call_iterations: int
    call_rounds: int
    import_rounds: int


# 100 whole-process rounds: on a shared machine one command's runs spread by a fifth
# between quartiles, and the lookup goal compares two medians.
FULL: Settings = {
    "sizes": [10, 100, 1000, 5000], "cli_at": 1000, "cli_rounds": 100, "find_rounds": 15,
    "call_iterations": 200_000_000, "call_rounds": 7, "import_rounds": 40,
}  # fmt: skip
QUICK: Settings = {
    "sizes": [10, 100], "cli_at": 100, "cli_rounds": 2, "find_rounds": 2,
    "call_iterations": 1_000_000, "call_rounds": 1, "import_rounds": 2,
}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="prove every benchmark runs")
    parser.add_argument("--work", type=Path, help="scratch directory (default: build/bench)")
    parser.add_argument(
        "--report", action="store_true", help="only rewrite the document from the saved results"
    )
    parser.add_argument(
        "--cache-results",
        type=Path,
        default=CACHE_RESULTS,
        help="the hand-written record of the removed lookup cache (default: %(default)s; "
        "its section is left out when the file is absent)",
    )
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    work = (args.work or REPO / "build" / ("bench-quick" if args.quick else "bench")).resolve()
    if args.quick:
        results_dir, doc, plots = work / "results", work / "benchmarks.md", work / "plots"
    else:
        results_dir = REPO / "bench" / "results"
        doc, plots = REPO / "docs" / "benchmarks.md", REPO / "docs" / "benchmarks"

    if args.report:
        saved: dict[str, Any] = json.loads((results_dir / "run.json").read_text())
        for file in sorted(results_dir.glob("*.json")):
            if file.name not in ("run.json", CACHE_RESULTS.name):
                saved.update({k: v for k, v in json.loads(file.read_text()).items()
                              if k not in ("machine", "quick")})  # fmt: skip
        saved |= _cache_record(args.cache_results)
        doc.write_text(report.markdown(saved, plots, doc.parent))
        print(f"== wrote {doc} from {results_dir}")
        return 0

    started = time.time()
    machine = _machine()
    print("== environment (wheels, venv, consumers, synthetic site directories)", flush=True)
    # `python -c` puts its working directory first on sys.path (and pylinkdep scans it):
    # an empty one, so that no command imports pylinkdep from this repository.
    (work / "cwd").mkdir(parents=True, exist_ok=True)
    env = environment.prepare(work, settings["sizes"])
    os.chdir(work / "cwd")
    results: dict[str, Any] = {"machine": machine, "quick": args.quick, "settings": settings}
    print("== lookup: whole process", flush=True)
    results["lookup_cli"] = lookup.cli(env, settings["cli_at"], settings["cli_rounds"])
    print("== lookup: in process, by number of distributions", flush=True)
    results["lookup_find"] = lookup.in_process(env, settings["sizes"], settings["find_rounds"])
    print("== call cost", flush=True)
    results["calls"] = calls.measure(
        work / "calls", settings["call_iterations"], settings["call_rounds"]
    )
    print("== import cost", flush=True)
    results["imports"] = imports.measure(env, settings["import_rounds"])
    print("== build cost", flush=True)
    results["build"] = external.measure(args.quick)
    print("== wheel size", flush=True)
    results["size"] = size.measure(env)
    print("== setuptools without pylink", flush=True)
    results["setuptools_hook"] = setuptools_hook.measure(env, settings["cli_rounds"])
    results["seconds"] = time.time() - started

    results_dir.mkdir(parents=True, exist_ok=True)
    run = {k: results[k] for k in ("machine", "quick", "settings", "seconds")}
    (results_dir / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    for key, value in results.items():
        if isinstance(value, dict) and key not in ("machine", "settings"):
            data = {"machine": machine, "quick": args.quick, key: value}
            (results_dir / f"{key}.json").write_text(json.dumps(data, indent=2) + "\n")
    plots.mkdir(parents=True, exist_ok=True)
    # Rendered, never rewritten: the record is of a measurement no run can repeat.
    doc.write_text(report.markdown(results | _cache_record(args.cache_results), plots, doc.parent))
    print(f"== wrote {results_dir}, {doc} and {plots} in {results['seconds']:.0f} s")
    return 0


def _cache_record(path: Path) -> dict[str, Any]:
    """``{"cache": ...}`` from the hand-written record of the removed lookup cache, or
    nothing when there is none."""
    if not path.is_file():
        return {}
    record: dict[str, Any] = json.loads(path.read_text())
    return {"cache": record["cache"]}


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gcc = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout
    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "gcc": gcc.splitlines()[0] if gcc else None,
    }


if __name__ == "__main__":
    sys.exit(main())
