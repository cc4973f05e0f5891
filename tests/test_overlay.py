"""``pylinkdep overlay DIST``: a PYLINK_PATH overlay drafted for an installed wheel that
ships a library but no pylink metadata; on a synthetic repaired wheel, and on a real one
from PyPI (pyzmq, whose libzmq lives hashed in pyzmq.libs/), imported beside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pylinkdep
from pylinkdep import cli
from pylinkdep.errors import InvalidMetadata, ProviderNotFound
from pylinkdep.outputs import runtime_module
from pylinkdep.wheel import overlay

from .conftest import Wheelhouse
from .projects import consumer_project

PYZMQ = "pyzmq==26.2.0"  # a manylinux wheel for cp311: libzmq in pyzmq.libs/
NEXT_PYZMQ = "pyzmq==26.3.0"  # the next release: libzmq re-hashed
ZMQ_CHECK = "zcons.version() == zmq.zmq_version_info()"  # the consumer calls the libzmq zmq uses


def _repaired(site: Path, library: Path) -> Path:
    """A repaired wheel as pip installs it: package, hashed library beside it, headers,
    an extension module (no SONAME: not a library to link) and its RECORD."""
    pkg = site / "zlibby"
    (pkg / "include" / "zl").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "include" / "zl" / "zl.h").write_text("int demo_answer(void);\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(pkg / "_ext.so"), "-x", "c", "/dev/null"],
                   check=True)  # fmt: skip
    (site / "zlibby.libs").mkdir()
    shutil.copy(library, site / "zlibby.libs" / "libdemo-1a2b3c4d.so.1")
    info = site / "zlibby-1.3.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zlibby\nVersion: 1.3.0\n")
    files = ["zlibby/__init__.py", "zlibby/include/zl/zl.h", "zlibby/_ext.so",
             "zlibby.libs/libdemo-1a2b3c4d.so.1", "zlibby-1.3.0.dist-info/RECORD"]  # fmt: skip
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in files))
    return pkg


def test_draft_of_a_repaired_wheel_resolves(
    tmp_path: Path, real_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    _repaired(site, real_library)
    doc = overlay.draft("zlibby", path=[str(site)])
    assert {k: doc[k] for k in ("name", "version", "abi", "package", "distribution")} == {
        "name": "zlibby", "version": "1.3.0", "abi": "==1.3.0", "package": "zlibby",
        "distribution": "zlibby",
    }  # fmt: skip
    assert doc["include_dirs"] == ["include"]
    assert doc["libraries"] == [
        {"path": "../zlibby.libs/libdemo-1a2b3c4d.so.1", "soname": "libdemo.so.1"}
    ]
    assert any(note.startswith("abi: '==1.3.0'") for note in doc[overlay.NOTES])
    assert not any("hash" in note for note in doc[overlay.NOTES])  # libdemo.so.1: no hash
    directory = tmp_path / "overlays"
    written = overlay.write(doc, str(directory))
    assert written == str(directory / "zlibby.pylink.json")
    with pytest.raises(InvalidMetadata, match="exists"):
        overlay.write(doc, str(directory))
    monkeypatch.setenv("PYLINK_PATH", str(directory))
    dep = pylinkdep.find("zlibby", path=[str(site)])
    assert dep.libraries[0].path == str(site / "zlibby.libs" / "libdemo-1a2b3c4d.so.1")
    assert dep.requirement == "zlibby==1.3.0"


def test_overlay_command(
    tmp_path: Path,
    real_library: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = tmp_path / "site"
    _repaired(site, real_library)
    monkeypatch.syspath_prepend(str(site))
    assert cli.main(["overlay", "zlibby", "--name", "zl"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "zl"
    assert cli.main(["overlay", "zlibby", "-o", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'o' / 'zlibby.pylink.json'}\n"
    assert cli.main(["overlay", "nosuchdist"]) == 1
    assert "distribution 'nosuchdist' is not installed" in capsys.readouterr().err
    with pytest.raises(ProviderNotFound):
        overlay.draft("nosuchdist", path=[str(site)])


def pip_target(tmp_path_factory: pytest.TempPathFactory, requirement: str) -> Path:
    """``requirement``'s wheel from the index installed into a directory (pip --target);
    the test is skipped, saying why, when the index cannot give it."""
    site = tmp_path_factory.mktemp("wheel") / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--only-binary=:all:",
         "--target", str(site), requirement],
        capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.skip(f"cannot install {requirement} from the index: {proc.stderr.strip()[-200:]}")
    return site


def import_beside(
    python: Path | str, imports: str, check: str, library: str, pythonpath: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Import ``imports`` in a fresh ``python`` (with only ``pythonpath``, when given, on
    PYTHONPATH); it prints whether ``check`` holds, then how many files whose path holds
    ``library`` are mapped (``maps``: their paths)."""
    code = (
        f"import {imports}\n"
        f"maps = {{line.split()[-1] for line in open('/proc/self/maps') if {library!r} in line}}\n"
        f"print({check}, len(maps))\n"
    )
    env = None if pythonpath is None else {"PATH": os.environ["PATH"], "PYTHONPATH": pythonpath}
    return subprocess.run([str(python), "-c", code], env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def pyzmq_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pyzmq wheel, installed once per session."""
    return pip_target(tmp_path_factory, PYZMQ)


@pytest.mark.integration
def test_real_repaired_wheel_through_a_drafted_overlay(
    pyzmq_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyzmq's libzmq, hashed in pyzmq.libs/ and recorded, through a drafted overlay: it
    resolves, and a consumer's run-time module imported beside ``zmq`` leaves one mapping
    of the library."""
    doc = overlay.draft("pyzmq", path=[str(pyzmq_site)], name="zmq")
    (libzmq,) = [lib for lib in doc["libraries"] if lib["soname"].startswith("libzmq")]
    assert libzmq["path"].startswith("../pyzmq.libs/libzmq-")
    assert doc["package"] == "zmq" and doc["version"] == "26.2.0"
    assert any("repair tool's hash" in note for note in doc[overlay.NOTES])
    directory = tmp_path / "overlays"
    overlay.write(doc, str(directory))
    monkeypatch.setenv("PYLINK_PATH", str(directory))
    dep = pylinkdep.find("zmq", path=[str(pyzmq_site)])
    (library,) = [lib.path for lib in dep.libraries if lib.soname.startswith("libzmq")]
    consumer = tmp_path / "consumer_site" / "zcons"
    consumer.mkdir(parents=True)
    (consumer / "__init__.py").write_text("from . import _pylink\n")
    runtime_module.write_module(str(consumer / "_pylink.py"), "zcons", "zcons", [dep])
    mapped = str(Path(library).resolve())
    proc = import_beside(sys.executable, "zmq, zcons", f"maps == {{{mapped!r}}}", "libzmq",
                         f"{consumer.parent}{os.pathsep}{pyzmq_site}")  # fmt: skip
    assert (proc.returncode, proc.stdout.split()) == (0, ["True", "1"]), proc.stderr


def test_check_flags_a_run_time_module_that_cannot_find_an_overlay_provider(
    tmp_path: Path, real_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consumer wheel whose run-time module looks for the provider's pylink.json (as
    modules before the marker did) while an overlay describes that provider: check says
    it fails at import. The same wheel written by this pylinkdep passes that check."""
    import zipfile

    from pylinkdep.wheel.check import check_wheel

    site = tmp_path / "site"
    _repaired(site, real_library)
    directory = tmp_path / "overlays"
    overlay.write(overlay.draft("zlibby", path=[str(site)]), str(directory))
    monkeypatch.setenv("PYLINK_PATH", str(directory))
    monkeypatch.syspath_prepend(str(site))
    dep = pylinkdep.find("zlibby")
    source = runtime_module.module_source("zcons", "zcons", [dep])
    old = source.replace("'marker': '',", "")
    assert old != source

    def wheel(module: str) -> Path:
        path = tmp_path / "zcons-1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("zcons/__init__.py", "from . import _pylink\n")
            zf.writestr("zcons/_pylink.py", module)
            zf.writestr(
                "zcons-1.0.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: zcons\nVersion: 1.0\nRequires-Dist: zlibby==1.3.0\n",
            )
            zf.writestr("zcons-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nTag: py3-none-any\n")
        return path

    problems = check_wheel(str(wheel(old)))
    assert any("by its pylink.json, which it has not" in p for p in problems), problems
    assert not any("pylink.json, which it has not" in p for p in check_wheel(str(wheel(source))))


ZMQ_CONSUMER = r"""
#include <Python.h>
void zmq_version(int *major, int *minor, int *patch);  /* the wheel ships no header */
static PyObject *version(PyObject *self, PyObject *args) {
    int a, b, c;
    zmq_version(&a, &b, &c);
    return Py_BuildValue("(iii)", a, b, c);
}
static PyMethodDef methods[] = {{"version", version, METH_NOARGS, ""}, {NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
"""


@pytest.mark.integration
def test_consumer_linked_against_a_real_wheel_through_an_overlay(
    pyzmq_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extension linked with gcc against pyzmq's libzmq through a drafted overlay (the
    flags and run path of the one builder), installed beside pyzmq: its RUNPATH is
    $ORIGIN-relative only, and imported with zmq it calls the one mapped libzmq."""
    import sysconfig

    from pylinkdep import rpath
    from pylinkdep.outputs import flags

    from .conftest import dynamic

    site = tmp_path / "site"
    shutil.copytree(pyzmq_site, site)
    directory = tmp_path / "overlays"
    overlay.write(overlay.draft("pyzmq", path=[str(site)], name="zmq"), str(directory))
    monkeypatch.setenv("PYLINK_PATH", str(directory))
    dep = pylinkdep.find("zmq", path=[str(site)])
    (site / "zcons").mkdir()
    runtime_module.write_module(str(site / "zcons" / "_pylink.py"), "zcons", "zcons", [dep])
    (site / "zcons" / "__init__.py").write_text(
        "from . import _pylink\nfrom ._ext import version\n"
    )
    source = tmp_path / "ext.c"
    source.write_text(ZMQ_CONSUMER)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    ext = site / "zcons" / f"_ext{suffix}"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}", str(source),
         "-o", str(ext), *flags.cflags([dep]), *flags.libs([dep]),
         *rpath.linker_args(dep.rpaths("zcons"))],
        check=True,
    )  # fmt: skip
    runpath = dynamic(ext).runpath
    assert runpath and all(entry.startswith("$ORIGIN/") for entry in runpath), runpath
    proc = import_beside(sys.executable, "zmq, zcons", ZMQ_CHECK, "libzmq", str(site))
    assert (proc.returncode, proc.stdout.split()) == (0, ["True", "1"]), proc.stderr


