"""The pkg-config style query, ``pylinkdep --cflags --libs NAME``: its one option table,
read by a plain parser for the usual command lines and by argparse for the rest."""

import os
from types import SimpleNamespace

from .. import __version__
from .._resolve import Index
from .._value import Frozen, frozen
from ..errors import PylinkError
from ..outputs import flags
from .messages import report, warn, writing
from .requests import OPERATORS, parse_requests


@frozen
class Option(Frozen):
    """One option of the query. ``metavar`` None: a flag; else it takes a value, which
    may be left out (then ``""``) when ``optional``."""

    flag: str
    help: str
    metavar: str | None = None
    optional: bool = False

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")


OPTIONS = (
    Option(flag="--cflags", help="print -I and -D flags and compile args"),
    Option(flag="--libs", help="print the libraries (full paths, link order) and link args"),
    Option(flag="--modversion", help="print each package's version"),
    Option(flag="--exists", help="print nothing; exit 0 if every package resolves"),
    Option(flag="--atleast-version", metavar="V", help="require version >= V"),
    Option(flag="--exact-version", metavar="V", help="require version == V"),
    Option(flag="--max-version", metavar="V", help="require version <= V"),
    Option(
        flag="--print-requires",
        help="print each package's requires, as written in its pylink.json",
    ),
    Option(flag="--print-errors", help="report errors with --exists"),
    Option(flag="--silence-errors", help="never report errors"),
    Option(
        flag="--cmake-dir",
        help="print the directory of pylinkdep's CMake modules (for CMAKE_MODULE_PATH)",
    ),
    Option(
        flag="--cmake-prefix-path",
        metavar="DIR",
        optional=True,
        help="write a CMake config package for every installed provider into DIR (default: "
        "a cache directory for this interpreter) and print DIR, for CMAKE_PREFIX_PATH",
    ),
)
_BY_FLAG = {option.flag: option for option in OPTIONS}
_VERSION_TESTS = (("atleast_version", ">="), ("exact_version", "=="), ("max_version", "<="))


def run(argv: list[str]) -> int:
    """Answer one query; exit status as pkg-config's."""
    opts = _plain_options(argv) or _parse_options(argv)
    if opts.cmake_dir:
        from .. import _shipped

        print(_shipped.CMAKE_DIR)
        return 0
    if opts.cmake_prefix_path is not None:
        return _cmake_prefix_path(opts.cmake_prefix_path)
    extra = [f"{op}{getattr(opts, dest)}" for dest, op in _VERSION_TESTS if getattr(opts, dest)]
    # As in pkg-config, --exists and the version tests answer with the exit status only.
    quiet = opts.silence_errors or (bool(opts.exists or extra) and not opts.print_errors)
    try:
        index = Index(None)
        deps = [index.find(name, ",".join(spec + extra) or None) for name, spec in opts.requests]
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


def _plain_options(argv: list[str]) -> SimpleNamespace | None:
    """The options of the usual command lines, read from :data:`OPTIONS` without argparse
    (whose import costs a query half of Python's start-up): flags, options with their value
    in the next argument, and names without a version. None for anything else (then
    argparse parses the same table, and reports what is wrong)."""
    values: dict[str, object] = {o.dest: None if o.metavar else False for o in OPTIONS}
    names: list[str] = []
    args = iter(argv)
    for arg in args:
        if not arg.startswith("-"):
            if any(op in arg for op in OPERATORS):
                return None
            names.append(arg)
            continue
        option = _BY_FLAG.get(arg)
        if option is None:
            return None
        if option.metavar is None:
            values[option.dest] = True
            continue
        value = next(args, None)
        if value is None or value.startswith("-"):
            if not option.optional or value is not None:
                return None
            value = ""
        values[option.dest] = value
    if not names and not values["cmake_dir"] and values["cmake_prefix_path"] is None:
        return None  # argparse says what is missing
    opts = SimpleNamespace(**values, packages=names)
    opts.requests = [(name.strip(), []) for name in names]
    return opts


def _parse_options(argv: list[str]) -> SimpleNamespace:
    import argparse

    from .commands import COMMANDS

    summaries = "\n".join(f"  pylinkdep {c.usage:30} {c.summary}" for c in COMMANDS.values())
    parser = argparse.ArgumentParser(
        prog="pylinkdep",
        description=_DESCRIPTION.format(commands=summaries),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "packages",
        nargs="*",
        metavar="NAME [OP VERSION]",
        help="dependency names, each optionally with a constraint ('foo >= 1.2')",
    )
    parser.add_argument("--version", action="version", version=f"pylinkdep {__version__}")
    for option in OPTIONS:
        if option.metavar is None:
            parser.add_argument(option.flag, action="store_true", help=option.help)
        elif option.optional:
            parser.add_argument(
                option.flag, nargs="?", const="", metavar=option.metavar, help=option.help
            )
        else:
            parser.add_argument(option.flag, metavar=option.metavar, help=option.help)
    opts = SimpleNamespace(**vars(parser.parse_args(argv)))
    if not opts.cmake_dir and opts.cmake_prefix_path is None:
        if not opts.packages:
            parser.error("no package name given")
        opts.requests = parse_requests(opts.packages, parser.error)
    return opts


def _cmake_prefix_path(prefix: str) -> int:
    from ..outputs import cmake

    directory = os.path.abspath(prefix or cmake.default_prefix())
    with writing(directory):
        generated = cmake.write_prefix(directory)
    for problem in generated.errors:
        warn(problem)
    print(generated.prefix)
    return 0


_DESCRIPTION = """\
Query the native libraries that installed Python packages publish (pylink providers).

pkg-config compatible use:
  pylinkdep --cflags --libs NAME        flags to compile and link against NAME
  pylinkdep --exists 'NAME >= 1.2'      exit status only
subcommands:
{commands}
Each subcommand has --help.

Exit status as pkg-config: 0 on success, 1 when a package is missing, has the wrong
version or has invalid metadata; 2 on a usage error.
"""
