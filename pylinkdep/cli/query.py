"""The pkg-config style query, ``pylinkdep --cflags --libs NAME``: its one option table,
read by a plain parser for the usual command lines and by argparse for the rest."""

import os
import sys
from types import SimpleNamespace

from .. import __version__
from .._resolve import Index
from .._value import Frozen, frozen
from ..errors import PylinkError
from ..outputs import flags
from . import targets
from .messages import report, warn, writing
from .requests import OPERATORS, parse_requests

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

    from .._resolve import Dependency
    from .._target import Target


@frozen
class Option(Frozen):
    """One option of the query. ``metavar`` None: a flag; else it takes a value, which
    may be left out (then ``""``) when ``optional``. ``selects``: the classes of flags
    (:func:`flags.kind`) the option prints."""

    flag: str
    help: str
    metavar: str | None = None
    optional: bool = False
    selects: tuple[str, ...] = ()

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")


OPTIONS = (
    Option(
        flag="--cflags",
        help="print each provider's -I and -D flags and compile args, in link order",
        selects=("cflags-I", "cflags-other"),
    ),
    Option(flag="--cflags-only-I", help="print the -I flags of --cflags", selects=("cflags-I",)),
    Option(
        flag="--cflags-only-other",
        help="print the rest of --cflags",
        selects=("cflags-other",),
    ),
    Option(
        flag="--libs",
        help="print each provider's libraries (full paths) and link args, in link order",
        selects=("libs-L", "libs-l", "libs-other"),
    ),
    Option(flag="--libs-only-L", help="print the -L flags of --libs", selects=("libs-L",)),
    Option(flag="--libs-only-l", help="print the -l flags of --libs", selects=("libs-l",)),
    Option(
        flag="--libs-only-other",
        help="print the rest of --libs (the library paths among them)",
        selects=("libs-other",),
    ),
    Option(flag="--modversion", help="print each package's version"),
    Option(
        flag="--variable",
        metavar="NAME",
        help="print the variable NAME of each package's .pc file (prefix: the package "
        "directory; pcfiledir: the directory 'pylinkdep pkgconfig-path' writes; "
        "cython_include_dir: the directories of its .pxd files, for Cython's -I), on one line",
    ),
    Option(flag="--print-variables", help="print the names of each package's variables"),
    Option(flag="--exists", help="print nothing; exit 0 if every package resolves"),
    Option(flag="--atleast-version", metavar="V", help="exit 0 if version >= V (PEP 440)"),
    Option(flag="--exact-version", metavar="V", help="exit 0 if version == V (PEP 440)"),
    Option(flag="--max-version", metavar="V", help="exit 0 if version <= V (PEP 440)"),
    Option(
        flag="--print-requires",
        help="print each package's requires, as written in its pylink.json",
    ),
    Option(flag="--list-all", help="list every installed provider with its description"),
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
    *(Option(flag=flag, metavar=metavar, help=text) for flag, metavar, text in targets.OPTIONS),
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
        return _cmake_prefix_path(opts.cmake_prefix_path, targets.target(opts))
    if opts.list_all:
        return _list_all(targets.index(opts))
    extra = [f"{op}{getattr(opts, dest)}" for dest, op in _VERSION_TESTS if getattr(opts, dest)]
    # As in pkg-config, --exists and the version tests answer with the exit status only
    # (the version tests print nothing else).
    quiet = opts.silence_errors or (bool(opts.exists or extra) and not opts.print_errors)
    try:
        index = targets.index(opts, quiet)
        deps = [index.find(name, ",".join(spec + extra) or None) for name, spec in opts.requests]
    except PylinkError as exc:
        if not quiet:
            report(exc)
        return 1
    if extra:
        return 0
    reports = _reports(opts, deps)
    if reports is not None:
        if reports:
            print("\n".join(reports))
        return 0
    classes = {c for o in OPTIONS if o.selects and getattr(opts, o.dest) for c in o.selects}
    if classes:
        print(flags.shell_join(flags.select(deps, classes)))
    return 0


def _reports(opts: SimpleNamespace, deps: "list[Dependency]") -> list[str] | None:
    """The lines of ``--modversion``, ``--print-variables``, ``--variable`` and
    ``--print-requires``, in pkgconf's order; None when none is asked (pkgconf prints no
    flags when one is)."""
    variable = opts.variable
    if not (opts.modversion or opts.print_variables or variable is not None or opts.print_requires):
        return None
    lines = [dep.version for dep in deps if opts.modversion]
    if opts.print_variables or variable is not None:
        from ..outputs import pkgconfig

        found = [pkgconfig.variables(dep.provider) for dep in deps]
        # pkgconf lists a file's variables from the last defined to the first.
        lines += [name for v in found if opts.print_variables for name in reversed(v)]
        if variable is not None:
            lines.append(" ".join(v.get(variable, "") for v in found))
    return lines + [r for dep in deps if opts.print_requires for r in dep.provider.requires]


def _plain_options(argv: list[str]) -> SimpleNamespace | None:
    """The options of the usual command lines, read from :data:`OPTIONS` without argparse
    (whose import costs a query half of Python's start-up): flags, options with their value
    after ``=`` or in the next argument, and names without a version. None for anything
    else (then argparse parses the same table, and reports what is wrong)."""
    values: dict[str, object] = {o.dest: None if o.metavar else False for o in OPTIONS}
    names: list[str] = []
    args = iter(argv)
    for arg in args:
        if not arg.startswith("-"):
            if any(op in arg for op in OPERATORS):
                return None
            names.append(arg)
            continue
        flag, inline, value = arg.partition("=")
        option = _BY_FLAG.get(flag)
        if option is None or (inline and option.metavar is None):
            return None
        if option.metavar is None:
            values[option.dest] = True
            continue
        if not inline:
            following = next(args, None)
            if following is None or following.startswith("-"):
                if not option.optional or following is not None:
                    return None
                following = ""
            value = following
        values[option.dest] = value
    if not names and not _without_names(values):
        return None  # argparse says what is missing
    opts = SimpleNamespace(**values, packages=names)
    opts.requests = [(name.strip(), []) for name in names]
    return opts


def _without_names(values: dict[str, object]) -> bool:
    """Whether the options given answer without a package name."""
    return any(
        values[d] not in (None, False) for d in ("cmake_dir", "cmake_prefix_path", "list_all")
    )


def _parse_options(argv: list[str]) -> SimpleNamespace:
    import argparse

    from .commands import COMMANDS

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> "NoReturn":
            """Usage errors exit 1, as pkg-config's (argparse's own exit 2)."""
            self.print_usage(sys.stderr)
            self.exit(1, f"{self.prog}: error: {message}\n")

    summaries = "\n".join(f"  pylinkdep {c.usage:30} {c.summary}" for c in COMMANDS.values())
    parser = Parser(
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
    if not opts.packages and not _without_names(vars(opts)):
        parser.error("no package name given")
    opts.requests = parse_requests(opts.packages, parser.error)
    return opts


def _list_all(index: Index) -> int:
    """Every provider that resolves, as pkgconf's ``--list-all`` shows the .pc files
    ``pylinkdep pkgconfig-path`` writes (sorted by name; pkgconf's order is its
    directory's); a broken provider is a warning."""
    from ..outputs import pkgconfig

    errors: list[PylinkError] = []
    for p in index.providers(errors):
        print(f"{p.name:<30} {p.name} - {pkgconfig.description(p)}")
    for problem in errors:
        warn(problem)
    return 0


def _cmake_prefix_path(prefix: str, target: "Target") -> int:
    from ..outputs import cmake

    directory = os.path.abspath(prefix or cmake.default_prefix(target.site))
    with writing(directory):
        generated = cmake.write_prefix(directory, path=target.site, python_abi=target.python_abi)
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
version or has invalid metadata, or on a usage error (a subcommand's usage error: 2).
Versions compare by PEP 440, not by pkg-config's rules (docs/cli.md).
"""
