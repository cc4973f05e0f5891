"""End-to-end demo: build the example provider, install it, resolve it, link consumers.

Run from the repository root with a virtual environment that has pylinkdep[test]:

    .venv/bin/python examples/demo.py [WORKDIR]

It builds wheels of pylinkdep and examples/provider-meson (isolated builds, as pip
does), installs them into a fresh virtual environment, prints what ``pylinkdep``
resolves, compiles examples/consumer-plain with plain gcc from the flags
``pylinkdep --cflags --libs`` prints and the run path it computes, then pip-installs
the meson, CMake and setuptools consumers from source, and imports them all to show
that every consumer and the provider share one counter. The test suite reuses these
functions (built once per session).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CONSUMER_SUBDIR = "consumer/sub"


def sh(cmd: list[str], **kwargs: object) -> str:
    """Run a command; on failure, raise with its output. Returns stdout."""
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(cmd)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    out: str = proc.stdout
    return out


def finding_wheels_in(wheel_dir: Path) -> dict[str, str]:
    """The environment with ``wheel_dir`` first among pip's find-links (kept: the others)."""
    links = " ".join(filter(None, [str(wheel_dir), os.environ.get("PIP_FIND_LINKS", "")]))
    return {**os.environ, "PIP_FIND_LINKS": links}


def build_wheel(project: Path, out: Path) -> Path:
    """Build ``project`` into ``out`` in an isolated environment, as pip does.

    Build requirements are looked up in ``out`` first (``PIP_FIND_LINKS``), so a
    consumer's ``requires = ["pylinkdep", "exampleprov"]`` takes the wheels built
    before it; everything else comes from the package index. Returns the wheel.
    """
    staging = out / f".build-{project.name}"
    shutil.rmtree(staging, ignore_errors=True)
    env = finding_wheels_in(out)
    sh([sys.executable, "-m", "build", "--wheel", "--outdir", str(staging), str(project)], env=env)
    (wheel,) = staging.glob("*.whl")
    target = out / wheel.name
    wheel.replace(target)
    staging.rmdir()
    return target


def build_wheels(out: Path, projects: list[Path] | None = None) -> list[Path]:
    """Wheels of pylinkdep and the example provider (or ``projects``, in order)."""
    out.mkdir(parents=True, exist_ok=True)
    return [build_wheel(p, out) for p in projects or [REPO, EXAMPLES / "provider-meson"]]


def make_env(env: Path, wheels: list[Path]) -> Path:
    """A fresh virtual environment with the wheels installed; returns its python."""
    venv.EnvBuilder(with_pip=True, clear=True).create(env)
    python = env / "bin" / "python"
    sh([str(python), "-m", "pip", "install", "-q", *map(str, wheels)])
    return python


def pip_install(python: Path, project: Path, wheel_dir: Path) -> None:
    """pip-install ``project`` from source into ``python``'s environment, in an isolated
    build whose requirements (pylinkdep, exampleprov) come from ``wheel_dir`` first."""
    env = finding_wheels_in(wheel_dir)
    sh([str(python), "-m", "pip", "install", "-q", str(project)], env=env)


