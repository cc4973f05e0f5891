"""The ``pylinkdep`` command: pkg-config compatible queries here, subcommands (``list``,
``show``, ...) in commands.py."""

import os
import sys

from . import __version__
from .emit import flags
from .errors import PylinkError
from .resolve import find

# argparse, json and typing are imported only where needed: `pylinkdep --cflags --libs
# NAME` runs once per dependency in a build and must start as fast as Python does.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

_OPERATORS = ("<=", ">=", "!=", "==", "<", ">", "=")

_DESCRIPTION = """\
Query the native libraries that installed Python packages publish (pylink providers).

pkg-config compatible use:
  pylinkdep --cflags --libs NAME        flags to compile and link against NAME
  pylinkdep --exists 'NAME >= 1.2'      exit status only
subcommands:
  pylinkdep list [--json]               every installed provider
  pylinkdep show NAME [--json]          what NAME resolves to
  pylinkdep generate -o pylink.json ... write a provider's pylink.json at its build time
  pylinkdep check WHEEL...              lint provider and consumer wheels
  pylinkdep cargo NAME --rpath-from DIR cargo:rustc-link-arg lines for a Rust build.rs
  pylinkdep pkgconfig-path [-o DIR]     write .pc files of the providers, print DIR
  pylinkdep requirement NAME...         run requirements a consumer must declare
  pylinkdep runtime-module -o FILE ...  a consumer's import-time check and loader
  pylinkdep auditwheel-args WHEEL|NAME  --exclude flags for auditwheel repair
  pylinkdep delocate-args WHEEL|NAME    --exclude flags for delocate-wheel
  pylinkdep --cmake-dir                 directory of pylinkdep's CMake modules
  pylinkdep --cmake-prefix-path [DIR]   generate CMake config packages, print the prefix
Each subcommand has --help.

Exit status as pkg-config: 0 on success, 1 when a package is missing, has the wrong
version or has invalid metadata; 2 on a usage error.
"""


# The subcommands, in commands.py; any other command line is a pkg-config style query.
SUBCOMMANDS = (
    "list", "show", "generate", "check", "cargo", "pkgconfig-path", "requirement",
    "runtime-module", "auditwheel-args", "delocate-args",
)  # fmt: skip