OVERLAY = {
    "pylink": 1,
    "name": "zmq",
    "abi": "==26.2.0",
    "package": "zmq",
    "distribution": "pyzmq",
    "libraries": [{"path": "../pyzmq.libs/libzmq-*.so.5*"}],
}  # docs/overlays.md's, word for word

ROUTES = ("cmake", "meson")


def build_isolated(
    files: dict[str, str], overlay_doc: dict[str, Any], wheelhouse: Wheelhouse, tmp_path: Path
) -> tuple[Path, Path, Path]:
    """Build the consumer ``files`` by `python -m build` (an isolated environment that
    installs its build requirements from the index and pylinkdep from the wheelhouse),
    with ``overlay_doc`` on PYLINK_PATH; install the wheel into a fresh venv. Returns
    (the wheel, the venv's python, the overlay directory)."""
    import venv

    from .conftest import demo

    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / f"{overlay_doc['name']}.pylink.json").write_text(json.dumps(overlay_doc))
    project = tmp_path / "project"
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    wheelhouse.wheel("pylinkdep")
    env = {**demo.finding_wheels_in(wheelhouse.root), "PYLINK_PATH": str(overlays)}
    out = tmp_path / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(project)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0 and "No matching distribution found" in proc.stdout:
        pytest.skip(f"a build requirement is not on the index here: {proc.stdout[-300:]}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   env=demo.finding_wheels_in(wheelhouse.root))  # fmt: skip
    return wheel, python, overlays


def runpath_in(wheel: Path, prefix: str) -> tuple[str, ...]:
    """The RUNPATH of the wheel's one extension under ``prefix``."""
    import zipfile

    from .conftest import dynamic

    with zipfile.ZipFile(wheel) as zf:
        (ext,) = [n for n in zf.namelist() if n.startswith(prefix)]
        return dynamic(zf.read(ext)).runpath


@pytest.mark.integration
@pytest.mark.parametrize("route", ROUTES)
def test_consumer_of_a_real_wheel_built_in_isolation(
    route: str,
    pyzmq_site: Path,
    wheelhouse: Wheelhouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyzmq's drafted overlay, completed into docs/overlays.md's; a meson-python and a
    scikit-build-core consumer (each with its run-time module) built in isolation and
    installed beside pyzmq in a fresh venv: the RUNPATH reaches pyzmq.libs, and it calls
    the one mapped libzmq. Then the next release, with libzmq re-hashed: the run-time
    module's ImportError, and the overlay (its ABI range widened) resolving the new name."""
    from .conftest import demo

    # The draft, completed as docs/overlays.md says: libzmq alone, as a pattern, the
    # version and soname left to the installed wheel, no headers.
    draft = overlay.draft("pyzmq", path=[str(pyzmq_site)], name="zmq")
    completed = {key: draft[key] for key in OVERLAY if key != "libraries"}
    completed["libraries"] = [{"path": "../pyzmq.libs/libzmq-*.so.5*"}]
    assert completed == OVERLAY
    files = consumer_project(route, "zcons", "zmq", PYZMQ, cpp=False)
    wheel, python, overlays = build_isolated(
        {**files, "ext.c": ZMQ_CONSUMER}, completed, wheelhouse, tmp_path
    )
    assert runpath_in(wheel, "zcons/_ext") == ("$ORIGIN/../pyzmq.libs",)
    proc = import_beside(python, "zmq, zcons", ZMQ_CHECK, "libzmq")
    assert (proc.returncode, proc.stdout.split()) == (0, ["True", "1"]), proc.stderr
    if route != "cmake":  # one route is enough for the upgrade
        return
    # The next release re-hashes libzmq: the consumer built against 26.2.0 fails with the
    # run-time module's ImportError; the overlay, its ABI range widened, finds the new name.
    upgrade = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", NEXT_PYZMQ],
        capture_output=True, text=True,
    )  # fmt: skip
    if upgrade.returncode != 0:
        pytest.skip(f"cannot install {NEXT_PYZMQ} from the index: {upgrade.stderr[-200:]}")
    proc = import_beside(python, "zmq, zcons", ZMQ_CHECK, "libzmq")
    assert proc.returncode == 1
    assert "zcons was built against pyzmq 26.2.0 and runs with pyzmq==26.2.0" in proc.stderr
    site = Path(demo.site_packages(python))
    (overlays / "zmq.pylink.json").write_text(json.dumps({**OVERLAY, "abi": ">=26.2,<27"}))
    monkeypatch.setenv("PYLINK_PATH", str(overlays))
    dep = pylinkdep.find("zmq", path=[str(site)])
    assert dep.version == "26.3.0"
    assert Path(dep.libraries[0].path).name.startswith("libzmq-")
    assert not Path(dep.libraries[0].path).name.startswith("libzmq-a430b4ce")


PYARROW = "pyarrow==26.0.1"  # headers and versioned libraries inside the package
ARROW_CHECK = "acons.version() == pyarrow.__version__"
ARROW_CONSUMER = r"""
#include <Python.h>
#include <arrow/config.h>
static PyObject *version(PyObject *, PyObject *) {
    return PyUnicode_FromString(arrow::GetBuildInfo().version_string.c_str());
}
static PyMethodDef methods[] = {{"version", version, METH_NOARGS, ""}, {nullptr}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", nullptr, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
"""


@pytest.mark.integration
def test_real_wheel_with_headers_and_versioned_libraries(
    pyarrow_site: Path,
    arrow_overlay: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second kind of wheel: pyarrow ships pyarrow/include/ and libarrow.so.2600 in
    its package (no hash). The drafted overlay lists each library once, by the file named
    as its SONAME; completed, a C++ extension built with g++ from its flags, imported
    beside pyarrow with its run-time module, reports pyarrow's version from the one
    mapped libarrow."""
    import sysconfig

    from pylinkdep import rpath
    from pylinkdep.outputs import flags

    doc = overlay.draft("pyarrow", path=[str(pyarrow_site)], name="arrow")
    paths = {lib["soname"]: lib["path"] for lib in doc["libraries"]}
    assert len(paths) == len(doc["libraries"])  # one file per SONAME
    assert paths["libarrow.so.2600"] == "libarrow.so.2600"
    assert paths["libarrow_python.so.2600"] == "libarrow_python.so.2600"  # not its copies
    assert "include" in doc["include_dirs"]
    assert not any("repair tool's hash" in note for note in doc[overlay.NOTES])
    site = tmp_path / "site"
    shutil.copytree(pyarrow_site, site, symlinks=True)
    overlay.write(arrow_overlay, str(tmp_path / "overlays"))
    monkeypatch.setenv("PYLINK_PATH", str(tmp_path / "overlays"))
    dep = pylinkdep.find("arrow", path=[str(site)])
    assert dep.requirement == "pyarrow>=26,<27"
    (site / "acons").mkdir()
    runtime_module.write_module(str(site / "acons" / "_pylink.py"), "acons", "acons", [dep])
    init = "from . import _pylink\nfrom ._ext import version\n"
    (site / "acons" / "__init__.py").write_text(init)
    source = tmp_path / "ext.cc"
    source.write_text(ARROW_CONSUMER)
    ext = site / "acons" / f"_ext{sysconfig.get_config_var('EXT_SUFFIX')}"
    subprocess.run(
        ["g++", "-std=c++20", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}",
         str(source), "-o", str(ext), *flags.cflags([dep]), *flags.libs([dep]),
         *rpath.linker_args(dep.rpaths("acons"))],
        check=True,
    )  # fmt: skip
    proc = import_beside(sys.executable, "pyarrow, acons", ARROW_CHECK, "libarrow.so", str(site))
    assert (proc.returncode, proc.stdout.split()) == (0, ["True", "1"]), proc.stderr


@pytest.fixture(scope="session")
def pyarrow_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pyarrow wheel, installed once per session."""
    return pip_target(tmp_path_factory, PYARROW)


@pytest.fixture(scope="session")
def arrow_overlay(pyarrow_site: Path) -> dict[str, Any]:
    """The overlay `pylinkdep overlay` drafts for pyarrow, completed: the ABI range its
    SONAME states, its include directory, libarrow alone."""
    doc = overlay.draft("pyarrow", path=[str(pyarrow_site)], name="arrow")
    doc.update(
        abi=">=26,<27",
        include_dirs=["include"],
        libraries=[lib for lib in doc["libraries"] if lib["path"] == "libarrow.so.2600"],
    )
    return doc


@pytest.mark.integration
@pytest.mark.parametrize("route", ROUTES)
def test_consumer_of_a_wheel_with_headers_built_in_isolation(
    route: str, arrow_overlay: dict[str, Any], wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    """The second kind: meson-python and scikit-build-core C++ consumers of pyarrow's
    libarrow through the drafted overlay, built in isolation (pyarrow from the index),
    installed beside pyarrow: RUNPATH $ORIGIN/../pyarrow, one libarrow, pyarrow's version."""
    files = consumer_project(route, "acons", "arrow", PYARROW, cpp=True)
    wheel, python, _ = build_isolated(
        {**files, "ext.cc": ARROW_CONSUMER}, arrow_overlay, wheelhouse, tmp_path
    )
    assert runpath_in(wheel, "acons/_ext") == ("$ORIGIN/../pyarrow",)
    proc = import_beside(python, "pyarrow, acons", ARROW_CHECK, "libarrow.so")
    assert (proc.returncode, proc.stdout.split()) == (0, ["True", "1"]), proc.stderr


def _windows_site(site: Path, pe: dict[str, Path], implib: str, archive: bool = True) -> Path:
    """An installed Windows distribution ``winprov`` 2.0 without pylink metadata: mingw's
    ``libprov.dll``, its import library as ``implib`` beside it (unless ``archive`` is
    false: a text file of that name), a header, all recorded."""
    pkg = site / "winprov"
    (pkg / "include").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "include" / "prov.h").write_text("int prov_answer(void);\n")
    shutil.copy(pe["provider"], pkg / "libprov.dll")
    files = ["winprov/__init__.py", "winprov/include/prov.h", "winprov/libprov.dll"]
    if archive:
        shutil.copy(pe["import-library"], pkg / implib)
    else:
        (pkg / implib).write_text("EXPORTS\n")
    files.append(f"winprov/{implib}")
    info = site / "winprov-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: winprov\nVersion: 2.0\n")
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in [*files, f"{info.name}/RECORD"]))
    return pkg


