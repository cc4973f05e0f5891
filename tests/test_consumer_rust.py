"""examples/consumer-rust: a maturin wheel whose Rust extension calls exampleprov's C API,
linked by build.rs from ``pylinkdep cargo``; built once, installed with the provider and the
gcc-built C consumer into one environment."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import ProviderVariants, Wheelhouse, demo

pytestmark = pytest.mark.integration

# Debian's packaged crates (librust-*-dev), for machines that cannot reach crates.io.
DEBIAN_CRATES = Path("/usr/share/cargo/registry")
CARGO_CONFIG = f"""\
[source.debian-packages]
directory = "{DEBIAN_CRATES}"
[source.crates-io]
replace-with = "debian-packages"
"""


@pytest.fixture(scope="module")
def rust_wheel(wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer-rust wheel, built in an isolated build with pylinkdep and exampleprov."""
    if shutil.which("cargo") is None:
        pytest.skip("no Rust toolchain: cargo is not on PATH (rustup, or apt-get install cargo)")
    if not any(DEBIAN_CRATES.glob("pyo3-ffi-*")):
        pytest.skip(
            f"the pyo3-ffi crate is not in {DEBIAN_CRATES} and crates.io is not used by the "
            "tests: apt-get install librust-pyo3-ffi-dev"
        )
    cargo_home = tmp_path_factory.mktemp("cargo-home")
    (cargo_home / "config.toml").write_text(CARGO_CONFIG)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CARGO_HOME", str(cargo_home))
        env.setenv("CARGO_TARGET_DIR", str(cargo_home / "target"))
        env.delenv("CARGO_BUILD_TARGET", raising=False)
        return wheelhouse.wheels("pylinkdep", "provider-meson", "consumer-rust")[-1]


@pytest.fixture(scope="module")
def rust_python(
    rust_wheel: Path, wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A fresh environment with exampleprov, the Rust consumer and the C consumer."""
    wheels = [*wheelhouse.wheels("pylinkdep", "provider-meson"), rust_wheel]
    python = demo.make_env(tmp_path_factory.mktemp("rust-env") / "venv", wheels)
    demo.build_plain_consumer(python)
    return python


def test_wheel_links_provider_by_relative_run_path(rust_wheel: Path, rust_python: Path) -> None:
    with zipfile.ZipFile(rust_wheel) as whl:
        names = whl.namelist()
    assert not [n for n in names if "libexampleprov" in n]  # linked, not vendored
    (extension,) = [n for n in names if n.endswith(".so")]
    assert extension.startswith("consumer_rust/_native.")
    dynamic = demo.sh(["readelf", "-d", str(demo.site_packages(rust_python) / extension)])
    assert "Shared library: [libexampleprov.so.1]" in dynamic
    runpaths = [line for line in dynamic.splitlines() if "RUNPATH" in line or "RPATH" in line]
    assert [line.split("[", 1)[1] for line in runpaths] == ["$ORIGIN/../exampleprov]"]
    pylinkdep = str(rust_python.parent / "pylinkdep")
    assert "consumer_rust/_pylink.py" in names  # written by build.rs
    assert demo.sh([pylinkdep, "check", str(rust_wheel)]).startswith(f"{rust_wheel}: OK")


SHARED_STATE = """
import sys
import consumer_rust                    # loads libexampleprov.so.1 through its RUNPATH
assert "exampleprov" not in sys.modules, "the provider's Python package was imported"
print(consumer_rust.add(40))
import consumer.sub._ext as c_consumer  # the gcc-built C consumer
import exampleprov
print(c_consumer.add(1), exampleprov.add(2), consumer_rust.total(), c_consumer.total())
print(*consumer_rust.stats(), exampleprov.stats()["count"], consumer_rust.version())
maps = open("/proc/self/maps").read().split()
print(len({word for word in maps if word.endswith("/libexampleprov.so.1")}))
try:
    consumer_rust.add("x")
except TypeError as exc:
    print("TypeError:", exc)
"""


def test_one_counter_in_one_process(rust_python: Path) -> None:
    """Rust consumer, C consumer and provider: one loaded library, one counter."""
    out = demo.sh([str(rust_python), "-c", SHARED_STATE], cwd="/").splitlines()
    assert out[:4] == ["40", "41 43 43 43", "3 43 3 1.2.0", "1"]
    assert out[4].startswith("TypeError:")  # a Python error from Rust comes back as one


def test_out_of_range_provider_is_an_import_error(
    rust_wheel: Path,
    wheelhouse: Wheelhouse,
    provider_variants: ProviderVariants,
    tmp_path: Path,
) -> None:
    """The run-time module build.rs wrote checks exampleprov at import: 2.0.0 is refused."""
    wheels = [*wheelhouse.wheels("pylinkdep", "provider-meson"), rust_wheel]
    python = demo.make_env(tmp_path / "venv", wheels)
    # Over the declared range (pip warns and installs it), as a later upgrade would.
    demo.sh([str(python), "-m", "pip", "install", "-q", str(provider_variants.wheel("2.0.0"))])
    proc = subprocess.run(
        [str(python), "-c", "import consumer_rust"], capture_output=True, text=True, cwd="/"
    )
    assert proc.returncode == 1
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("ImportError: consumer-rust "), proc.stderr
    assert "but exampleprov 2.0.0 is installed" in last, last