def site_packages(python: Path) -> Path:
    """The purelib directory of the environment ``python`` belongs to."""
    return Path(
        sh([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip()
    )


def build_plain_consumer(python: Path, source: Path | None = None) -> Path:
    """Compile examples/consumer-plain/_ext.c (or ``source``) into
    <site-packages>/consumer/sub with gcc.

    Everything provider-specific comes from ``pylinkdep``: flags from the
    pkg-config compatible CLI, the relative run path from ``show --json``.
    """
    source = source or EXAMPLES / "consumer-plain" / "_ext.c"
    return build_gcc_consumer(python, "exampleprov", source, CONSUMER_SUBDIR)


def build_gcc_consumer(python: Path, dependency: str, source: Path, subdir: str) -> Path:
    """Compile ``source`` (a module ``_ext``) into <site-packages>/``subdir`` with gcc,
    against ``dependency``, from the flags and run path ``pylinkdep`` prints.

    The general form of :func:`build_plain_consumer`, for any provider.
    """
    pylinkdep = [str(python), "-m", "pylinkdep"]  # also where pylinkdep is on a .pth line
    flags = shlex.split(sh([*pylinkdep, "--cflags", "--libs", dependency]))
    show = sh([*pylinkdep, "show", dependency, "--json", "--rpath-from", subdir])
    rpaths: list[str] = json.loads(show)["rpath"]
    query = (
        "import sysconfig; print(sysconfig.get_path('include'));"
        "print(sysconfig.get_config_var('EXT_SUFFIX'))"
    )
    py_include, ext_suffix = sh([str(python), "-c", query]).split()
    site = site_packages(python)
    dest = site.joinpath(*subdir.split("/"))
    dest.mkdir(parents=True, exist_ok=True)
    parent = dest
    while parent != site:
        (parent / "__init__.py").touch()
        parent = parent.parent
    target = dest / f"_ext{ext_suffix}"
    sh(
        ["gcc", "-shared", "-fPIC", "-O2", f"-I{py_include}", "-o", str(target), str(source),
         *flags, *(f"-Wl,-rpath,{entry}" for entry in rpaths)]
    )  # fmt: skip
    return target


CONSUMERS = ("consumer-meson", "consumer-cmake", "consumer-setuptools")

DEMO_SCRIPT = """
import sys
import consumer.sub._ext as plain       # loads libexampleprov.so.1 through RUNPATH
print("consumer imported; exampleprov's Python package loaded:", "exampleprov" in sys.modules)
print("consumer.add(40) ->", plain.add(40))
import exampleprov                      # the provider's own extension, same library
print("exampleprov.add(2) ->", exampleprov.add(2))
print("consumer.total() ->", plain.total(), "(one shared counter)")
print("library version seen by the consumer:", plain.version())
"""

CONSUMERS_SCRIPT = """
import sys
import consumer.sub._ext as plain
import consumer_meson, consumer_meson.sub.deep._ext as deep, consumer_cmake, consumer_setuptools
print("4 consumers imported; exampleprov's Python package loaded:", "exampleprov" in sys.modules)
consumers = {"consumer_meson": consumer_meson, "consumer_meson.sub.deep": deep,
             "consumer_cmake": consumer_cmake, "consumer_setuptools": consumer_setuptools,
             "consumer (gcc)": plain}
for name, module in consumers.items():
    print(f"{name}.add(10) ->", module.add(10))
import exampleprov
print("exampleprov.add(1) ->", exampleprov.add(1))
print("total seen by each:", [m.total() for m in (plain, consumer_meson, consumer_cmake,
                                                  consumer_setuptools)], "(one shared counter)")
maps = {line.split()[-1] for line in open("/proc/self/maps") if "libexampleprov" in line}
print("libexampleprov mapped from:", *maps)
"""


def main() -> int:
    work = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build" / "demo").resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"== building wheels into {work / 'wheels'}")
    wheels = build_wheels(work / "wheels")
    for wheel in wheels:
        print("  ", wheel.name)
    print(f"== installing into a fresh virtual environment {work / 'env'}")
    python = make_env(work / "env", wheels)
    pylinkdep = str(python.parent / "pylinkdep")
    for args in (["list"], ["show", "exampleprov", "--rpath-from", CONSUMER_SUBDIR],
                 ["--cflags", "--libs", "exampleprov"]):  # fmt: skip
        print(f"== pylinkdep {shlex.join(args)}")
        print(sh([pylinkdep, *args]).rstrip())
    print("== compiling examples/consumer-plain with gcc and those flags")
    target = build_plain_consumer(python)
    site = site_packages(python)
    print("  ", target.relative_to(site), *dynamic_section(target))
    print("== importing the consumer, then the provider, in one process")
    print(sh([str(python), "-c", DEMO_SCRIPT]).rstrip())

    for consumer in CONSUMERS:
        print(f"== pip install examples/{consumer} (isolated build)")
        pip_install(python, EXAMPLES / consumer, work / "wheels")
        package = consumer.replace("-", "_")
        for ext in sorted(site.glob(f"{package}/**/_ext*.so")):
            print("  ", ext.relative_to(site), *dynamic_section(ext))
    print("== importing every consumer, then the provider, in one process")
    print(sh([str(python), "-c", CONSUMERS_SCRIPT]).rstrip())
    return 0


def dynamic_section(binary: Path) -> list[str]:
    """``NEEDED x`` and ``RUNPATH y`` of a binary, as readelf shows them."""
    if not shutil.which("readelf"):
        return []
    found = []
    for line in sh(["readelf", "-d", str(binary)]).splitlines():
        if ("(NEEDED)" in line and "exampleprov" in line) or "(RUNPATH)" in line:
            found.append(f"{line.split()[1].strip('()')} {line.split()[-1]}")
    return found


if __name__ == "__main__":
    sys.exit(main())
