"""(4) Build cost, from modules other work adds: ``bench/meson_build.py`` and
``bench/cmake_build.py``, each with ``main(quick: bool) -> dict``. Missing ones are
reported as skipped."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

BUILD_MODULES = {
    "meson (method: 'pylink' vs hand-written declare_dependency)": "meson_build",
    "CMake (find_package vs hand-written imported target)": "cmake_build",
}


def measure(quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for label, module in BUILD_MODULES.items():
        if importlib.util.find_spec(module) is None:
            results[label] = {"skipped": f"bench/{module}.py is not in this tree yet"}
            continue
        results[label] = importlib.import_module(module).main(quick)
    return results
