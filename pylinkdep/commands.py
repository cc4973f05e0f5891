"""The subcommands of ``pylinkdep`` (``list``, ``show``, ``generate``, ``check``, ...):
``cli.main`` runs them from here, so that a pkg-config style query loads none of them."""

import os

from .cli import one_line, parse_requests, report
from .emit import flags
from .errors import PylinkError
from .resolve import Dependency, Provider, find, providers

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def run(command: str, argv: list[str]) -> int:
    """Run the subcommand ``command`` (one of ``cli.SUBCOMMANDS``) with its arguments."""
    if command in ("auditwheel-args", "delocate-args"):
        return _repair_args(argv, command)
    return _COMMANDS[command](argv)


def _list(argv: list[str]) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="pylinkdep list", description="List installed pylink providers."
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array of objects")
    opts = parser.parse_args(argv)
    errors: list[PylinkError] = []
    found = providers(errors=errors)
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


def _show(argv: list[str]) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="pylinkdep show", description="Show what a dependency name resolves to."
    )
    parser.add_argument("name", help="dependency name, as in dependency('NAME')")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument(
        "--rpath-from",
        metavar="SUBDIR",
        default=None,
        help="also show the run path from a consumer installed in SUBDIR "
        "(relative to site-packages, e.g. consumer/sub)",
    )
    opts = parser.parse_args(argv)
    dep = find(opts.name)
    if opts.rpath_from is not None:
        try:
            dep.rpaths(opts.rpath_from)
        except ValueError as exc:
            parser.error(str(exc))
    if opts.json:
        print(json.dumps(_dependency_json(dep, opts.rpath_from), indent=2))
    else:
        print(dep)
        if opts.rpath_from is not None:
            print(f"  run path from {opts.rpath_from}: {':'.join(dep.rpaths(opts.rpath_from))}")
    return 0


def _generate(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep generate",
        description="Write a provider's pylink.json from the libraries just built (run by the "
        "provider's build system). Libraries are recorded by file name, installed beside "
        "pylink.json, with the SONAME read from the file. Give values starting with '-' "
        "as --compile-arg=-O2.",
    )
    add = parser.add_argument
    add("-o", "--output", required=True, help="the pylink.json to write")
    add("--name", required=True, help="dependency name, as in dependency('NAME')")
    add("--version", required=True, help="this build's PEP 440 version")
    add("--abi", required=True, help="provider versions consumers built now run with: '>=1.2,<2'")
    add(
        "--library",
        dest="libraries",
        action="append",
        default=[],
        metavar="FILE",
        type=lambda path: (path, "shared"),
        help="a built shared library (repeatable, link order)",
    )
    add(
        "--extension",
        dest="libraries",
        action="append",
        metavar="FILE",
        type=lambda path: (path, "extension"),
        help="a built extension module that exports the C API",
    )
    add(
        "--include-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="include directory relative to pylink.json (repeatable)",
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
        help="cp311, cp313t, abi3 when the library uses the Python C API; 'auto': from the "
        "first --extension's file name",
    )
    add("--cmake-package", metavar="NAME", help="find_package(NAME); default: --name")
    add("--cmake-target", metavar="NS::NAME", help="imported target; default: NAME::NAME")
    add("--description", default="")
    opts = parser.parse_args(argv)  # fmt: skip
    from . import generate  # reads ELF with pyelftools: not on the query path

    python_abi = opts.python_abi
    if python_abi == "auto":
        extensions = [path for path, kind in opts.libraries if kind == "extension"]
        if not extensions:
            parser.error("--python-abi auto needs an --extension")
        python_abi = python_abi_of(extensions[0])
    doc = generate.document(
        name=opts.name,
        version=opts.version,
        abi=opts.abi,
        libraries=opts.libraries,
        include_dirs=opts.include_dir,
        defines=opts.define,
        compile_args=opts.compile_arg,
        link_args=opts.link_arg,
        requires=opts.requires,
        python_abi=python_abi,
        cmake_package=opts.cmake_package,
        cmake_target=opts.cmake_target,
        description=opts.description,
    )
    generate.write(doc, opts.output)
    return 0


def _check(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep check",
        description="Check wheels. Providers: valid pylink.json, paths inside the package and "
        "in the wheel, SONAME as declared, header API exported, entry point present. "
        "Consumers: no provider library vendored, run paths $ORIGIN-relative, "
        "Requires-Dist covering each linked provider's ABI range.",
    )
    parser.add_argument("wheels", nargs="+", metavar="WHEEL")
    opts = parser.parse_args(argv)
    from . import check  # reads ELF with pyelftools: not on the query path

    failed = False
    for wheel in opts.wheels:
        problems = check.check_wheel(wheel)
        failed = failed or bool(problems)
        print(f"{wheel}: {'FAILED' if problems else 'OK'}")
        for problem in problems:
            print(f"  - {problem}")
    return 1 if failed else 0


