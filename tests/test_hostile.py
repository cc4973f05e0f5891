"""The hostile corpus (tests/hostile/cases.json, format in tests/hostile/README.md).

Each case is refused by the API and the command line with the documented exception and
a message naming distribution, file and field; nothing is written and no provider code runs.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import pylinkdep

from .conftest import MakeProvider, snapshot, valid_doc

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "hostile" / "cases.json").read_text(encoding="utf-8")
)
# Imported provider code would leave a file beside its __init__.py: caught by the snapshot.
TRIPWIRE = "open(__file__ + '.ran', 'w').close()\n"


def pieces(spec: list[list[Any]]) -> bytes:
    return "".join(text * count for text, count in spec).encode("latin-1")


def provider_document(spec: dict[str, Any]) -> bytes:
    if "raw" in spec:
        return pieces(spec["raw"])
    if "document" in spec:
        return json.dumps(spec["document"]).encode()
    doc = {**valid_doc(spec["name"]), **spec.get("doc", {})}
    for key in spec.get("drop", []):
        del doc[key]
    return json.dumps(doc).encode()


@pytest.fixture(scope="session")
def elf_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """gcc-built ELF files that are not linkable shared libraries, by kind."""
    out = tmp_path_factory.mktemp("elf")
    src = out / "f.c"
    src.write_text("int f(void) { return 1; }\nint main(void) { return f(); }\n")
    built = {
        "object": ["-c"],
        "executable": ["-no-pie"],
        "no-soname": ["-shared", "-fPIC"],
    }
    for kind, flags in built.items():
        subprocess.run(["gcc", *flags, "-o", str(out / kind), str(src)], check=True)
    return {kind: out / kind for kind in built}


def place(path: Path, spec: str | dict[str, Any], library: Path, elf: dict[str, Path]) -> None:
    """Replace whatever is at ``path`` by what ``spec`` describes."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(spec, str):
        path.write_bytes(spec.encode("latin-1"))
    elif "pieces" in spec:
        path.write_bytes(pieces(spec["pieces"]))
    elif "symlink" in spec:
        path.symlink_to(spec["symlink"])
    elif spec.get("dir"):
        path.mkdir()
    elif spec.get("fifo"):
        os.mkfifo(path)
    elif spec.get("library"):
        shutil.copy(library, path)
    elif "elf" in spec:
        shutil.copy(elf[spec["elf"]], path)
    else:
        assert spec == {"remove": True}, spec


def expected_where(case: dict[str, Any], site: Path, overlays: Path) -> tuple[Any, Any, Any]:
    """(distribution, file, field) the error must carry."""
    error = case["error"]
    first = case.get("providers", [{}])[0]
    distribution = error.get("distribution", first.get("distribution", first.get("name")))
    package = first.get("package", first.get("name", ""))
    file = error.get("file", f"{package.replace('.', '/')}/pylink.json")
    if file.startswith("@overlays/"):
        file = str(overlays / file.removeprefix("@overlays/"))
    else:
        file = str(site / file)
    return distribution, file, error["field"]


def check_message(text: str, case: dict[str, Any], where: tuple[Any, Any, Any]) -> None:
    distribution, file, field = where
    for part in case["error"]["message"]:
        assert part in text
    assert (f"distribution {distribution!r}" in text) == (distribution is not None)
    assert f"file {file}" in text
    assert (f"field {field!r}" in text) == (field is not None)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hostile(
    case: dict[str, Any],
    tmp_path: Path,
    make_provider: MakeProvider,
    real_library: Path,
    elf_files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site, overlays, cwd = tmp_path / "site-packages", tmp_path / "overlays", tmp_path / "cwd"
    for directory in (site, overlays, cwd):
        directory.mkdir()
    for spec in case.get("providers", []):
        options = {k: spec[k] for k in ("package", "distribution", "entry_point") if k in spec}
        make_provider(
            site, spec["name"], doc=provider_document(spec), init_code=TRIPWIRE, **options
        )
    for rel, spec in case.get("files", {}).items():
        place(site / rel, spec, real_library, elf_files)
    for file, overrides in case.get("overlays", {}).items():
        doc = {**valid_doc(overrides["name"]), **overrides}
        (overlays / file).write_text(json.dumps(doc))
    name = case.get("find", case.get("providers", [{}])[0].get("name"))
    version = case.get("version")
    error_type = getattr(pylinkdep, case["error"]["type"])
    assert issubclass(error_type, pylinkdep.PylinkError)
    where = expected_where(case, site, overlays)
    monkeypatch.setenv("PYLINK_PATH", str(overlays))
    monkeypatch.chdir(cwd)
    before = snapshot(tmp_path)

    with pytest.raises(pylinkdep.PylinkError) as info:
        pylinkdep.find(name, version, path=[str(site)])
    exc = info.value
    assert type(exc) is error_type, exc
    assert (exc.distribution, exc.file, exc.field) == where
    check_message(str(exc), case, where)
    listing_fails = case.get("list", "error") == "error"
    if listing_fails:
        with pytest.raises(error_type) as info:
            pylinkdep.providers(path=[str(site)])
        assert str(info.value) == str(exc)
    else:
        pylinkdep.providers(path=[str(site)])

    env = {**os.environ, "PYTHONPATH": str(site), "PYLINK_PATH": str(overlays)}
    query = f"{name} {version}" if version else name
    commands = [
        (["--cflags", "--libs", query], True),
        (["cargo", query, "--rpath-from", "consumer"], True),
        (["list"], listing_fails),
    ]
    if version is None:
        commands.append((["show", name, "--json"], True))
    procs = [
        (args[0], fails, subprocess.Popen(
            [sys.executable, "-m", "pylinkdep", *args], cwd=cwd, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ))
        for args, fails in commands
    ]  # fmt: skip
    for command, fails, proc in procs:
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err
        if not fails:
            assert (proc.returncode, err) == (0, "")
            continue
        assert proc.returncode == 1
        if command != "list":  # list prints the providers that are fine
            assert out == ""
        (line,) = err.splitlines()
        assert line.startswith("pylinkdep: error: ")
        check_message(line, case, where)

    assert snapshot(tmp_path) == before


def test_corpus_covers_the_issue() -> None:
    """At least 40 cases, and every exception type the API documents."""
    assert len(CASES) >= 40
    assert {c["error"]["type"] for c in CASES} == {
        "InvalidMetadata",
        "DuplicateProvider",
        "DependencyCycle",
        "VersionConflict",
        "ProviderNotFound",
    }


def test_check_refuses_a_pylink_json_bomb(tmp_path: Path) -> None:
    """``pylinkdep check`` on a wheel whose pylink.json inflates to 256 MiB: refused without
    reading it, in a process limited to 200 MB of address space."""
    wheel = tmp_path / "bomb-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("bomb-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bomb\n")
        zf.writestr("bomb-1.0.dist-info/entry_points.txt", "[pylink]\nbomb = bomb\n")
        with zf.open("bomb/pylink.json", "w", force_zip64=True) as member:
            for _ in range(256):
                member.write(b" " * (1 << 20))
    assert wheel.stat().st_size < 2 << 20

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (200 << 20, 200 << 20))

    proc = subprocess.run(
        [sys.executable, "-m", "pylinkdep", "check", str(wheel)],
        capture_output=True, text=True, preexec_fn=limit_memory,
    )  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "bomb/pylink.json: larger than 1048576 bytes" in proc.stdout
