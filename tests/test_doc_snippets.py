"""The docs' consumer snippets build as written: every fenced code block of README.md and
docs/*.md whose info string carries ``snippet=NAME file=PATH`` is written to PATH of an
empty directory, one directory per NAME; each is built in an isolated build (pylinkdep
and exampleprov from the session's wheelhouse, the rest from the package index),
installed with exampleprov into a fresh environment, imported (its run-time module
active, the provider's library loaded once) and called; then an exampleprov outside its
ABI range makes the import fail with an ImportError naming the consumer.

A snippet's package is the directory of its shallowest ``__init__.py``; it is called
through the functions it exports (public callables that are not classes), each with no
argument or with ``1``, at least one of which must succeed."""

from __future__ import annotations

import re
import sys
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

import pytest

from .conftest import ProviderVariants, Wheelhouse, demo
from .test_runtime import bare_env, pip, run

NAMES = (
    "readme-meson",
    "meson-consumer",
    "skbuild-consumer",
    "setuptools-consumer",
    "cython-consumer",
)
"""The snippets that must exist: deleting one fails its case."""

_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATTRIBUTE = re.compile(r"(?:^|\s)(snippet|file)=(\S+)")


@dataclass(frozen=True)
class Block:
    """One marked code block: where it is (``doc:line``), its snippet, file and text."""

    where: str
    snippet: str
    file: str
    text: str


def marked_blocks(doc: str, where: str) -> list[Block]:
    """The fenced code blocks of the markdown text ``doc`` that carry ``snippet=``,
    in order; ``where`` names the document in error messages."""
    found: list[Block] = []
    lines = doc.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        opening = _OPEN.match(lines[i].rstrip("\n"))
        i += 1
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            continue
        fence, indent, start = opening["fence"], len(opening["indent"]), i
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        while i < len(lines) and not close.match(lines[i]):
            i += 1
        body = "".join(
            line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in lines[start:i]
        )
        i += 1
        attributes = dict(_ATTRIBUTE.findall(opening["info"]))
        if "snippet" not in attributes:
            continue
        here = f"{where}:{start}"
        path = PurePosixPath(attributes.get("file", ""))
        if not path.parts or path.is_absolute() or ".." in path.parts:
            raise ValueError(
                f"{here}: snippet={attributes['snippet']} needs file=PATH, a "
                f"relative path inside the project (got {str(path)!r})"
            )
        found.append(Block(here, attributes["snippet"], path.as_posix(), body))
    return found


def snippets(root: Path = demo.REPO) -> dict[str, dict[str, str]]:
    """Each snippet's files (path: text), from the marked blocks of README.md and
    docs/*.md under ``root``; a file given twice in one snippet is an error naming both
    places."""
    groups: dict[str, dict[str, Block]] = {}
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        if not doc.is_file():
            continue
        where = doc.relative_to(root).as_posix()
        for block in marked_blocks(doc.read_text(encoding="utf-8"), where):
            files = groups.setdefault(block.snippet, {})
            if block.file in files:
                raise ValueError(
                    f"{block.where}: snippet={block.snippet} file={block.file} "
                    f"repeats {files[block.file].where}"
                )
            files[block.file] = block
    return {name: {f: b.text for f, b in files.items()} for name, files in groups.items()}


def package_of(files: dict[str, str], name: str) -> str:
    """The import name of the snippet's package: the directory of its shallowest
    ``__init__.py`` (``src/`` layouts included)."""
    inits = sorted((PurePosixPath(f) for f in files if f.endswith("__init__.py")), key=len_parts)
    assert inits, f"snippet={name} has no <package>/__init__.py block"
    return inits[0].parent.name


def distribution_name(wheel: Path) -> str:
    """The ``Name`` of a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as zf:
        (metadata,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        name: str = HeaderParser().parsestr(zf.read(metadata).decode())["Name"]
    return name


def len_parts(path: PurePosixPath) -> int:
    return len(path.parts)


def test_marked_blocks() -> None:
    doc = (
        "text\n```toml snippet=a file=pyproject.toml\n[x]\n```\n"
        "````md snippet=a file=README.md\n```\ninner\n```\n````\n"
        "  ~~~c   snippet=b  file=src/x.c  \n  int x;\n   y;\n  ~~~\n"
        "```python\nnot marked\n```\n"
    )
    blocks = marked_blocks(doc, "d.md")
    assert [(b.where, b.snippet, b.file, b.text) for b in blocks] == [
        ("d.md:2", "a", "pyproject.toml", "[x]\n"),
        ("d.md:5", "a", "README.md", "```\ninner\n```\n"),
        ("d.md:10", "b", "src/x.c", "int x;\n y;\n"),
    ]
    for info in ("snippet=a", "snippet=a file=/etc/x", "snippet=a file=../x"):
        with pytest.raises(ValueError, match=r"^d\.md:1: snippet=a needs file=PATH"):
            marked_blocks(f"```c {info}\nx\n```\n", "d.md")


def test_repeated_file(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "x.md"
    doc.parent.mkdir()
    doc.write_text("```c snippet=a file=x.c\n1\n```\n\n```c snippet=a file=x.c\n2\n```\n")
    with pytest.raises(
        ValueError, match=r"^docs/x\.md:5: snippet=a file=x\.c repeats docs/x\.md:1$"
    ):
        snippets(tmp_path)


def test_docs_parse() -> None:
    """The repository's marked blocks are well formed (file= on each, no file twice)."""
    assert isinstance(snippets(), dict)


CALL = """
import sys, {package} as pkg
results = []
for name in dir(pkg):
    f = getattr(pkg, name)
    if name.startswith("_") or not callable(f) or isinstance(f, type):
        continue
    for args in ((), (1,)):
        try:
            results.append((name, f(*args)))
            break
        except TypeError:
            pass
maps = {{l.split()[-1] for l in open("/proc/self/maps") if "libexampleprov" in l}}
print(repr(results), len(maps), "{package}._pylink" in sys.modules)
"""


@pytest.mark.parametrize("name", NAMES)
def test_snippet_builds(
    name: str, wheelhouse: Wheelhouse, provider_variants: ProviderVariants, tmp_path: Path
) -> None:
    files = snippets().get(name)
    assert files, f"no code block of README.md or docs/*.md carries snippet={name} file=..."
    assert "pyproject.toml" in files, f"snippet={name} has no file=pyproject.toml block"
    package = package_of(files, name)
    project = tmp_path / "project"
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)

    _, provider = wheelhouse.wheels("pylinkdep", "provider-meson")
    out = tmp_path / "out"  # not the wheelhouse: a snippet may reuse an example's name
    demo.sh(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(project)],
        env=demo.finding_wheels_in(wheelhouse.root),
    )
    (wheel,) = out.glob("*.whl")
    consumer = distribution_name(wheel)
    python = bare_env(tmp_path / "env", provider, wheel)

    proc = run(python, CALL.format(package=package))
    assert proc.returncode == 0, proc.stderr
    results, mapped, runtime_module = proc.stdout.rsplit(maxsplit=2)
    assert results != "[]", f"{package} exports no function callable with () or (1,)"
    assert (mapped, runtime_module) == ("1", "True"), proc.stdout

    pip(python, "install", str(provider_variants.wheel("2.0.0")))
    proc = run(python, f"import {package}")
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    normalized = re.sub(r"[-_.]+", "-", consumer).lower()
    assert last.startswith((f"ImportError: {consumer} ", f"ImportError: {normalized} ")), (
        proc.stderr
    )
    assert "but exampleprov 2.0.0 is installed" in last, last
