"""Compiler and linker flags in pkg-config's form (``--cflags``, ``--libs``), order, classes
(``--cflags-only-I``, ``--libs-only-l``, ...) and quoting."""

from .._resolve import Dependency, Provider, unique

TYPE_CHECKING = False  # no typing import: this module is on the lookup path
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

# pkg-config escapes shell-special characters in its output with a backslash: all but these.
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/.,:=+@%^-")


def _providers(deps: "Iterable[Dependency]") -> "tuple[Provider, ...]":
    """Every provider of ``deps``, each once, in link order."""
    return unique(p for dep in deps for p in dep.link_order)


def cflags(deps: "Iterable[Dependency]") -> list[str]:
    """Per provider in link order, as pkg-config orders them: its ``-I`` and ``-D`` flags
    (each once, at its first place), then its extra compile args as given."""
    seen: set[str] = set()
    return [
        arg
        for p in _providers(deps)
        for arg in (
            *_once((*(f"-I{d}" for d in p.include_dirs), *(f"-D{d}" for d in p.defines)), seen),
            *p.compile_args,
        )
    ]


def libs(deps: "Iterable[Dependency]") -> list[str]:
    """Per provider in link order: each library's link file (:attr:`Library.link_file`:
    the import library on Windows) by its full path (once), then its extra link args.

    Full paths because wheels ship ``libfoo.so.1`` without the ``libfoo.so`` link
    that ``-lfoo`` would need.
    """
    seen: set[str] = set()
    return [
        arg
        for p in _providers(deps)
        for arg in (*_once((lib.link_file for lib in p.libraries), seen), *p.link_args)
    ]


def _once(items: "Iterable[str]", seen: set[str]) -> list[str]:
    """The ``items`` not in ``seen``, each once; adds them to ``seen``."""
    new = [i for i in unique(items) if i not in seen]
    seen.update(new)
    return new


def kind(arg: str, section: str) -> str:
    """The class of ``arg`` in ``section`` (``cflags`` or ``libs``), as pkgconf sorts it:
    ``-I`` in cflags, ``-L`` and ``-l`` (not ``-lib:``) in libs; the rest is ``other``
    (library paths included)."""
    if section == "cflags":
        return "cflags-I" if arg.startswith("-I") else "cflags-other"
    if arg.startswith("-L"):
        return "libs-L"
    if arg.startswith("-l") and not arg.startswith("-lib:"):
        return "libs-l"
    return "libs-other"


def select(deps: "Iterable[Dependency]", classes: "Collection[str]") -> list[str]:
    """The cflags, then the libs, of ``deps`` whose :func:`kind` is in ``classes``, each in
    its order: what pkg-config prints for ``--cflags-only-I --libs-only-l`` and
    their combinations."""
    deps = list(deps)
    sections = (("cflags", cflags(deps)), ("libs", libs(deps)))
    return [a for section, args in sections for a in args if kind(a, section) in classes]


def escape(arg: str) -> str:
    """``arg`` with a backslash before each character that is not plain: a POSIX shell
    (``eval``, make's recipes), ``shlex.split`` (meson) and pkg-config's own parser of
    ``.pc`` values read it back as ``arg``."""
    return "".join(c if c in _PLAIN else "\\" + c for c in arg)


def shell_join(args: "Iterable[str]") -> str:
    """Join flags on one line, escaping as pkg-config does."""
    return " ".join(escape(a) for a in args)
