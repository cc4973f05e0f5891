"""The subcommands of ``pylinkdep`` (``list``, ``show``, ``generate``, ``check``, ...), in
one registry, :data:`COMMANDS`, that dispatch and ``pylinkdep --help`` both read."""

import argparse
import json
import os
import sys

from .. import _binary, _fs
from .._resolve import Dependency, Provider
from .._value import Frozen, frozen
from ..errors import PylinkError
from ..outputs import flags
from . import targets
from .messages import one_line, report, warn, writing
from .requests import parse_requests

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeAlias

    from .._resolve import Index

    Main: TypeAlias = Callable[[argparse.ArgumentParser, list[str]], int]


@frozen
class Command(Frozen):
    """A subcommand: how it is called and what it does (for ``pylinkdep --help``), its
    description (for its own ``--help``) and its function, which adds its arguments to
    the parser it is given and runs."""

    name: str
    usage: str
    summary: str
    description: str
    main: "Main"

    def run(self, argv: list[str]) -> int:
        parser = argparse.ArgumentParser(
            prog=f"pylinkdep {self.name}", description=self.description
        )
        return self.main(parser, argv)


COMMANDS: dict[str, Command] = {}
"""Every subcommand by name, in the order ``pylinkdep --help`` lists them."""


def command(
    name: str, usage: str, summary: str, description: str | None = None
) -> "Callable[[Main], Main]":
    """Register the decorated function as subcommand ``name``; its description is the
    function's docstring unless given."""

    def register(function: "Main") -> "Main":
        COMMANDS[name] = Command(
            name=name,
            usage=f"{name} {usage}".strip(),
            summary=summary,
            description=" ".join((description or function.__doc__ or "").split()),
            main=function,
        )
        return function

    return register