def main(argv: "Sequence[str] | None" = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            from . import commands

            return commands.run(args[0], args[1:])
        return _pkg_config(args)
    except PylinkError as exc:
        report(exc)
        return 1


def report(exc: PylinkError) -> None:
    """One line on stderr, whatever characters the message quotes."""
    print(f"pylinkdep: error: {one_line(str(exc))}", file=sys.stderr)


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters backslash-escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


# The flags that take no value: a command line of these and plain names skips argparse.
_SIMPLE_FLAGS = {
    "--cflags": "cflags",
    "--libs": "libs",
    "--modversion": "modversion",
    "--exists": "exists",
    "--print-requires": "print_requires",
    "--print-errors": "print_errors",
    "--silence-errors": "silence_errors",
}


def _pkg_config(argv: list[str]) -> int:
    # find_package(pylinkdep) runs `--cmake-prefix-path DIR` at every configure: no argparse.
    if argv == ["--cmake-prefix-path"]:
        return _cmake_prefix_path("")
    if len(argv) == 2 and argv[0] == "--cmake-prefix-path" and not argv[1].startswith("-"):
        return _cmake_prefix_path(argv[1])
    opts = _simple_options(argv) or _parse_options(argv)
    if opts.cmake_dir:
        print(cmake_dir())
        return 0
    if opts.cmake_prefix_path is not None:
        return _cmake_prefix_path(opts.cmake_prefix_path)
    extra = [
        f"{op}{v}"
        for op, v in (
            (">=", opts.atleast_version),
            ("==", opts.exact_version),
            ("<=", opts.max_version),
        )
        if v
    ]
    # As in pkg-config, --exists and the version tests answer with the exit status only.
    quiet = opts.silence_errors or (bool(opts.exists or extra) and not opts.print_errors)
    try:
        deps = [find(name, ",".join(spec + extra) or None) for name, spec in opts.requests]
    except PylinkError as exc:
        if not quiet:
            report(exc)
        return 1

    if opts.modversion:
        print("\n".join(dep.version for dep in deps))
    for requirement in (r for dep in deps for r in dep.provider.requires if opts.print_requires):
        print(requirement)
    out = (flags.cflags(deps) if opts.cflags else []) + (flags.libs(deps) if opts.libs else [])
    if opts.cflags or opts.libs:
        print(flags.shell_join(out))
    return 0


class _Options:
    """The attributes argparse would give (``types.SimpleNamespace`` costs an import)."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


def _simple_options(argv: list[str]) -> "Any":
    """The usual command line, value-less flags and plain names, parsed without argparse
    (slow to import); None for anything else."""
    names = [a for a in argv if not a.startswith("-")]
    if (
        not names
        or any(c in n for n in names for c in "<>=!")
        or any(a not in _SIMPLE_FLAGS for a in argv if a.startswith("-"))
    ):
        return None
    opts = _Options(
        cmake_dir=False,
        cmake_prefix_path=None,
        requests=[(name.strip(), []) for name in names],
        atleast_version=None,
        exact_version=None,
        max_version=None,
        **{attr: flag in argv for flag, attr in _SIMPLE_FLAGS.items()},
    )
    return opts


def _parse_options(argv: list[str]) -> "argparse.Namespace":
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "packages",
        nargs="*",
        metavar="NAME [OP VERSION]",
        help="dependency names, each optionally with a constraint ('foo >= 1.2')",
    )
    parser.add_argument("--version", action="version", version=f"pylinkdep {__version__}")
    parser.add_argument(
        "--cmake-dir",
        action="store_true",
        help="print the directory of pylinkdep's CMake modules (for CMAKE_MODULE_PATH)",
    )
    parser.add_argument(
        "--cmake-prefix-path",
        nargs="?",
        const="",
        metavar="DIR",
        help="write a CMake config package for every installed provider into DIR (default: "
        "a cache directory for this interpreter) and print DIR, for CMAKE_PREFIX_PATH",
    )
    parser.add_argument(
        "--cflags", action="store_true", help="print -I and -D flags and compile args"
    )
    parser.add_argument(
        "--libs",
        action="store_true",
        help="print the libraries (full paths, link order) and link args",
    )
    parser.add_argument("--modversion", action="store_true", help="print each package's version")
    parser.add_argument(
        "--exists", action="store_true", help="print nothing; exit 0 if every package resolves"
    )
    parser.add_argument("--atleast-version", metavar="V", help="require version >= V")
    parser.add_argument("--exact-version", metavar="V", help="require version == V")
    parser.add_argument("--max-version", metavar="V", help="require version <= V")
    parser.add_argument(
        "--print-requires",
        action="store_true",
        help="print each package's requires, as written in its pylink.json",
    )
    parser.add_argument("--print-errors", action="store_true", help="report errors with --exists")
    parser.add_argument("--silence-errors", action="store_true", help="never report errors")
    opts = parser.parse_args(argv)
    if not opts.cmake_dir and opts.cmake_prefix_path is None:
        if not opts.packages:
            parser.error("no package name given")
        opts.requests = parse_requests(opts.packages, parser)
    return opts


def parse_requests(
    tokens: list[str], parser: "argparse.ArgumentParser"
) -> list[tuple[str, list[str]]]:
    """``['foo', '>=', '1.2', 'bar>=2']`` -> ``[('foo', ['>=1.2']), ('bar', ['>=2'])]``."""
    requests: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].strip()
        # 'foo >= 1.2' in one argument, or 'foo>=1.2'
        for op in _OPERATORS:
            name, sep, version = token.partition(op)
            if sep and name.strip():
                requests.append((name.strip(), [_specifier(op, version.strip())]))
                break
        else:
            if i + 2 < len(tokens) and tokens[i + 1] in _OPERATORS:
                requests.append((token, [_specifier(tokens[i + 1], tokens[i + 2])]))
                i += 2
            elif token in _OPERATORS:
                parser.error(f"{token!r} needs a package name before it and a version after it")
            else:
                requests.append((token, []))
        i += 1
    return requests


def _specifier(op: str, version: str) -> str:
    """pkg-config's ``=`` is PEP 440's ``==``."""
    return f"{'==' if op == '=' else op}{version}"


def _cmake_prefix_path(prefix: str) -> int:
    from .emit import cmake

    directory = os.path.abspath(prefix or cmake.default_prefix())
    try:
        generated = cmake.write_prefix(directory)
    except OSError as exc:
        raise PylinkError(
            f"cannot write {exc.filename or directory}: {exc.strerror}", file=directory
        ) from None
    for problem in generated.errors:
        print(f"pylinkdep: warning: {one_line(str(problem))}", file=sys.stderr)
    print(generated.prefix)
    return 0


def cmake_dir() -> str:
    """The directory holding pylinkdep's CMake modules, inside the installed package."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "cmake")
