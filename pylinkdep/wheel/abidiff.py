"""``pylinkdep abi-diff``: the changes between two wheels of a provider that break its
consumers, found by libabigail's ``abidiff`` and judged against the new wheel's ``abi``.

The libraries of the two wheels are matched by pylink name and SONAME, and each pair is
compared with the wheels' include directories as the public headers
(``--headers-dir1``/``--headers-dir2``: types defined elsewhere are private and do not
count). abidiff reports what it calls harmful changes (removed functions and variables,
changed type layouts and function signatures; added symbols are left out); its exit
status says whether there are any, and its report names them, one entry each. Without
DWARF debug info in a library abidiff compares exported symbols only.

A change breaks consumers when the new ``abi`` range still admits the old version:
consumers built against the old one are told they may run with the new one. When the
range excludes it, consumers built against the old version refuse the new one at import,
and the changes are information.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile

from .. import _binary
from .._fs import inside
from .._value import Frozen, frozen
from .._versions import contains, narrowed
from ..errors import PylinkError
from ..metadata import normalize_name
from .check import Wheel

INSTALL = "apt-get install abigail-tools"
"""How to get abidiff (Debian and Ubuntu; Fedora: ``dnf install libabigail``)."""

# abidiff's exit status is a bit field (libabigail's manual, abidiff, "Return values"):
# 1 an error, 2 a usage error (with 1), 4 an ABI change, 8 an incompatible one (with 4).
ABIDIFF_ERROR, ABIDIFF_ABI_CHANGE = 1, 4

OPTIONS = ("--leaf-changes-only", "--impacted-interfaces", "--no-show-locs", "--no-added-syms")
"""One entry per changed type, function or variable (with the interfaces a type change
reaches), without source locations (they name the build machine's paths), and no
additions: they break no consumer."""

MAX_MEMBER = 2 << 30
"""The largest library or header copied out of a wheel, in bytes."""

# An entry of abidiff's leaf-changes report: a function, variable or symbol ("  [D] ...",
# "  [C] ...") or a type ("'struct s' changed:"); the lines indented below it say how.
_ENTRY = re.compile(r"^  \[([DC])\] (.*)$|^('.*)$")


@frozen
class Change(Frozen):
    """One change abidiff reports in a library."""

    soname: str
    what: str
    """One line: the symbol or type and what changed."""


@frozen
class Verdict(Frozen):
    """The changes of one provider between the two wheels, judged by the new ``abi``."""

    name: str
    old_version: str
    new_version: str
    abi: str
    """The new wheel's range."""
    changes: tuple[Change, ...]
    without_debug_info: tuple[str, ...]
    """``WHEEL: SONAME`` of each library abidiff could compare by its symbols only."""

    @property
    def admits_old(self) -> bool:
        """Whether consumers built against the old version may run with the new one."""
        return contains(self.abi, self.old_version)

    @property
    def breaking(self) -> bool:
        return self.admits_old and bool(self.changes)

    def fix(self) -> str:
        """The new range with its lower bound raised to the new version."""
        return narrowed(self.abi, self.new_version)

    def report(self) -> list[str]:
        """One line per change, then the judgement."""
        head = f"{self.name} {self.old_version} -> {self.new_version}"
        lines = [f"{head}: {change.soname}: {change.what}" for change in self.changes]
        if not self.changes:
            lines.append(f"{head}: no change that breaks consumers")
        elif self.admits_old:
            lines.append(
                f"{head}: abi {self.abi!r} admits {self.old_version}, so consumers built "
                f"against it may run with {self.new_version} and meet these changes: raise "
                f"the abi range's lower bound, e.g. to {self.fix()!r}"
            )
        else:
            lines.append(
                f"{head}: abi {self.abi!r} excludes {self.old_version}: consumers built "
                "against it refuse this version, so these changes are information"
            )
        return lines

    def warnings(self) -> list[str]:
        return [
            f"{library} carries no DWARF debug info (built without -g): abi-diff compares "
            "its exported symbols only, not type layouts or function signatures"
            for library in self.without_debug_info
        ]


@frozen
class Comparison(Frozen):
    """What ``abi-diff`` found: a verdict per provider the two wheels share."""

    verdicts: tuple[Verdict, ...]
    unmatched: tuple[str, ...]
    """The old wheel's pylink names the new wheel lacks (not compared)."""


@frozen
class _Unpacked(Frozen):
    """A provider of a wheel, its libraries and include directories copied out."""

    wheel: str
    name: str
    version: str
    abi: str
    libraries: tuple[tuple[str, str], ...]
    """``(SONAME, file)`` in pylink.json's order."""
    include_dirs: tuple[str, ...]


def abidiff() -> str:
    """The abidiff executable; PylinkError naming the install command when it is missing."""
    found = shutil.which("abidiff")
    if found is None:
        raise PylinkError(
            f"abi-diff needs libabigail's abidiff, which is not on PATH: {INSTALL} "
            "(Fedora: dnf install libabigail)"
        )
    return found


def compare_wheels(old: str, new: str, *, suppressions: tuple[str, ...] = ()) -> Comparison:
    """Every provider the two wheels share, compared; ``suppressions`` are abidiff
    suppression specification files (changes a human reviewed as harmless)."""
    tool = abidiff()
    with tempfile.TemporaryDirectory(prefix="pylinkdep-abi-diff-") as tmp:
        before = _unpack(old, os.path.join(tmp, "old"))
        after = _unpack(new, os.path.join(tmp, "new"))
        common = [key for key in after if key in before]
        if not common:
            raise PylinkError(
                f"{old} and {new} have no pylink provider in common "
                f"({', '.join(before)} and {', '.join(after)})"
            )
        verdicts = tuple(_verdict(tool, before[k], after[k], suppressions) for k in common)
    unmatched = tuple(before[k].name for k in before if k not in after)
    return Comparison(verdicts=verdicts, unmatched=unmatched)


def _verdict(tool: str, old: _Unpacked, new: _Unpacked, suppressions: tuple[str, ...]) -> Verdict:
    new_files = dict(new.libraries)
    changes: list[Change] = []
    without_debug_info: list[str] = []
    for soname, old_file in old.libraries:
        new_file = new_files.get(soname)
        if new_file is None:
            others = ", ".join(new_files) or "none"
            changes.append(
                Change(soname=soname, what=f"not in the new wheel (its libraries: {others})")
            )
            continue
        for wheel, file in ((old.wheel, old_file), (new.wheel, new_file)):
            if not _debug_info(file, f"{wheel}: {soname}"):
                without_debug_info.append(f"{wheel}: {soname}")
        try:
            found = compare_libraries(
                tool, old_file, new_file, old.include_dirs, new.include_dirs, suppressions
            )
        except PylinkError as exc:
            raise PylinkError(f"{soname} of {old.wheel} and {new.wheel}: {exc}") from None
        changes += [Change(soname=soname, what=what) for what in found]
    return Verdict(
        name=new.name,
        old_version=old.version,
        new_version=new.version,
        abi=new.abi,
        changes=tuple(changes),
        without_debug_info=tuple(without_debug_info),
    )


def compare_libraries(
    tool: str,
    old: str,
    new: str,
    old_headers: tuple[str, ...] = (),
    new_headers: tuple[str, ...] = (),
    suppressions: tuple[str, ...] = (),
) -> list[str]:
    """The changes of library ``new`` from ``old`` that abidiff reports, one line each
    (empty when there are none), types restricted to those the headers define."""
    args = [tool, *OPTIONS]
    args += [arg for d in old_headers for arg in ("--headers-dir1", d)]
    args += [arg for d in new_headers for arg in ("--headers-dir2", d)]
    args += [arg for file in suppressions for arg in ("--suppressions", file)]
    try:
        proc = subprocess.run(
            [*args, old, new], capture_output=True, text=True, errors="replace", check=False
        )
    except OSError as exc:
        raise PylinkError(f"cannot run {tool}: {exc.strerror}") from None
    status = proc.returncode
    if status < 0 or status & ABIDIFF_ERROR:
        why = " ".join((proc.stderr or proc.stdout).split()) or "no message"
        raise PylinkError(f"abidiff failed (exit status {status}): {why}")
    if not status & ABIDIFF_ABI_CHANGE:
        return []
    return report_entries(proc.stdout) or [
        f"abidiff reports ABI changes (exit status {status}): "
        + "; ".join(line.strip() for line in proc.stdout.splitlines() if line.strip())
    ]


def report_entries(report: str) -> list[str]:
    """Each entry of an abidiff leaf-changes report on one line: ``'function void f()'
    {f} was removed``, ``'struct s' changed: type size changed from 64 to 128 (in bits);
    1 data member insertion: 'long int b', at offset 64 (in bits); ...``."""
    entries: list[list[str]] = []
    indent = 0  # of the open entry's detail lines; 0 when none is open
    for line in report.splitlines():
        match = _ENTRY.match(line)
        if match:
            kind, subject, type_change = match.groups()
            if kind == "D":
                entries.append([f"{' '.join(subject.split())} was removed"])
            else:
                entries.append([(subject or type_change).rstrip(":")])
            indent = 4 if kind else 2
        elif indent and line.startswith(" " * indent):
            entries[-1].append(line.strip())
        elif line.strip():
            indent = 0  # a heading or a summary ends an entry
    return [_joined(entry) for entry in entries]


def _joined(entry: list[str]) -> str:
    """An entry's subject and detail lines on one line: a line ending in ``:`` introduces
    the next, the others are separated by ``;``."""
    text = entry[0] + (":" if len(entry) > 1 else "")
    for line in entry[1:]:
        text += f" {line}" if text.endswith(":") else f"; {line}"
    return text


def _debug_info(file: str, label: str) -> bool:
    try:
        with open(file, "rb") as f:
            return _binary.has_debug_info(f)
    except _binary.NotSharedLibrary as exc:
        raise PylinkError(f"{label} {exc}: abidiff compares ELF libraries only") from None


def _unpack(path: str, into: str) -> dict[str, _Unpacked]:
    """Each pylink provider of the wheel at ``path`` by normalized name, its libraries and
    include directories copied under ``into``."""
    try:
        with zipfile.ZipFile(path) as zf:
            wheel = Wheel(path, zf)
            if not wheel.dist_info:
                raise PylinkError(f"{path}: no .dist-info directory: not a wheel")
            found = [
                _provider(wheel, name, package.replace(".", "/"), os.path.join(into, str(n)))
                for n, (name, package) in enumerate(wheel.entry_points())
            ]
    except (OSError, zipfile.BadZipFile) as exc:
        raise PylinkError(f"cannot read the wheel {path}: {exc}") from None
    if not found:
        raise PylinkError(f"{path}: no pylink provider (no [pylink] entry point)")
    return {normalize_name(p.name): p for p in found}


def _provider(wheel: Wheel, name: str, pkg_dir: str, root: str) -> _Unpacked:
    """The provider of entry point ``name``, its files copied under ``root``."""
    meta = wheel.metadata(name, pkg_dir)
    where = f"{wheel.path}!{pkg_dir}/pylink.json"
    libraries = []
    for i, lib in enumerate(meta.libraries):
        member = posixpath.normpath(posixpath.join(pkg_dir, lib.path))
        if member not in wheel.names:
            raise PylinkError(f"{where}: libraries[{i}] {lib.path!r} is not in the wheel")
        file = os.path.join(root, f"lib{i}", posixpath.basename(member))
        _extract(wheel.zf, member, file)
        libraries.append((lib.soname, file))
    include_dirs = []
    for i, include in enumerate(meta.include_dirs):
        base = posixpath.normpath(posixpath.join(pkg_dir, include)) + "/"
        members = sorted(m for m in wheel.names if m.startswith(base))
        if not members:
            raise PylinkError(f"{where}: include_dirs[{i}] {include!r} is not in the wheel")
        directory = os.path.join(root, f"include{i}")
        for member in members:
            file = os.path.normpath(os.path.join(directory, member[len(base) :]))
            if not inside(file, directory):
                raise PylinkError(f"{wheel.path}!{member}: leaves {base}")
            _extract(wheel.zf, member, file)
        include_dirs.append(directory)
    return _Unpacked(
        wheel=os.path.basename(wheel.path),
        name=meta.name,
        version=meta.version,
        abi=meta.abi,
        libraries=tuple(libraries),
        include_dirs=tuple(include_dirs),
    )


def _extract(zf: zipfile.ZipFile, member: str, file: str) -> None:
    """Copy ``member`` to ``file``, refusing one larger than :data:`MAX_MEMBER`."""
    os.makedirs(os.path.dirname(file), exist_ok=True)
    size = 0
    with zf.open(member) as src, open(file, "wb") as out:
        while chunk := src.read(1 << 20):
            size += len(chunk)
            if size > MAX_MEMBER:
                raise PylinkError(f"{zf.filename}!{member}: larger than {MAX_MEMBER} bytes")
            out.write(chunk)