@command("list", "[--json]", "every installed provider")
def _list(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """List installed pylink providers."""
    parser.add_argument("--json", action="store_true", help="print a JSON array of objects")
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    errors: list[PylinkError] = []
    found = targets.index(opts).providers(errors)
    if opts.json:
        print(json.dumps([_provider_json(p) for p in found], indent=2))
    else:
        for p in found:
            print(
                one_line(
                    f"{p.name:24} {p.version:10} {p.distribution} - "
                    f"{p.description or p.metadata_file}"
                )
            )
    for exc in errors:
        report(exc)
    return 1 if errors else 0


@command("show", "NAME [--json]", "what NAME resolves to")
def _show(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Show what a dependency name resolves to."""
    parser.add_argument("name", help="dependency name, as in dependency('NAME')")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument(
        "--rpath-from",
        metavar="SUBDIR",
        default=None,
        help="also show the run path from a consumer installed in SUBDIR "
        "(relative to site-packages, e.g. consumer/sub)",
    )
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    target = targets.target(opts)
    dep = target.index().find(opts.name)
    rpaths = None
    if opts.rpath_from is not None:
        try:
            rpaths = dep.rpaths(opts.rpath_from, target.platform)
        except ValueError as exc:
            parser.error(str(exc))
    if opts.json:
        print(json.dumps(_dependency_json(dep, rpaths), indent=2))
    else:
        print(dep)
        if rpaths is not None:
            print(f"  run path from {opts.rpath_from}: {':'.join(rpaths)}")
    return 0


@command("generate", "-o pylink.json ...", "write a provider's pylink.json at its build time")
def _generate(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Write a provider's pylink.json from the libraries just built (run by the provider's
    build system). Libraries are recorded by file name, installed beside pylink.json, with
    the name read from the file: ELF SONAME, Mach-O install name (@rpath/<file>), PE DLL
    name. Give values starting with '-' as --compile-arg=-O2."""
    add = parser.add_argument
    add("-o", "--output", required=True, help="the pylink.json to write")
    add("--name", required=True, help="dependency name, as in dependency('NAME')")
    add("--version", required=True, help="this build's PEP 440 version")
    add("--abi", required=True, help="provider versions consumers built now run with: '>=1.2,<2'")
    for flag, kind, what in (
        ("--library", "shared", "a built shared library (repeatable, link order)"),
        ("--extension", "extension", "a built extension module that exports the C API"),
    ):
        add(flag, dest="libraries", action="append", default=[], metavar="FILE", type=_built(kind),
            help=what)  # fmt: skip
    add(
        "--import-library",
        dest="import_libraries",
        action="append",
        default=[],
        metavar="FILE",
        help="Windows: the built import library (.lib, .dll.a) of each --library and "
        "--extension, one each, in their order; installed beside pylink.json",
    )
    add(
        "--include-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="include directory relative to pylink.json (repeatable)",
    )
    add(
        "--cython-include-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="directory of the .pxd files declaring the C API for Cython's cimport, "
        "relative to pylink.json (repeatable; format 2)",
    )
    add("--define", action="append", default=[], metavar="NAME[=VALUE]")
    add("--compile-arg", action="append", default=[], metavar="ARG")
    add("--link-arg", action="append", default=[], metavar="ARG")
    add(
        "--requires",
        action="append",
        default=[],
        metavar="REQ",
        help="another pylink provider this one links: 'otherprov>=1.0'",
    )
    add(
        "--python-abi",
        metavar="ABI",
        help="cp311, cp313t, abi3 when the library uses the Python C API (default: this "
        "Python's, when the libraries import Py* symbols); 'auto': from the first "
        "--extension's file name",
    )
    add("--cmake-package", metavar="NAME", help="find_package(NAME); default: --name")
    add("--cmake-target", metavar="NS::NAME", help="imported target; default: NAME::NAME")
    add(
        "--cmake-config",
        action="store_true",
        help="also write <cmake package>Config.cmake and <cmake package>ConfigVersion.cmake "
        "beside --output, for <package>/cmake/ (found through the provider's cmake.prefix "
        "entry point: find_package with no pylinkdep line; docs/providers.md)",
    )
    add("--description", default="")
    add(
        "--header",
        action="append",
        default=[],
        metavar="FILE",
        help="a public header (repeatable): fail if the libraries export none of the "
        "functions the headers declare, warn for each one missing",
    )
    add(
        "--symbols",
        metavar="FILE",
        help="the provider's symbols file: each export and the version it first appeared "
        "in; new exports get --version, a removed one fails while --abi admits older versions",
    )
    add(
        "--update-symbols",
        action="store_true",
        help="rewrite --symbols with this build's exports, then commit the file (default: "
        "on when PYLINKDEP_UPDATE_SYMBOLS=1, which reaches the build inside pip)",
    )
    opts = parser.parse_args(argv)  # fmt: skip
    from ..wheel import generate, symbols

    if opts.update_symbols and not opts.symbols:
        parser.error("--update-symbols needs --symbols FILE")
    update = opts.update_symbols or os.environ.get("PYLINKDEP_UPDATE_SYMBOLS") == "1"
    exported, imported = generate.library_symbols([path for path, _ in opts.libraries])
    declared, missing = generate.unexported(opts.header, exported)
    if declared and len(missing) == len(declared):
        raise PylinkError(
            f"the libraries export none of the {len(declared)} functions the headers declare "
            f"({', '.join(missing)}): mark the API with an export macro giving "
            '__attribute__((visibility("default"))) (the helpers build with hidden visibility)',
            field="libraries",
        )
    for function in missing:
        warn(PylinkError(f"{function} is declared but not exported by the libraries"))
    python_abi = opts.python_abi
    if python_abi == "auto":
        extensions = [path for path, kind in opts.libraries if kind == "extension"]
        if not extensions:
            parser.error("--python-abi auto needs an --extension")
        python_abi = generate.python_abi_of(extensions[0])
    elif python_abi is None and generate.uses_python(imported):
        python_abi = generate.build_python_abi()
    compared = None
    if opts.symbols:
        known = symbols.read(opts.symbols)
        compared = symbols.compare(
            known, exported, version=opts.version, abi=opts.abi, file=opts.symbols
        )
        changes = [f"new export {s} (since {opts.version})" for s in compared.added]
        changes += [f"export {s} removed (since {known[s]})" for s in compared.removed]
        for change in changes if not update else ():
            warn(PylinkError(f"{opts.symbols}: {change}: run with --update-symbols to record it"))
    doc = generate.document(
        name=opts.name,
        version=opts.version,
        abi=opts.abi,
        libraries=opts.libraries,
        import_libraries=opts.import_libraries,
        include_dirs=opts.include_dir,
        cython_include_dirs=opts.cython_include_dir,
        defines=opts.define,
        compile_args=opts.compile_arg,
        link_args=opts.link_arg,
        requires=opts.requires,
        python_abi=python_abi,
        cmake_package=opts.cmake_package,
        cmake_target=opts.cmake_target,
        description=opts.description,
        symbols=compared.symbols if compared else None,
    )
    generate.write(doc, opts.output)
    if opts.cmake_config:
        from ..outputs import cmake

        folder = os.path.dirname(os.path.abspath(opts.output))
        for name, text in cmake.trampoline_files(opts.cmake_package or opts.name).items():
            with writing(os.path.join(folder, name)):
                _fs.write_atomic(os.path.join(folder, name), text.encode())
    if compared and update:
        with writing(opts.symbols):
            _fs.write_atomic(opts.symbols, symbols.render(opts.name, compared.symbols).encode())
        for change in changes:
            print(f"{opts.symbols}: {change}")
    return 0


@command("check", "WHEEL...", "lint provider and consumer wheels")
def _check(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Check wheels of any platform (ELF, Mach-O, PE). Providers: valid pylink.json, paths
    inside the package and in the wheel, SONAME / install name (@rpath/<file>) / DLL name
    as declared, header API exported, entry point present. Every library: run paths from
    $ORIGIN or @loader_path, no build-machine path among the libraries it loads. Consumers:
    no provider library vendored, Requires-Dist covering each linked provider's ABI range,
    a run-time module (_pylink.py) recording each provider a binary loads, in its package
    or a parent package, and no recorded provider that no binary there loads."""
    parser.add_argument("wheels", nargs="+", metavar="WHEEL")
    opts = parser.parse_args(argv)
    from ..wheel import check

    failed = False
    for wheel in opts.wheels:
        problems = check.check_wheel(wheel)
        failed = failed or bool(problems)
        print(f"{wheel}: {'FAILED' if problems else 'OK'}")
        for problem in problems:
            print(f"  - {problem}")
    return 1 if failed else 0


@command("cargo", "NAME --rpath-from DIR", "cargo:rustc-link-arg lines for a Rust build.rs")
def _cargo(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Print the Cargo build-script directives that link a Rust extension against providers:
    each library by full path and the provider's link args (cargo:rustc-link-arg), a run
    path relative to the installed extension, and cargo:rerun-if-changed lines. A
    build.rs prints this output unchanged."""
    parser.add_argument(
        "packages",
        nargs="+",
        metavar="NAME [OP VERSION]",
        help="dependency names, each optionally with a constraint ('foo >= 1.2')",
    )
    parser.add_argument(
        "--rpath-from",
        metavar="SUBDIR",
        required=True,
        help="where the extension is installed, relative to site-packages (for a maturin "
        "module-name 'pkg._native': pkg; for a top-level module: .)",
    )
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    from ..outputs import cargo

    target = targets.target(opts)
    deps = _find_requests(opts.packages, parser, target.index())
    try:
        lines = cargo.directives(deps, opts.rpath_from, target.platform)
    except ValueError as exc:
        parser.error(str(exc))
    print("\n".join(lines))
    return 0


@command("overlay", "DIST [-o DIR] [--name NAME]", "draft an overlay for an installed wheel")
def _overlay(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Draft a PYLINK_PATH overlay for an installed distribution that ships a shared
    library but no pylink.json: its package, version, the shared libraries and header
    directories its RECORD lists. Review it before use: what it cannot know (the ABI
    range, defines, which library is the API) is listed under x-pylinkdep-draft, and the
    draft allows only the installed version."""
    parser.add_argument("distribution", metavar="DIST", help="an installed distribution")
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="write DIR/NAME.pylink.json (a directory for PYLINK_PATH) instead of printing it",
    )
    parser.add_argument("--name", help="the dependency name (default: the distribution's)")
    opts = parser.parse_args(argv)
    from ..wheel import overlay

    doc = overlay.draft(opts.distribution, name=opts.name)
    if opts.output is None:
        print(json.dumps(doc, indent=2))
    else:
        with writing(opts.output):
            print(overlay.write(doc, opts.output))
    return 0


@command("rpath", "--from SUBDIR LIBDIR...", "run path entries from a consumer to libraries")
def _rpath(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Print, one per line, the run path entry ($ORIGIN-relative; @loader_path on macOS)
    that reaches each library directory from an extension installed in SUBDIR, both
    relative to site-packages, refusing a directory the linker or the loader would read
    otherwise. pylink_target_rpath() in CMake asks this; the other integrations build
    the same entries in process."""
    parser.add_argument(
        "--from",
        dest="subdir",
        metavar="SUBDIR",
        required=True,
        help="where the extension is installed, relative to site-packages (e.g. consumer/sub)",
    )
    parser.add_argument(
        "dirs",
        nargs="+",
        metavar="LIBDIR",
        help="a provider's library directory, relative to site-packages (e.g. prov)",
    )
    targets.add_options(parser, platform_only=True)
    opts = parser.parse_args(argv)
    from .. import rpath
    from .._resolve import unique
    from .._target import target_platform

    platform = target_platform(opts.target_platform)
    try:
        entries = unique(rpath.relative_rpath(opts.subdir, d, platform) for d in opts.dirs)
    except ValueError as exc:
        print(f"pylinkdep rpath: {exc}", file=sys.stderr)  # one line: CMake shows it
        return 2
    print("\n".join(entries))
    return 0


@command("pkgconfig-path", "[-o DIR]", "write .pc files of the providers, print DIR")
def _pkgconfig_path(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Write a pkg-config .pc file for each installed provider (or the NAMEs given and what
    they require) into a directory of their own, never site-packages, and print that
    directory, for PKG_CONFIG_PATH or meson's -Dpkg_config_path."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these providers")
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="the directory to write (e.g. in your build tree); default: a cache "
        "directory of this interpreter's search path",
    )
    parser.add_argument(
        "--relocatable",
        action="store_true",
        help="paths relative to the .pc file (${pcfiledir}) instead of absolute",
    )
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    from ..outputs import pkgconfig

    errors: list[PylinkError] = []
    target = targets.target(opts)
    index = target.index()
    if opts.names:
        chosen = {p.name: p for name in opts.names for p in index.find(name).link_order}
        found = list(chosen.values())
    else:
        found = index.providers(errors)
    directory = opts.output or pkgconfig.default_dir(target.site)
    with writing(directory):
        pkgconfig.write_dir(found, directory, relocatable=opts.relocatable, errors=errors)
    print(os.path.abspath(directory))
    for exc in errors:
        report(exc)
    return 1 if errors else 0


@command("requirement", "NAME...|WHEEL...|FILE...", "run requirements a consumer must declare")
def _requirement(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Print the run requirement (distribution and version range, e.g. 'exampleprov>=1.2,<2')
    a consumer must declare in its dependencies; one per line. Given consumer wheels or
    built extension files: for each provider their binaries load, the lowest version that
    exports every symbol they import from it (the provider's symbols map), within its ABI
    range. Given NAMEs: each provider's ABI range, and those of what it requires."""
    parser.add_argument("targets", nargs="+", metavar="NAME|WHEEL|FILE")
    parser.add_argument("-v", "--verbose", action="store_true", help="say why, on stderr")
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    index = targets.index(opts)
    if not any(os.path.isfile(target) for target in opts.targets):
        from ..skbuild import requirements

        print("\n".join(requirements(opts.targets, index)))
        return 0
    from ..wheel import requirement

    files = [member for target in opts.targets for member in _binaries(target)]
    for found in requirement.needed(files, index):
        print(found.requirement)
        if opts.verbose:
            print(f"pylinkdep: {found.requirement}: {found.reason()}", file=sys.stderr)
    return 0


def _binaries(target: str) -> "list[tuple[str, bytes]]":
    """The members of a wheel, or a file, as ``(name, content)``."""
    import zipfile

    try:
        if target.endswith(".whl"):
            with zipfile.ZipFile(target) as zf:
                names = [n for n in zf.namelist() if _binary.library_name(n)]
                return [(f"{target}!{n}", zf.read(n)) for n in names]
        return [(target, _fs.read_regular(target, _BINARY_LIMIT))]
    except (OSError, zipfile.BadZipFile) as exc:
        raise PylinkError(f"cannot read {target}: {exc}", file=target) from None


_BINARY_LIMIT = 1 << 31
"""The largest extension file read."""


@command("runtime-module", "-o FILE ...", "a consumer's import-time check and loader")
def _runtime_module(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Write the module a consumer package imports before its extension: it checks each
    provider's version against the ABI range resolved now and loads the provider's
    library when the relative run path misses. Needs nothing but the standard library at
    run time."""
    parser.add_argument("-o", "--output", required=True, help="the .py file to write")
    parser.add_argument(
        "--consumer", required=True, help="the consumer's distribution name (for messages)"
    )
    parser.add_argument(
        "--subdir",
        required=True,
        help="where the module is installed, relative to site-packages (e.g. consumer)",
    )
    parser.add_argument(
        "names", nargs="+", metavar="NAME [OP VERSION]", help="the providers the consumer links"
    )
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    from ..outputs import runtime_module

    deps = _find_requests(opts.names, parser, targets.index(opts))
    with writing(opts.output):
        runtime_module.write_module(opts.output, opts.consumer, opts.subdir, deps)
    return 0


_REPAIR = (
    "Print the options that keep {tool} from copying pylink providers' libraries into a "
    "consumer wheel (a second copy has its own state): {how}, for the libraries of the "
    "providers a wheel links, or of the providers named."
)
_REPAIR_TOOLS = {
    "auditwheel": ("auditwheel repair", "one --exclude per library"),
    "delocate": ("delocate-wheel", "one --exclude per library"),
    "delvewheel": (
        "delvewheel repair",
        "--exclude and --no-mangle with the DLL names (separated by the path separator, "
        "';' on Windows), so that the consumer's imports keep the provider's DLL name",
    ),
}


def _repair_command(tool: str) -> None:
    program, how = _REPAIR_TOOLS[tool]

    def main(parser: argparse.ArgumentParser, argv: list[str]) -> int:
        parser.add_argument("targets", nargs="+", metavar="WHEEL_OR_NAME")
        targets.add_options(parser)
        opts = parser.parse_args(argv)
        return _print_repair_args(tool, opts.targets, opts)

    command(
        f"{tool}-args",
        "WHEEL|NAME",
        f"options for {program}",
        _REPAIR.format(tool=program, how=how),
    )(main)


for _tool in _REPAIR_TOOLS:
    _repair_command(_tool)


@command("repair-args", "WHEEL", "the repair tool's options for a wheel's platform")
def _repair_args(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Print the options of the repair tool a consumer wheel's platform tag calls for
    (auditwheel repair for linux and manylinux, delocate-wheel for macosx, delvewheel
    repair for win), as auditwheel-args, delocate-args and delvewheel-args print them."""
    parser.add_argument("wheel", metavar="WHEEL")
    targets.add_options(parser)
    opts = parser.parse_args(argv)
    from ..wheel import repair

    return _print_repair_args(repair.tool_for(opts.wheel), [opts.wheel], opts)


def _print_repair_args(tool: str, names: list[str], opts: argparse.Namespace) -> int:
    """Print ``tool``'s options for the wheels or provider NAMEs ``names``."""
    from ..wheel import consumer, repair

    sonames = consumer.exclude_sonames(names, targets.index(opts))
    print(flags.shell_join(repair.arguments(tool, sonames)))
    return 0


@command("abi-diff", "OLD_WHEEL NEW_WHEEL", "ABI changes between two wheels of a provider")
def _abi_diff(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Compare two wheels of a provider with libabigail's abidiff (apt-get install
    abigail-tools): libraries matched by pylink name and SONAME, types restricted to the
    public headers (include_dirs). Prints one line per change that breaks consumers
    (removed functions and variables, changed type layouts and function signatures),
    then the judgement: an error (exit 1) when NEW's abi range still admits OLD's version,
    information (exit 0) when it excludes it. Libraries without DWARF debug info (built
    without -g) are compared by their exported symbols only."""
    parser.add_argument("old", metavar="OLD_WHEEL")
    parser.add_argument("new", metavar="NEW_WHEEL")
    parser.add_argument(
        "--suppressions",
        action="append",
        default=[],
        metavar="FILE",
        help="an abidiff suppression specification: changes reviewed as harmless (repeatable)",
    )
    opts = parser.parse_args(argv)
    from ..wheel import abidiff

    comparison = abidiff.compare_wheels(opts.old, opts.new, suppressions=tuple(opts.suppressions))
    for name in comparison.unmatched:
        warn(PylinkError(f"pylink provider {name!r} of {opts.old} is not in {opts.new}"))
    for verdict in comparison.verdicts:
        for line in verdict.warnings():
            warn(PylinkError(line))
        print("\n".join(one_line(line) for line in verdict.report()))
    return 1 if any(v.breaking for v in comparison.verdicts) else 0


@command("export-header", "--name NAME -o FILE", "a provider's <name>_export.h export macros")
def _export_header(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Write a provider's export header defining NAME_API (for exported functions) and
    NAME_DATA (variables), NAME upper-cased with other characters than letters, digits
    and '_' as '_'; print the define the library's own build sets, privately (never in
    pylink.json): NAME_BUILDING. Building the library the macros export it
    (visibility("default"); dllexport on Windows); in a consumer they give the cheapest
    call without a flag of its own: dllimport on Windows, GCC's noplt attribute on x86-64
    ELF (a call through the GOT, no PLT stub), else nothing. NAME_STATIC (a static
    library) drops the Windows attributes. The pylink_add_provider(EXPORT_HEADER) CMake
    helper and the meson snippet run this."""
    parser.add_argument("--name", required=True, help="the provider's dependency name")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="e.g. foo_export.h")
    opts = parser.parse_args(argv)
    from ..outputs import export_header

    with writing(opts.output):
        export_header.write(opts.name, opts.output)
    print(export_header.building_define(opts.name))
    return 0


def _built(kind: str) -> "Callable[[str], tuple[str, str]]":
    """The argument type of ``--library`` and ``--extension``: ``(file, kind)``."""
    return lambda path: (path, kind)


def _find_requests(
    tokens: list[str], parser: argparse.ArgumentParser, index: "Index"
) -> list[Dependency]:
    """Each ``NAME [OP VERSION]`` request resolved in ``index``; a malformed one is a
    usage error."""
    requests = parse_requests(tokens, parser.error)
    return [index.find(name, ",".join(spec) or None) for name, spec in requests]


def _provider_json(p: Provider) -> "dict[str, Any]":
    return {
        "name": p.name,
        "version": p.version,
        "distribution": p.distribution,
        "cmake_name": p.cmake_package,
        "cmake_target": p.cmake_target,
        "abi": p.abi,
        "requirement": p.requirement,
        "python_abi": p.python_abi,
        "description": p.description,
        "metadata_file": p.metadata_file,
        "package_dir": p.package_dir,
        "package_relpath": p.package_relpath,
        "site_dir": p.site_dir,
    }


def _dependency_json(dep: Dependency, rpaths: tuple[str, ...] | None) -> "dict[str, Any]":
    data = _provider_json(dep.provider)
    data.update(
        include_dirs=list(dep.include_dirs),
        defines=list(dep.defines),
        compile_args=list(dep.compile_args),
        libraries=[
            {"path": x.path, "soname": x.soname, "kind": x.kind, "import_library": x.import_library}
            for x in dep.libraries
        ],
        link_args=list(dep.link_args),
        requires=[
            {"name": r.name, "version": r.version, "distribution": r.distribution}
            for r in dep.requires
        ],
        cflags=flags.cflags([dep]),
        libs=flags.libs([dep]),
    )
    if rpaths is not None:
        data["rpath"] = list(rpaths)
    return data