@pytest.mark.parametrize("implib", ["libprov.dll.a", "libprov.lib", "prov.lib"])
def test_draft_of_a_windows_distribution_links_its_import_library(
    tmp_path: Path, pe_libraries: dict[str, Path], monkeypatch: pytest.MonkeyPatch, implib: str
) -> None:
    """The DLL by the name its export directory gives, the import library the RECORD
    lists beside it (mingw's or MSVC's name), format 2; the overlay resolves to a link
    line of the import library."""
    site = tmp_path / "site"
    pkg = _windows_site(site, pe_libraries, implib)
    doc = overlay.draft("winprov", path=[str(site)])
    assert doc["pylink"] == 2
    assert doc["libraries"] == [
        {"path": "libprov.dll", "soname": "libprov.dll", "import_library": implib}
    ]
    assert not any("import library" in note for note in doc[overlay.NOTES])
    directory = tmp_path / "overlays"
    overlay.write(doc, str(directory))
    monkeypatch.setenv("PYLINK_PATH", str(directory))
    (lib,) = pylinkdep.find("winprov", path=[str(site)]).libraries
    assert (lib.path, lib.link_file) == (str(pkg / "libprov.dll"), str(pkg / implib))


def test_draft_of_a_windows_distribution_without_import_library(
    tmp_path: Path, pe_libraries: dict[str, Path]
) -> None:
    site = tmp_path / "site"
    """A recorded file of an import library's name that is no ar archive is not one;
    an unrecorded archive beside the DLL is not the distribution's."""
    _windows_site(site, pe_libraries, "libprov.lib", archive=False)
    shutil.copy(pe_libraries["import-library"], site / "winprov" / "libprov.dll.a")
    doc = overlay.draft("winprov", path=[str(site)])
    assert doc["pylink"] == 1
    assert doc["libraries"] == [{"path": "libprov.dll", "soname": "libprov.dll"}]
    assert (
        "libraries: the distribution records no import library (.lib, .dll.a) beside "
        "winprov/libprov.dll: consumers on Windows cannot link it until one is given as "
        "import_library"
    ) in doc[overlay.NOTES]
