"""(2) Call cost: a provider function called from a consumer library, by route.

Time per call (median of interleaved runs) and callgrind's exact instruction count per
loop iteration (difference of two runs of different lengths, so start-up cancels out).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from timing import instructions, median, quartiles

from pylinkdep.outputs import export_header

SOURCES = Path(__file__).resolve().parent / "calls"
CFLAGS = ["-O2", "-fPIC"]

# The project's default consumer flags, the declaration carrying the macro of the header
# `pylinkdep export-header` generates.
EXPORT_HEADER = "default consumer route with the export header"
# label -> extra compiler flags of the consumer library
ROUTES = {
    "exported symbol, through the PLT (default)": [],
    "exported symbol, -fno-plt (GOT)": ["-fno-plt"],
    EXPORT_HEADER: ["-DROUTE_EXPORT_HEADER"],
    "capsule-style struct of function pointers": ["-DROUTE_CAPSULE"],
    "NumPy-style void* table macro": ["-DROUTE_NUMPY_TABLE"],
    "call inside one library": ["-DROUTE_SAME_LIBRARY"],
}
CAPSULE = "capsule-style struct of function pointers"


def build(out: Path, callee: list[str]) -> dict[str, Path]:
    """The provider library, one consumer library per route, and the driver."""
    out.mkdir(parents=True, exist_ok=True)
    export_header.write("callprov", str(out / "callprov_export.h"))
    _gcc(["-shared", *CFLAGS, *callee, "-o", out / "libcallprov.so", SOURCES / "prov.c"])
    libs = {}
    for i, (label, extra) in enumerate(ROUTES.items()):
        lib = out / f"libconsumer{i}.so"
        _gcc(["-shared", *CFLAGS, *callee, *extra, f"-I{SOURCES}", f"-I{out}", "-o", lib,
              SOURCES / "consumer.c",
              f"-L{out}", "-lcallprov", "-Wl,-rpath,$ORIGIN"])  # fmt: skip
        libs[label] = lib
    _gcc([*CFLAGS, "-o", out / "driver", SOURCES / "driver.c", "-ldl"])
    return libs


# callee -> its compiler flags: the smallest function (the call dominates), and one
# that updates a global counter as exampleprov_add does.
CALLEES = {"return n + 1": [], "counter += n": ["-DCOUNTER"]}


def measure(out: Path, iterations: int, rounds: int) -> dict[str, Any]:
    """Each callee, each route: time and instructions per call."""
    return {
        "iterations": iterations,
        "rounds": rounds,
        "cflags": CFLAGS,
        "baseline": CAPSULE,
        "callees": {
            name: _measure_callee(out / f"callee{i}", flags, iterations, rounds)
            for i, (name, flags) in enumerate(CALLEES.items())
        },
    }


def _measure_callee(out: Path, callee: list[str], iterations: int, rounds: int) -> dict[str, Any]:
    libs = build(out, callee)
    driver = str(out / "driver")
    times: dict[str, list[float]] = {label: [] for label in libs}
    for _ in range(rounds):
        for label, lib in libs.items():
            ns = int(subprocess.run([driver, str(lib), str(iterations)], capture_output=True,
                                    text=True, check=True).stdout.split()[0])  # fmt: skip
            times[label].append(ns / iterations)
    instructions = _instructions(driver, libs, small=20_000, large=120_000)
    rows = []
    for label in libs:
        lo, hi = quartiles(times[label])
        row = {"label": label, "ns_per_call": median(times[label]), "q1_ns": lo, "q3_ns": hi,
               "ratio_time": median(times[label]) / median(times[CAPSULE])}  # fmt: skip
        if instructions:
            row["instructions"] = instructions[label]
            row["ratio_instructions"] = instructions[label] / instructions[CAPSULE]
        rows.append(row)
    return {"callgrind": bool(instructions), "rows": rows, "disassembly": _disassembly(libs)}


def _instructions(driver: str, libs: dict[str, Path], small: int, large: int) -> dict[str, float]:
    """Instructions per loop iteration (call, callee and loop), from callgrind."""
    result = {}
    for label, lib in libs.items():
        counts = [instructions([driver, str(lib), str(n)]) for n in (small, large)]
        if counts[0] is None or counts[1] is None:
            return {}
        # An exact integer per iteration, but for a few instructions of start-up that
        # differ between the two runs (page faults): rounded to hundredths.
        result[label] = round((counts[1] - counts[0]) / (large - small), 2)
    return result


def _disassembly(libs: dict[str, Path]) -> dict[str, str]:
    """The loop of consumer_run, per route (objdump), to show what each call compiles to."""
    if shutil.which("objdump") is None:
        return {}
    result = {}
    for label, lib in libs.items():
        text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(lib)],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        body = text.split("<consumer_run>:", 1)[1].split("\n\n", 1)[0]
        result[label] = "\n".join(
            line.split(":", 1)[1].strip() for line in body.strip().splitlines()
        )
    return result


def _gcc(args: list[Any]) -> None:
    subprocess.run(["gcc", *map(str, args)], check=True)