def _cargo(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep cargo",
        description="Print the Cargo build-script directives that link a Rust extension "
        "against providers: each library by full path and the provider's link args "
        "(cargo:rustc-link-arg), a run path relative to the installed extension, and "
        "cargo:rerun-if-changed lines. A build.rs prints this output unchanged.",
    )
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
    opts = parser.parse_args(argv)
    from .emit import cargo

    deps = [
        find(name, ",".join(spec) or None) for name, spec in parse_requests(opts.packages, parser)
    ]
    try:
        lines = cargo.directives(deps, opts.rpath_from)
    except ValueError as exc:
        parser.error(str(exc))
    print("\n".join(lines))
    return 0


def _pkgconfig_path(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep pkgconfig-path",
        description="Write a pkg-config .pc file for each installed provider (or the NAMEs "
        "given and what they require) into a directory of their own, never site-packages, "
        "and print that directory, for PKG_CONFIG_PATH or meson's -Dpkg_config_path.",
    )
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
    opts = parser.parse_args(argv)
    from .emit import pkgconfig

    errors: list[PylinkError] = []
    if opts.names:
        chosen = {p.name: p for name in opts.names for p in find(name).link_order}
        found = list(chosen.values())
    else:
        found = providers(errors=errors)
    directory = opts.output or pkgconfig.default_dir()
    pkgconfig.write_dir(found, directory, relocatable=opts.relocatable)
    print(os.path.abspath(directory))
    for exc in errors:
        report(exc)
    return 1 if errors else 0


def _requirement(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep requirement",
        description="Print the run requirement (distribution and ABI range, e.g. "
        "'exampleprov>=1.2,<2') a consumer built now against each NAME, and against what "
        "NAME requires, must declare in its dependencies; one per line.",
    )
    parser.add_argument("names", nargs="+", metavar="NAME")
    opts = parser.parse_args(argv)
    from .skbuild import requirements

    print("\n".join(requirements(opts.names)))
    return 0


def _runtime_module(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="pylinkdep runtime-module",
        description="Write the module a consumer package imports before its extension: it "
        "checks each provider's version against the ABI range resolved now and loads the "
        "provider's library when the relative run path misses. Needs nothing but the "
        "standard library at run time.",
    )
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
    opts = parser.parse_args(argv)
    from . import embed

    deps = [find(name, ",".join(spec) or None) for name, spec in parse_requests(opts.names, parser)]
    embed.write_module(opts.output, opts.consumer, opts.subdir, deps)
    return 0


def _repair_args(argv: list[str], command: str) -> int:
    import argparse

    tool = "auditwheel repair" if command == "auditwheel-args" else "delocate-wheel"
    parser = argparse.ArgumentParser(
        prog=f"pylinkdep {command}",
        description=f"Print the options that keep {tool} from copying pylink providers' "
        "libraries into a consumer wheel (a second copy has its own state): one --exclude per "
        "library of the providers a wheel links, or of the providers named.",
    )
    parser.add_argument("targets", nargs="+", metavar="WHEEL_OR_NAME")
    opts = parser.parse_args(argv)
    from . import linked

    print(
        flags.shell_join(a for s in linked.exclude_sonames(opts.targets) for a in ("--exclude", s))
    )
    return 0


def python_abi_of(extension: str) -> str:
    """``cp311``, ``cp313t`` or ``abi3`` from an extension module's file name."""
    import re

    match = re.search(r"\.(?:cpython-(\d)(\d+)(t?)-[^.]*|(abi3))\.(?:so|pyd|dylib)$", extension)
    if not match:
        raise PylinkError(f"cannot tell the Python ABI from the file name {extension!r}")
    major, minor, threaded, abi3 = match.groups()
    return abi3 or f"cp{major}{minor}{threaded}"


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


def _dependency_json(dep: Dependency, rpath_from: str | None) -> "dict[str, Any]":
    data = _provider_json(dep.provider)
    data.update(
        include_dirs=list(dep.include_dirs),
        defines=list(dep.defines),
        compile_args=list(dep.compile_args),
        libraries=[{"path": x.path, "soname": x.soname, "kind": x.kind} for x in dep.libraries],
        link_args=list(dep.link_args),
        requires=[
            {"name": r.name, "version": r.version, "distribution": r.distribution}
            for r in dep.requires
        ],
        cflags=flags.cflags([dep]),
        libs=flags.libs([dep]),
    )
    if rpath_from is not None:
        data["rpath"] = list(dep.rpaths(rpath_from))
    return data


_COMMANDS: "dict[str, Callable[[list[str]], int]]" = {
    "list": _list,
    "show": _show,
    "generate": _generate,
    "check": _check,
    "cargo": _cargo,
    "pkgconfig-path": _pkgconfig_path,
    "requirement": _requirement,
    "runtime-module": _runtime_module,
}
