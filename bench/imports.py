"""(3) Import cost: a consumer linked directly to the provider's library (loaded through
its run path) against a capsule consumer, which must import the provider's Python package
to get the function table. Timed inside fresh, interleaved processes."""

from __future__ import annotations

import subprocess
from typing import Any

from environment import Env
from timing import clean_env, median, quartiles

MODULES = {
    "direct link (consumer.sub._ext)": "consumer.sub._ext",
    "capsule (capsule_consumer.sub._ext)": "capsule_consumer.sub._ext",
}
BASELINE = "capsule (capsule_consumer.sub._ext)"

PROBE = """
import importlib, sys, time
t = time.perf_counter()
module = importlib.import_module(sys.argv[1])
t = time.perf_counter() - t
assert module.add(2) == 2 and module.total() == 2, "one shared counter"
print(t)
"""


def measure(env: Env, rounds: int) -> dict[str, Any]:
    run_env = clean_env()
    argv = [str(env.python), "-c", PROBE]
    times: dict[str, list[float]] = {label: [] for label in MODULES}
    for _ in range(rounds + 1):  # the first round warms the page cache and is dropped
        for label, module in MODULES.items():
            out = subprocess.run([*argv, module], env=run_env, capture_output=True, text=True,
                                 check=True).stdout  # fmt: skip
            times[label].append(float(out))
    rows = []
    for label, values in times.items():
        lo, hi = quartiles(values[1:])
        rows.append({"label": label, "median_s": median(values[1:]), "q1_s": lo, "q3_s": hi,
                     "ratio": median(values[1:]) / median(times[BASELINE][1:])})  # fmt: skip
    return {"rounds": rounds, "baseline": BASELINE, "rows": rows}
