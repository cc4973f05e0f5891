"""setuptools integration: ``Extension(..., py_libraries=["exampleprov>=1.0"])``.

::

    from setuptools import setup
    from pylinkdep.setuptools import Extension

    setup(ext_modules=[Extension("consumer._ext", ["src/_ext.c"],
                                 py_libraries=["exampleprov>=1.0"])])

pylinkdep registers a ``setuptools.finalize_distribution_options`` hook
(:mod:`pylinkdep._setuptools_entry`) that gives such a
project pylinkdep's :class:`build_ext` (mixed into a ``build_ext`` of the project's own
``cmdclass``, if any). At build time it resolves each ``py_libraries`` entry among the
providers installed in the build environment (a cross build's target site directory when
``PYLINKDEP_TARGET_SITE`` is set) and adds their include dirs, defines and compile args,
the libraries by full path, their link args and the run path (for
``PYLINKDEP_TARGET_PLATFORM``, default this machine) relative to where the extension is
installed (``$ORIGIN/..``, ``@loader_path/..``); and it writes
``<package>/_pylink.py``, which the package imports before the extension to check the
providers' versions and load their libraries (:mod:`pylinkdep.runtime`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import setuptools
from setuptools.command.build_ext import build_ext as _setuptools_build_ext

from . import _target, rpath
from ._resolve import Dependency, Index
from .errors import PylinkError
from .outputs import runtime_module

__all__ = [
    "BuildExtMixin",
    "Extension",
    "apply_dependencies",
    "build_ext",
    "drop_absolute_rpaths",
    "resolve",
    "use_build_ext",
]


class Extension(setuptools.Extension):
    """A setuptools Extension that links pylink providers.

    ``py_libraries``: requirements on pylink dependency names, such as
    ``"exampleprov>=1.0"`` (PEP 508 name and version specifier).
    """

    def __init__(
        self,
        name: str,
        sources: list[str],
        *args: Any,
        py_libraries: Sequence[str] = (),
        **kw: Any,
    ) -> None:
        super().__init__(name, sources, *args, **kw)
        self.py_libraries = list(py_libraries)


class BuildExtMixin(_setuptools_build_ext):
    """Resolves ``py_libraries`` and writes the run-time module; mix into any build_ext."""

    def initialize_options(self) -> None:
        super().initialize_options()
        # Package subdir -> the providers its _pylink.py records (all its extensions').
        self.pylink_modules: dict[str, list[Dependency]] = {}

    def build_extension(self, ext: Any) -> None:
        requirements = getattr(ext, "py_libraries", None)
        if not requirements:
            super().build_extension(ext)
            return
        target = _target.target()
        if not getattr(ext, "_pylinkdep_done", False):
            if target.warning:
                self.warn(f"pylinkdep: {target.warning}")
            deps = resolve(requirements, ext.name, target.index())
            apply_dependencies(ext, deps, self._subdir(ext), target.platform)
            ext._pylinkdep_done = True
            self._write_runtime_module(ext, deps)
        # Some interpreters' LDSHARED carries -Wl,-rpath,<their lib dir> (pyenv's do): an
        # absolute path of the build machine that must not reach the wheel's run path.
        linker = getattr(self.compiler, "linker_so", None)
        if linker is not None:
            self.compiler.linker_so = drop_absolute_rpaths(linker)
        try:
            super().build_extension(ext)
        finally:
            if linker is not None:
                self.compiler.linker_so = linker
        self._check_requirement(ext, target.index())

    def _check_requirement(self, ext: Any, index: Index) -> None:
        """Warn where the project's dependencies admit a provider version older than
        the built extension needs (the symbols it imports: :mod:`pylinkdep.wheel.requirement`)."""
        from packaging.requirements import Requirement

        from . import _fs
        from .metadata import normalize_name
        from .wheel import requirement
        from .wheel.consumer import covers

        path = self.get_ext_fullpath(ext.name)
        files = [(path, _fs.read_regular(path, 1 << 31))]
        declared: dict[str, list[str]] = {}
        for text in getattr(self.distribution, "install_requires", None) or []:
            req = Requirement(text)
            declared.setdefault(normalize_name(req.name), []).append(str(req.specifier))
        for need in requirement.needed(files, index):
            specs = declared.get(normalize_name(need.provider.distribution))
            if specs is None or not covers(need.range, ",".join(s for s in specs if s)):
                self.warn(
                    f"pylinkdep: {ext.name} needs {need.requirement} ({need.reason()}): "
                    "declare it in [project] dependencies"
                )

    def _subdir(self, ext: Any) -> str:
        """The extension's install directory relative to site-packages."""
        return "/".join(self.get_ext_fullname(ext.name).split(".")[:-1])

    def _write_runtime_module(self, ext: Any, deps: list[Dependency]) -> None:
        subdir = self._subdir(ext)
        if not subdir:
            raise PylinkError(
                f"extension {ext.name!r} is a top-level module: put it in a package, "
                f"whose _pylink.py checks and loads its providers"
            )
        consumer = self.distribution.get_name()
        recorded = self.pylink_modules.setdefault(subdir, [])
        recorded += [d for d in deps if d not in recorded]
        targets = [
            os.path.join(self.build_lib, *subdir.split("/"), f"{runtime_module.MODULE_NAME}.py")
        ]
        if self.inplace or getattr(self, "editable_mode", False):
            build_py = self.get_finalized_command("build_py")
            package_dir = build_py.get_package_dir(subdir.replace("/", "."))  # type: ignore[attr-defined]
            targets.append(os.path.join(package_dir, f"{runtime_module.MODULE_NAME}.py"))
        for target in targets:
            runtime_module.write_module(target, consumer, subdir, recorded)

    def get_outputs(self) -> list[str]:
        modules = [
            os.path.join(self.build_lib, *subdir.split("/"), f"{runtime_module.MODULE_NAME}.py")
            for subdir in self.pylink_modules
        ]
        return [*super().get_outputs(), *modules]


