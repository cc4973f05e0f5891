"""The benchmark environment: a virtual environment with pylinkdep, the example provider,
a consumer linked directly, a capsule-style consumer, the anchors, and synthetic site
directories holding N installed distributions."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "examples"))
import demo  # noqa: E402  (examples/demo.py: wheel builds and the plain consumer)

# Anchors installed from PyPI when they can be: package -> what it is for.
ANCHORS = {
    "numpy": "numpy-config --cflags",
    "pybind11": "pybind11-config --includes",
    "pkgconf": "python -m pkgconf (pkg_config entry points)",
}


@dataclass
class Env:
    work: Path
    python: Path
    site: Path
    pc_dir: Path
    anchors: dict[str, bool] = field(default_factory=dict)
    pip_version: str = ""
    old_pip_version: str = ""
    """The venv's own pip, when its console-script wrapper imports ``re`` (pip < 25.2)."""
    uv_python: Path | None = None
    sites: dict[int, Path] = field(default_factory=dict)

    def bin(self, name: str) -> Path:
        return self.python.parent / name


def prepare(work: Path, sizes: list[int]) -> Env:
    """Build and install everything the benchmarks use, under ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    wheels = demo.build_wheels(work / "wheels")
    python = demo.make_env(work / "env", wheels)
    env = Env(
        work=work,
        python=python,
        site=demo.site_packages(python),
        pc_dir=work / "pkgconfig",
    )
    use_current_pip(env, wheels[0])
    for package in ANCHORS:
        proc = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", package], capture_output=True, text=True
        )
        env.anchors[package] = proc.returncode == 0
    env.uv_python = make_uv_env(env, wheels)
    demo.build_plain_consumer(python)
    build_capsule_consumer(env)
    write_pc_files(env)
    for n in sizes:
        env.sites[n] = synthetic_site(work / "sites" / str(n), n)
    subprocess.run([str(python), "-m", "compileall", "-q", str(env.site)], capture_output=True)
    return env


def use_current_pip(env: Env, pylinkdep_wheel: Path) -> None:
    """Reinstall pylinkdep with the newest pip, as a user who keeps pip current has it.

    The pip that ``venv`` bundles may be older than 25.2 (Python 3.11 brings 23.2.1), whose
    console-script wrapper runs ``import re`` before the script's module: that wrapper is
    kept as ``bin/pylinkdep-old-pip`` and measured beside the current one.
    """
    version = [str(env.python), "-c", "from pip import __version__; print(__version__)"]
    bundled = demo.sh(version).strip()
    demo.sh([str(env.python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    env.pip_version = demo.sh(version).strip()
    script = env.bin("pylinkdep")
    if "import re" in script.read_text():
        env.old_pip_version = bundled
        shutil.copy2(script, env.bin("pylinkdep-old-pip"))
    demo.sh([str(env.python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps",
             str(pylinkdep_wheel)])  # fmt: skip
    assert "import re" not in script.read_text(), f"pip {env.pip_version} imports re"


def make_uv_env(env: Env, wheels: list[Path]) -> Path | None:
    """The same wheels installed by uv, into a venv made by uv (without setuptools' start-up
    ``.pth`` file); its python, or None when uv cannot be had from PyPI."""
    deps = env.work / "uv-deps"  # the wheels' dependencies, which uv installs offline
    for step in (["install", "uv"], ["download", "-d", str(deps), *map(str, wheels)]):
        if subprocess.run(
            [str(env.python), "-m", "pip", "-q", *step], capture_output=True
        ).returncode:
            return None
    uv, target = str(env.bin("uv")), env.work / "env-uv"
    demo.sh([uv, "venv", "-q", "--clear", "--python", str(env.python), str(target)])
    python = target / "bin" / "python"
    links = [f"--find-links={d}" for d in (deps, wheels[0].parent)]
    demo.sh([uv, "pip", "install", "-q", "--python", str(python), "--no-index",
             "--compile-bytecode", *links, *map(str, wheels)])  # fmt: skip
    return python


def build_capsule_consumer(env: Env) -> None:
    """The capsule route, for comparison (bench-only code): ``exampleprov._capi`` exports
    exampleprov's functions in a capsule; ``capsule_consumer.sub._ext`` imports it at init."""
    query = (
        "import sysconfig; print(sysconfig.get_path('include'));"
        "print(sysconfig.get_config_var('EXT_SUFFIX'))"
    )
    py_include, suffix = demo.sh([str(env.python), "-c", query]).split()
    pylinkdep = str(env.bin("pylinkdep"))
    flags = shlex.split(demo.sh([pylinkdep, "--cflags", "--libs", "exampleprov"]))
    provider_dir = env.site / "exampleprov"
    demo.sh(
        ["gcc", "-shared", "-fPIC", "-O2", f"-I{py_include}", "-o",
         str(provider_dir / f"_capi{suffix}"), str(BENCH / "capsule" / "_capi.c"), *flags,
         "-Wl,-rpath,$ORIGIN"]
    )  # fmt: skip
    # The same package depth as the direct consumer, consumer/sub/_ext.
    consumer_dir = env.site / "capsule_consumer" / "sub"
    consumer_dir.mkdir(parents=True, exist_ok=True)
    for parent in (consumer_dir, consumer_dir.parent):
        (parent / "__init__.py").touch()
    cflags = [f for f in flags if f.startswith(("-I", "-D"))]
    demo.sh(
        ["gcc", "-shared", "-fPIC", "-O2", f"-I{py_include}", "-o",
         str(consumer_dir / f"_ext{suffix}"), str(BENCH / "capsule" / "_ext.c"), *cflags]
    )  # fmt: skip


def write_pc_files(env: Env) -> None:
    """A static exampleprov.pc (for pkg-config), and the same file published through a
    ``pkg_config`` entry point (for the PyPI pkgconf package)."""
    pylinkdep = str(env.bin("pylinkdep"))
    show = json.loads(demo.sh([pylinkdep, "show", "exampleprov", "--json"]))
    pc = (
        f"Name: exampleprov\nDescription: {show['description'] or 'exampleprov'}\n"
        f"Version: {show['version']}\nCflags: {' '.join(show['cflags'])}\n"
        f"Libs: {' '.join(show['libs'])}\n"
    )
    env.pc_dir.mkdir(exist_ok=True)
    (env.pc_dir / "exampleprov.pc").write_text(pc)
    package = env.site / "exampleprov_pkgconfig"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").touch()
    (package / "exampleprov.pc").write_text(pc)
    dist_info = env.site / "exampleprov_pkgconfig-1.0.dist-info"
    dist_info.mkdir(exist_ok=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: exampleprov-pkgconfig\nVersion: 1.0\n\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[pkg_config]\nexampleprov = exampleprov_pkgconfig\n"
    )
    (dist_info / "RECORD").write_text("")


def synthetic_site(path: Path, n: int) -> Path:
    """A directory of ``n`` installed distributions (dist-info only), half of them with
    console-script entry points, as a large environment has."""
    if (path / ".complete").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        dist_info = path / f"synthetic_dist_{i:05d}-1.0.{i}.dist-info"
        dist_info.mkdir(exist_ok=True)
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: synthetic-dist-{i:05d}\nVersion: 1.0.{i}\n\n"
        )
        (dist_info / "RECORD").write_text(f"{dist_info.name}/METADATA,,\n")
        if i % 2 == 0:
            (dist_info / "entry_points.txt").write_text(
                f"[console_scripts]\nsynthetic-{i} = synthetic_dist_{i:05d}.cli:main\n"
            )
    (path / ".complete").touch()
    return path
