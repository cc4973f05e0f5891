"""Faults: paths with spaces and non-ASCII characters, a read-only site-packages, and
concurrent pylinkdep processes against the same providers.

All against the real example provider installed into a virtual environment at a path
like ``.../ünï cödé env``.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pylinkdep import InvalidMetadata
from pylinkdep.metadata import parse

from .conftest import Wheelhouse, demo, dynamic, snapshot

pytestmark = pytest.mark.integration

ENV_NAME = "ünï cödé env"
PROJECT_NAME = "prøject wïth spaces"


@pytest.fixture(scope="module")
def env(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a virtual environment with pylinkdep and exampleprov, at ENV_NAME."""
    wheels = wheelhouse.wheels("pylinkdep", "provider-meson")
    return demo.make_env(tmp_path_factory.mktemp("faults") / ENV_NAME, wheels)


def pylinkdep(python: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    command = [str(python.parent / "pylinkdep"), *args]
    return subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def generate_args(output: Path, library: Path, description: str = "") -> list[str]:
    return ["generate", "-o", str(output), "--name", "copyprov", "--version", "1.0",
            "--abi", ">=1.0,<2", f"--library={library}", "--include-dir", "include",
            f"--description={description}"]  # fmt: skip


def expected_flags(site: Path) -> list[str]:
    pkg = site / "exampleprov"
    return [f"-I{pkg / 'include'}", "-DEXAMPLEPROV_SHARED", str(pkg / "libexampleprov.so.1")]


CONSUMER_RUN = """
import consumer.sub._ext as ext, exampleprov
print(ext.add(40), exampleprov.add(2), ext.total())
"""


def test_spaces_and_non_ascii_in_paths(env: Path, tmp_path: Path) -> None:
    """Flags, a gcc-built consumer from a project path with spaces, its import, generate."""
    site = demo.site_packages(env)
    assert ENV_NAME in str(site)
    project = tmp_path / PROJECT_NAME
    project.mkdir()
    shutil.copy(demo.EXAMPLES / "consumer-plain" / "_ext.c", project)

    before = snapshot(site)
    proc = pylinkdep(env, "--cflags", "--libs", "exampleprov")
    assert shlex.split(proc.stdout) == expected_flags(site)
    show = json.loads(pylinkdep(env, "show", "exampleprov", "--json").stdout)
    assert show["package_dir"] == str(site / "exampleprov")
    assert snapshot(site) == before  # queries write nothing

    target = demo.build_plain_consumer(env, project / "_ext.c")
    info = dynamic(target)
    assert info.runpath == ("$ORIGIN/../../exampleprov",)
    assert "libexampleprov.so.1" in info.needed
    out = demo.sh([str(env), "-c", CONSUMER_RUN], cwd=project)
    assert out.split() == ["40", "42", "42"]

    output = project / "büild dir" / "pylink.json"
    output.parent.mkdir()
    library = site / "exampleprov" / "libexampleprov.so.1"
    assert pylinkdep(env, *generate_args(output, library, "ünï")).returncode == 0
    meta = parse(output.read_bytes(), file=str(output))
    assert meta.libraries[0].soname == "libexampleprov.so.1" and meta.description == "ünï"
    assert output.stat().st_mode & 0o777 == 0o644  # installed metadata must be readable by all


def read_only(site: Path, command: list[str]) -> list[str]:
    """``command`` run with ``site`` bind-mounted read-only (user and mount namespaces):
    read-only even for root, as on a read-only file system or container image."""
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return ["unshare", "--map-root-user", "--mount", "sh", "-c", script, str(site), *command]


def test_read_only_site_packages(env: Path, tmp_path: Path) -> None:
    """Resolution and import work; writing there fails with one clear line; nothing changes."""
    site = demo.site_packages(env)
    probe = read_only(site, ["sh", "-c", 'touch "$0/probe"', str(site)])
    if (
        shutil.which("unshare") is None
        or subprocess.run(probe, capture_output=True).returncode == 0
    ):
        pytest.skip("cannot mount a read-only view of site-packages (no user namespaces)")
    bin_dir = env.parent
    before = snapshot(site)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = read_only(site, [str(bin_dir / "pylinkdep"), *args])
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)

    flags = run("--cflags", "--libs", "exampleprov")
    assert (flags.returncode, flags.stderr) == (0, "")
    assert shlex.split(flags.stdout) == expected_flags(site)
    show = run("show", "exampleprov", "--json", "--rpath-from", "consumer/sub")
    assert json.loads(show.stdout)["rpath"] == ["$ORIGIN/../../exampleprov"]
    assert run("list").stdout.split()[:2] == ["exampleprov", "1.2.0"]
    imported = subprocess.run(
        read_only(site, [str(env), "-c", "import exampleprov; print(exampleprov.add(5))"]),
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert (imported.returncode, imported.stdout) == (0, "5\n"), imported.stderr

    output = site / "exampleprov" / "pylink.json"
    denied = run(*generate_args(output, site / "exampleprov" / "libexampleprov.so.1"))
    assert (denied.returncode, denied.stdout) == (1, "")
    (line,) = denied.stderr.splitlines()
    assert line == f"pylinkdep: error: cannot write {output}: Read-only file system (file {output})"
    prefix = site / "cmake prefix"
    denied = run("--cmake-prefix-path", str(prefix))
    assert (denied.returncode, denied.stdout) == (1, "")
    (line,) = denied.stderr.splitlines()
    assert line == f"pylinkdep: error: cannot write {prefix}: Read-only file system (file {prefix})"
    assert snapshot(site) == before


def test_concurrent_processes(env: Path, tmp_path: Path) -> None:
    """8 processes at once, 4 rounds: queries agree, and ``generate`` writers racing on one
    file never leave it partial (checked by a reader during the race) or leave temp files."""
    site = demo.site_packages(env)
    library = site / "exampleprov" / "libexampleprov.so.1"
    output = tmp_path / "gën out" / "pylink.json"
    output.parent.mkdir()
    reference_show = pylinkdep(env, "show", "exampleprov", "--json").stdout
    reads: list[str] = []
    torn: list[str] = []
    done = threading.Event()

    def reader() -> None:  # every state a reader can see is absent or a complete file
        while not done.is_set():
            try:
                data = output.read_bytes()
            except FileNotFoundError:
                continue
            try:
                reads.append(parse(data, file=str(output)).description)
            except InvalidMetadata as exc:
                torn.append(str(exc))

    watcher = threading.Thread(target=reader)
    watcher.start()
    written: set[str] = set()
    try:
        for round_ in range(4):
            commands = [generate_args(output, library, f"writer {round_}.{i}") for i in range(4)]
            written |= {f"writer {round_}.{i}" for i in range(4)}
            commands += [["--cflags", "--libs", "exampleprov"]] * 2
            commands += [["show", "exampleprov", "--json"]] * 2
            procs = [
                subprocess.Popen(
                    [str(env.parent / "pylinkdep"), *args], text=True,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                )
                for args in commands
            ]  # fmt: skip
            results = [
                (args[0], *p.communicate(timeout=120), p.returncode)
                for args, p in zip(commands, procs, strict=True)
            ]
            for command, out, err, code in results:
                assert (code, err) == (0, ""), command
                if command == "--cflags":
                    assert shlex.split(out) == expected_flags(site)
                elif command == "show":
                    assert out == reference_show
    finally:
        done.set()
        watcher.join()
    assert not torn, torn[:3]
    assert reads and set(reads) <= written
    assert parse(output.read_bytes(), file=str(output)).description in written
    assert [p.name for p in output.parent.iterdir()] == ["pylink.json"]  # no temp files left


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_concurrent_cmake_prefix(env: Path, tmp_path: Path) -> None:
    """8 ``--cmake-prefix-path DIR`` processes at once, 4 rounds, each removing the same
    stale packages: all succeed, and DIR ends exactly as one run alone leaves it."""
    prefix = tmp_path / "cmäke prefix"
    command = [str(env.parent / "pylinkdep"), "--cmake-prefix-path", str(prefix)]
    subprocess.run(command, check=True, capture_output=True)
    reference = tree(prefix)
    assert "ExampleProv/ExampleProvConfig.cmake" in reference
    for _ in range(4):
        for i in range(6):  # packages generated earlier for providers since uninstalled
            stale = prefix / f"Gone{i}"
            stale.mkdir()
            (stale / f"Gone{i}Config.cmake").write_text("# Generated by pylinkdep\n")
            for j in range(300):
                (stale / f"part{j}.cmake").write_text("")
        procs = [
            subprocess.Popen(command, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(8)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert (proc.returncode, out, err) == (0, f"{prefix}\n", "")
        assert tree(prefix) == reference
        assert sorted(p.name for p in prefix.iterdir()) == sorted(
            {name.split("/")[0] for name in reference}
        )  # no temporary files or half-removed packages left


def test_concurrent_pkgconfig_path(env: Path, tmp_path: Path) -> None:
    """8 ``pkgconfig-path -o DIR`` processes at once, 4 rounds, each removing the same stale
    .pc files: all succeed, and DIR ends exactly as one run alone leaves it."""
    out = tmp_path / "pc dïr"
    command = [str(env.parent / "pylinkdep"), "pkgconfig-path", "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    reference = tree(out)
    assert list(reference) == ["exampleprov.pc"]
    header = (out / "exampleprov.pc").read_text().splitlines()[0]
    for _ in range(4):
        for i in range(50):  # written earlier for providers since uninstalled
            (out / f"gone{i}.pc").write_text(f"{header}\nName: gone{i}\n")
        procs = [
            subprocess.Popen(command, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(8)
        ]
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            assert (proc.returncode, stdout, stderr) == (0, f"{out}\n", "")
        assert tree(out) == reference  # no temporary files, no stale or torn .pc files


CONSUMER_BUILD = """
set -e
prefix=$("$PYLINKDEP" --cmake-prefix-path "$PREFIX")
"$CMAKE" -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_MAKE_PROGRAM="$NINJA" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
"$CMAKE" --build "$BUILD" >/dev/null
"$BUILD/counter"
"""


def test_concurrent_consumer_builds(env: Path, tmp_path: Path) -> None:
    """8 CMake consumer builds at once, from a project path with spaces and non-ASCII
    characters, each generating the shared config prefix first: all link and run."""
    tools = Path(sys.executable).parent  # cmake and ninja from the test extra
    project = tmp_path / PROJECT_NAME
    shutil.copytree(Path(__file__).parent / "cmake_program", project / "src")
    site = demo.site_packages(env)
    base = {
        **os.environ,
        "PYLINKDEP": str(env.parent / "pylinkdep"),
        "PREFIX": str(tmp_path / "cmäke prefix"),
        "CMAKE": str(tools / "cmake"),
        "NINJA": str(tools / "ninja"),
        "SRC": str(project / "src"),
    }
    builds = [project / f"büild {i}" for i in range(8)]
    procs = [
        subprocess.Popen(
            ["bash", "-c", CONSUMER_BUILD], env={**base, "BUILD": str(build)}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for build in builds
    ]  # fmt: skip
    for build, proc in zip(builds, procs, strict=True):
        out, err = proc.communicate(timeout=600)
        assert (proc.returncode, out) == (0, "1.2.0 42\n"), err
        plugin = dynamic(build / "libplugin.so")
        assert plugin.runpath == ("$ORIGIN/../../exampleprov",)
        assert "libexampleprov.so.1" in plugin.needed
        found = (build / "found.txt").read_text().splitlines()
        assert found == ["1.2.0", "exampleprov>=1.2,<2", str(site / "exampleprov")]