class build_ext(BuildExtMixin, _setuptools_build_ext):
    """setuptools' build_ext with pylink providers."""


def resolve(
    requirements: list[str], extension: str, index: Index | None = None
) -> list[Dependency]:
    """Resolve ``py_libraries`` entries in ``index`` (default: the running Python's
    providers); errors name the extension and the entry."""
    from packaging.requirements import InvalidRequirement, Requirement

    index = index or Index(None)
    deps = []
    for i, text in enumerate(requirements):
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            raise PylinkError(
                f"extension {extension!r}: py_libraries[{i}] {text!r} is not a requirement "
                f"such as 'exampleprov>=1.0': {exc}",
                field=f"py_libraries[{i}]",
            ) from None
        if req.extras or req.url or req.marker:
            raise PylinkError(
                f"extension {extension!r}: py_libraries[{i}] {text!r}: only a name and a "
                f"version specifier are allowed",
                field=f"py_libraries[{i}]",
            )
        deps.append(index.find(req.name, str(req.specifier) or None))
    return deps


def apply_dependencies(ext: Any, deps: list[Dependency], subdir: str, platform: str) -> None:
    """Add the flags of ``deps`` to ``ext``, an extension installed in ``subdir``."""
    for dep in deps:
        ext.include_dirs += [d for d in dep.include_dirs if d not in ext.include_dirs]
        # Cython's build_ext (setuptools' base when Cython is installed) searches these.
        cython = list(getattr(ext, "cython_include_dirs", None) or [])
        ext.cython_include_dirs = cython + [d for d in dep.cython_include_dirs if d not in cython]
        for define in dep.defines:
            name, sep, value = define.partition("=")
            macro = (name, value if sep else None)
            if macro not in ext.define_macros:
                ext.define_macros.append(macro)
        ext.extra_compile_args += list(dep.compile_args)
        # By full path, MSVC and mingw alike: the import library on Windows.
        ext.extra_objects += [
            lib.link_file for lib in dep.libraries if lib.link_file not in ext.extra_objects
        ]
        ext.extra_link_args += list(dep.link_args)
        ext.extra_link_args += rpath.linker_args(dep.rpaths(subdir, platform))


def drop_absolute_rpaths(args: list[str]) -> list[str]:
    """``args`` without ``-Wl,-rpath,/abs`` (or ``-Wl,-R/abs``) run path entries."""
    kept = []
    for arg in args:
        for prefix in ("-Wl,-rpath,", "-Wl,-R,", "-Wl,-R"):
            if arg.startswith(prefix):
                entries = [e for e in arg[len(prefix) :].split(":") if not e.startswith("/")]
                arg = f"{prefix}{':'.join(entries)}" if entries else ""
                break
        if arg:
            kept.append(arg)
    return kept


def use_build_ext(dist: Any) -> None:
    """Give the setuptools distribution ``dist`` pylinkdep's build_ext (mixed into its own,
    if any): what the entry point (:mod:`pylinkdep._setuptools_entry`) does for a
    distribution whose extensions have ``py_libraries``."""
    base = dist.cmdclass.get("build_ext")
    if base is None:
        dist.cmdclass["build_ext"] = build_ext
    elif not issubclass(base, BuildExtMixin):
        dist.cmdclass["build_ext"] = type(base.__name__, (BuildExtMixin, base), {})
