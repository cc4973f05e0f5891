"""Compiler and linker flags in pkg-config's form (``--cflags``, ``--libs``)."""

from .._resolve import Dependency, unique

TYPE_CHECKING = False  # no typing import: this module is on the lookup path
if TYPE_CHECKING:
    from collections.abc import Iterable

# pkg-config escapes shell-special characters in its output with a backslash: all but these.
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/.,:=+@%^-")


def cflags(deps: "Iterable[Dependency]") -> list[str]:
    """``-I`` and ``-D`` flags (each once), then the extra compile args as given."""
    deps = list(deps)
    includes = [f"-I{d}" for dep in deps for d in dep.include_dirs]
    defines = [f"-D{d}" for dep in deps for d in dep.defines]
    args = [a for dep in deps for a in dep.compile_args]
    return [*unique(includes + defines), *args]


def libs(deps: "Iterable[Dependency]") -> list[str]:
    """Each library by its full path, in link order, then the extra link args.

    Full paths because wheels ship ``libfoo.so.1`` without the ``libfoo.so`` link
    that ``-lfoo`` would need.
    """
    deps = list(deps)
    paths = [lib.path for dep in deps for lib in dep.libraries]
    return [*unique(paths), *(a for dep in deps for a in dep.link_args)]


def escape(arg: str) -> str:
    """``arg`` with a backslash before each character that is not plain: a POSIX shell
    (``eval``, make's recipes), ``shlex.split`` (meson) and pkg-config's own parser of
    ``.pc`` values read it back as ``arg``."""
    return "".join(c if c in _PLAIN else "\\" + c for c in arg)


def shell_join(args: "Iterable[str]") -> str:
    """Join flags on one line, escaping as pkg-config does."""
    return " ".join(escape(a) for a in args)
