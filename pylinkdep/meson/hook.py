"""The ``pylink`` dependency method, patched into meson's internals.

Meson has no plugin API and no stable Python API, so everything that touches its
internals lives in this module. Each patch point is found by feature (``hasattr``,
signatures), never by version number; :func:`install` names whatever is missing.
Probed on meson 1.2.3, 1.4.2, 1.8.5, 1.9.0, 1.10.0, 1.11.0 and 1.12.1:

1. ``dependencies.detect._build_external_dependency_list(name, env, [for_machine,] kwargs)``
   builds the candidate list for ``dependency()``. Wrapped: ``method: 'pylink'`` gets
   only our candidate; ``method: 'auto'`` gets it after meson's own list, when a
   provider of that name is installed for a target that can be asked. Up to 1.9 this
   function rejects unknown methods itself ("method 'pylink' is invalid"), so the wrapper
   does not call it for 'pylink'. Candidates are ``functools.partial``s up to 1.10 (meson reads
   ``c.func.log_tried()``), ``DependencyCandidate`` objects from 1.11.
2. From 1.10, ``interpreter.type_checking.DEPENDENCY_METHOD_KW`` validates ``method``
   with a validator and converts it with ``DependencyMethods(value)``. Both are plain
   attributes of one shared object, read at call time: we let 'pylink' through.
3. ``interpreter.Interpreter.add_target``: once a target exists we know where it is
   installed (``{py_platlib}/consumer/sub`` stays visible as the ``optname`` of its
   install dir), so we add ``-Wl,-rpath,$ORIGIN/<relpath>`` to its link arguments. A
   dependency cannot carry it: its run path depends on the target. meson adds an rpath
   for absolute library paths only for the type names library/pkgconfig/cmake, and
   meson-python keeps absolute rpaths outside the build dir: ours is 'pylink'.
4. ``coredata.DependencyCache.put``: pylink dependencies are not cached in
   coredata.dat, so a regeneration resolves them again (and sees an upgraded provider).
5. ``interpreter.Interpreter.run``: after the main project's meson.build (subprojects
   included) is read, each package directory under the site dirs where an installed
   target links pylink dependencies gets a ``_pylink.py``, written into the build dir
   (``pylinkdep-runtime/<subdir>/_pylink.py``) from the dependencies' resolution (the
   union over that directory's targets, in target and link order) and registered with
   ``Interpreter.install_data_impl`` (``install_sources``' own implementation) under the
   first such target's install dir object, so the install plan shows
   ``{py_platlib}/<subdir>/_pylink.py``. At the end rather than in ``add_target``: only
   then are all targets of a directory known, and a ``_pylink.py`` the project installs
   itself (a ``custom_target`` written after the extension, ``install_sources``,
   ``configure_file``) is seen whatever its order; that directory gets none. Every
   configure (setup, ``--reconfigure``, ninja's regeneration) runs it, so the module is
   rewritten each time. ``run`` and ``install_data_impl(sources, install_dir,
   install_mode, rename=, tag=, install_data_type=)`` have these names and keywords from
   1.2.3 to 1.12 (1.2.3's extra ``install_dir_name`` is not passed: both take the name
   from the install dir's ``optname``).

build.dat is a pickle read by stock ``meson introspect``/``configure``, where this
module may not be importable: :class:`PylinkDependency` pickles as a stock
``ExternalDependency`` holding the same data, less the resolution (``pylink_resolved``,
pylinkdep's own classes, used in this process only).
"""

from __future__ import annotations

import copy
import copyreg
import functools
import inspect
import json
import os
import posixpath
import subprocess
import sys
from collections.abc import Callable, Iterable
from typing import Any

from mesonbuild import coredata, mesonlib, mlog
from mesonbuild.dependencies import base, detect
from mesonbuild.interpreter import interpreter, type_checking

from .. import _pyproject, rpath
from .._resolve import Dependency, Index, Provider, python_abi_tag, unique
from .._target import target as build_target
from ..errors import ProviderNotFound, PylinkError
from ..metadata import normalize_name
from ..outputs import flags, runtime_module

METHOD = "pylink"
_PY_DIRS = ("{py_platlib}", "{py_purelib}")
RUNTIME_DIR = "pylinkdep-runtime"
"""Where in the build dir the generated ``_pylink.py`` files are written."""
_MODULE_FILE = f"{runtime_module.MODULE_NAME}.py"
_ExternalDependency: Any = base.ExternalDependency
# Before 1.11 the type name is ExternalDependency.__init__'s first argument.
_TYPE_NAME_FIRST = "type_name" in inspect.signature(_ExternalDependency.__init__).parameters


class Unsupported(Exception):
    """This meson lacks something the hook needs."""


class PylinkDependency(_ExternalDependency):
    """A provider resolved by pylinkdep, as a meson external dependency."""

    type_name = METHOD

    def __init__(self, name: str, env: Any, kwargs: dict[str, Any]) -> None:
        super().__init__(METHOD if _TYPE_NAME_FIRST else name, env, kwargs)
        self.name = name
        self.type_name = METHOD  # an instance attribute survives pickling as a stock class
        self.pylink_libdirs: list[tuple[str, str]] = []
        self.pylink_cython_args: list[str] = []
        self.variables: dict[str, str] = {}
        self.pylink_platform = sys.platform  # the host machine's, once resolved
        # For the run-time module; never pickled (build.dat stays readable without pylinkdep).
        self.pylink_resolved: Dependency | None = None
        where = _target_python(env, self.for_machine)
        try:
            path, python_abi, self.pylink_platform, where = _build_target(env, self.for_machine)
            dep = _index(path, python_abi).find(name)
        except PylinkError as exc:
            reason = _reason(name, where, exc)
            if self.required:
                raise base.DependencyException(reason) from None
            mlog.log(mlog.yellow("pylink:"), reason)
            return
        self.is_found = True
        self.pylink_resolved = dep
        self.version = dep.version
        self.compile_args = flags.cflags([dep])
        self.link_args = flags.libs([dep])
        self.pylink_libdirs = [
            (rel, os.path.join(p.site_dir, rel))
            for p in dep.link_order
            for rel in p.library_relpaths()
        ]
        self.pylink_cython_args = [f"-I{d}" for d in dep.cython_include_dirs]
        self.variables = _variables(dep)
        if dep.provider.symbols:
            mlog.log(mlog.yellow("pylink:"), _requirement_hint(dep.provider))

    @staticmethod
    def log_tried() -> str:
        return METHOD

    def log_info(self) -> str:
        return str(self.variables.get("package_dir", ""))

    def get_variable(self, **kwargs: Any) -> str:
        """``dep.get_variable('include_dir')``: a pylink field (positional or ``internal:``)."""
        names = [kwargs.get(k) for k in ("internal", "pkgconfig", "cmake", "configtool")]
        wanted = next((n for n in names if n), None)
        if wanted in self.variables:
            return self.variables[wanted]
        if kwargs.get("default_value") is not None:
            return str(kwargs["default_value"])
        known = ", ".join(sorted(self.variables))
        raise base.DependencyException(
            f"pylink dependency {self.name!r} has no variable {wanted!r} (it has: {known})"
        )

    # copy (partial_dependency, include_type) keeps this class; only pickles are stock.
    def __copy__(self) -> PylinkDependency:
        new: PylinkDependency = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo: dict[int, Any]) -> PylinkDependency:
        new: PylinkDependency = object.__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(_picklable(self.__dict__), memo))
        new.pylink_resolved = self.pylink_resolved  # immutable: shared
        return new

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        reconstructor = getattr(copyreg, "_reconstructor")  # noqa: B009 (private name)
        state = _picklable(self.__dict__)
        return (reconstructor, (base.ExternalDependency, object, None), state)


def _picklable(state: dict[str, Any]) -> dict[str, Any]:
    """A dependency's attributes less the resolution (pylinkdep's own classes)."""
    return {k: v for k, v in state.items() if k != "pylink_resolved"}


def _variables(dep: Dependency) -> dict[str, str]:
    p = dep.provider
    return {
        "name": p.name,
        "version": p.version,
        "abi": p.abi,
        "requirement": p.requirement,
        "distribution": p.distribution,
        "package_dir": p.package_dir,
        "site_dir": p.site_dir,
        "metadata_file": p.metadata_file,
        "cmake_package": p.cmake_package,
        "cmake_target": p.cmake_target,
        "python_abi": p.python_abi or "",
        "include_dir": p.include_dirs[0] if p.include_dirs else "",
        "cython_include_dir": p.cython_include_dirs[0] if p.cython_include_dirs else "",
        "library": p.libraries[0].path if p.libraries else "",
        "soname": p.libraries[0].soname if p.libraries else "",
    }


def _requirement_hint(provider: Provider) -> str:
    """What a consumer of a provider with a symbols map declares (its binaries unseen)."""
    return (
        f"{provider.name} {provider.version} records the version each symbol first appeared "
        f"in: declare {provider.requirement} in [project] dependencies, or lower it to what "
        "`pylinkdep requirement <built wheel>` prints (`pylinkdep check` verifies it)"
    )


def _reason(name: str, where: str, exc: PylinkError) -> str:
    """The message of a failed lookup: pylinkdep's, which in an isolated build names that
    environment, else one that names where it searched (a Python, or a cross build's
    target site)."""
    if isinstance(exc, ProviderNotFound) and exc.distribution is None and not exc.build_env:
        return (
            f"no pylink provider named {name!r} is installed for {where}: install the "
            f"distribution that provides {name!r} (for meson-python, add it to [build-system] "
            "requires in pyproject.toml), or add the directory holding "
            f"{name}.pylink.json to PYLINK_PATH"
        )
    return str(exc)


_FACTS = (
    "import json, sys, sysconfig; print(json.dumps([sys.path, sys.implementation.name, "
    "sys.version_info[:2], bool(sysconfig.get_config_var('Py_GIL_DISABLED'))]))"
)


@functools.cache
def _python_facts(python: str) -> tuple[tuple[str, ...], str]:
    """``sys.path`` and ABI of another interpreter (the one ``find_installation()``
    builds for)."""
    try:
        out = subprocess.run([python, "-c", _FACTS], capture_output=True, text=True, check=True)
        path, implementation, (major, minor), threaded = json.loads(out.stdout)
    except (OSError, subprocess.CalledProcessError, ValueError, TypeError) as exc:
        raise PylinkError(f"cannot ask {python} (meson's python) for its sys.path: {exc}") from None
    return tuple(path), python_abi_tag(implementation, major, minor, threaded)


def _target_python(env: Any, for_machine: Any) -> str:
    """The interpreter ``find_installation()`` builds for: the machine files' ``python``
    (meson-python names its own), else the one running meson."""
    for entry in ("python", "python3"):
        command = env.lookup_binary_entry(for_machine, entry)
        if command:
            return str(command[0])
    return sys.executable


def _build_target(
    env: Any, for_machine: Any
) -> tuple[tuple[str, ...] | None, str | None, str, str]:
    """Where the build's providers are, their Python ABI, the platform (for run paths)
    and what to call the place in messages: the machine file's ``[properties]``
    ``pylink_target_site`` (a string or an array) and ``pylink_target_python_abi``, else
    PYLINKDEP_TARGET_SITE and PYLINKDEP_TARGET_PYTHON_ABI, else the target Python's; the
    platform is the host machine's ``system``."""
    properties = env.properties[for_machine]
    machine = env.machines[for_machine]
    windows = machine.is_windows() or machine.is_cygwin()
    platform = "darwin" if machine.is_darwin() else "win32" if windows else "linux"
    found = build_target(
        _property(properties, "pylink_target_site"),
        _property(properties, "pylink_target_python_abi"),
        platform,
    )
    if found.site is None:
        python = _target_python(env, for_machine)
        return (*_target(python), platform, python)
    if found.warning:
        _warn_once(found.warning)
    return found.site, found.python_abi, platform, f"the target site {os.pathsep.join(found.site)}"


def _property(properties: Any, name: str) -> str | None:
    """A machine file's ``[properties]`` string (an array: ``os.pathsep``-joined), if set."""
    value = properties.get(name, None)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return os.pathsep.join(value)
    if value is None or isinstance(value, str):
        return value
    raise PylinkError(
        f"the machine file's [properties] {name} must be a string or an array of strings, "
        f"not {value!r}",
        field=name,
    )


@functools.cache
def _warn_once(text: str) -> None:
    mlog.warning(f"pylink: {text}")


def _target(python: str) -> tuple[tuple[str, ...] | None, str | None]:
    """Where ``python`` finds packages and its ABI: ``None`` for both (ours) when it is
    the running one."""
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        return None, None
    return _python_facts(python)


@functools.cache
def _index(path: tuple[str, ...] | None, python_abi: str | None = None) -> Index:
    """The providers installed for the target, read once per meson run (a configure)."""
    return Index(path, python_abi)


@functools.cache
def _installed_names(path: tuple[str, ...] | None) -> frozenset[str]:
    """Providers installed for the target; decides whether 'auto' tries pylink at all."""
    return frozenset(p.name.lower() for p in _index(path).providers(errors=[]))


def _candidate(name: str, env: Any, kwargs: dict[str, Any]) -> Callable[[], Any]:
    candidate_class = getattr(base, "DependencyCandidate", None)
    if candidate_class is not None:  # meson >= 1.11
        made: Callable[[], Any] = candidate_class(
            PylinkDependency, name, METHOD, arguments=(env, kwargs)
        )
        return made
    return functools.partial(PylinkDependency, name, env, kwargs)


def _wrap_candidates(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    @functools.wraps(original)
    def build_list(name: str, env: Any, *rest: Any) -> list[Any]:
        # (for_machine, kwargs) up to 1.10; (kwargs,) after, with kwargs['native'] a machine
        kwargs = rest[-1]
        for_machine = rest[0] if len(rest) == 2 else kwargs["native"]
        method = getattr(kwargs.get("method"), "value", kwargs.get("method", "auto"))
        if method == METHOD:
            return [_candidate(name, env, kwargs)]
        candidates = original(name, env, *rest)
        if method == "auto":
            # After meson's own methods, which answer as stock meson does; and only where
            # the target can be asked (a machine file's python that cannot run here, or a
            # bad cross-build setting, matters to pylink lookups alone).
            try:
                path, *_ = _build_target(env, for_machine)
                installed = _installed_names(path)
            except PylinkError:
                return candidates
            if name.lower() in installed:
                candidates.append(_candidate(name, env, kwargs))
        return candidates

    return build_list


def _relax_method_kw(kw: Any) -> None:
    validator, convertor = kw.validator, kw.convertor
    kw.validator = lambda value: None if value == METHOD else validator(value)
    kw.convertor = lambda value: value if value == METHOD else convertor(value)


def _wrap_add_target(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def add_target(self: Any, name: str, tobj: Any) -> Any:
        result = original(self, name, tobj)
        if hasattr(tobj, "get_external_deps") and hasattr(tobj, "link_args"):
            _add_run_path(tobj)
            _add_cython_args(tobj)
        return result

    return add_target


def _linked_deps(target: Any) -> list[Any]:
    """External deps of a target and of the static libraries it links (linked with it)."""
    deps = list(target.get_external_deps())
    for linked in getattr(target, "link_targets", []) + getattr(target, "link_whole_targets", []):
        if type(linked).__name__ == "StaticLibrary":
            deps += _linked_deps(linked)
    return deps


def _links(dep: Any) -> bool:
    """Whether a dependency of a target is a pylink one it links (a partial_dependency()
    may link nothing)."""
    return bool(getattr(dep, "link_args", None) and getattr(dep, "pylink_libdirs", None))


def _add_run_path(target: Any) -> None:
    libdirs: dict[tuple[str, str], None] = {}
    platform = sys.platform
    for dep in _linked_deps(target):
        if _links(dep):
            libdirs.update(dict.fromkeys(dep.pylink_libdirs))
            platform = dep.pylink_platform  # every dependency of a target: one machine
    if not libdirs or platform == "win32":
        return
    if not target.should_install():
        # Runs from the build tree only (tests): the provider where it is now.
        entries = [absolute for _, absolute in libdirs]
    else:
        subdir = _site_subdir(target)
        if subdir is None:
            mlog.warning(
                f"pylink: target {target.name!r} is not installed under the Python "
                "site directories ({py_platlib} or {py_purelib}), so no run path to "
                "its pylink providers was added: set its install_rpath yourself"
            )
            return
        entries = [rpath.relative_rpath(subdir, rel, platform) for rel, _ in libdirs]
    target.link_args = [*target.link_args, *rpath.linker_args(unique(entries))]


def _add_cython_args(target: Any) -> None:
    """Cython's ``-I`` for the ``.pxd`` directories of the pylink dependencies a target
    uses: meson passes a dependency's compile args to the C compiler, never to cython."""
    args = unique(
        a for d in target.get_external_deps() for a in getattr(d, "pylink_cython_args", ())
    )
    extra = getattr(target, "extra_args", None)
    if args and isinstance(extra, dict):
        given = extra.get("cython", [])
        extra["cython"] = [*given, *(a for a in args if a not in given)]


def _site_subdir(target: Any) -> str | None:
    """``consumer/sub`` for a target installed in ``{py_platlib}/consumer/sub``."""
    install_dirs = getattr(target, "install_dir", None) or [None]
    return _under_site(getattr(install_dirs[0], "optname", "") or "")


def _under_site(name: str) -> str | None:
    """``consumer/sub`` for the install dir name ``{py_platlib}/consumer/sub``; None
    outside the site dirs."""
    for prefix in _PY_DIRS:
        if name == prefix or name.startswith(prefix + "/"):
            rest = name[len(prefix) :].strip("/")
            return posixpath.normpath(rest) if rest else ""
    return None


def _wrap_run(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def run(self: Any) -> Any:
        result = original(self)
        if not self.is_subproject():
            try:
                _install_runtime_modules(self)
            except PylinkError as exc:
                raise mesonlib.MesonException(f"pylink: {exc}") from None
        return result

    return run


def _install_runtime_modules(interp: Any) -> None:
    """Write and install the ``_pylink.py`` of each package directory whose installed
    targets link pylink dependencies (patch point 5)."""
    plan = _runtime_plan(interp.build.targets.values())
    if not plan:
        return
    own = _own_runtime_modules(interp.build)
    source_dir = interp.environment.get_source_dir()
    doc = _pyproject.read(source_dir)
    consumer = _consumer_name(doc, source_dir, interp.build.project_name)
    _warn_undeclared(doc, [dep for _, deps in plan.values() for dep in deps])
    for subdir, (install_dir, deps) in plan.items():
        if subdir in own:
            mlog.log(
                mlog.yellow("pylink:"),
                f"{subdir}/{_MODULE_FILE} is installed by {own[subdir]}: "
                "pylinkdep-meson generates none there",
            )
            continue
        reldir = posixpath.join(RUNTIME_DIR, subdir)
        path = os.path.join(interp.environment.get_build_dir(), *reldir.split("/"), _MODULE_FILE)
        try:
            runtime_module.write_module(path, consumer, subdir, deps)
        except OSError as exc:
            raise PylinkError(f"cannot write {path}: {exc.strerror or exc}") from None
        interp.install_data_impl(
            [mesonlib.File.from_built_file(reldir, _MODULE_FILE)],
            install_dir,
            mesonlib.FileMode(),
            rename=None,
            tag="python-runtime",
            install_data_type="python",
        )


def _runtime_plan(targets: Iterable[Any]) -> dict[str, tuple[Any, list[Dependency]]]:
    """Package subdir -> the install dir of its first installed target that links pylink
    dependencies, and what all of them link, in target and link order."""
    plan: dict[str, tuple[Any, list[Dependency]]] = {}
    for target in targets:
        if not (hasattr(target, "get_external_deps") and target.should_install()):
            continue
        deps = [d.pylink_resolved for d in _linked_deps(target) if _links(d)]
        resolved = [d for d in deps if d is not None]
        subdir = _site_subdir(target)
        if not resolved or subdir is None:  # outside the site dirs: _add_run_path warned
            continue
        if not subdir:
            mlog.warning(
                f"pylink: target {target.name!r} is installed at the top of the site "
                f"directory, outside any package: no {_MODULE_FILE} checks and loads its "
                "pylink providers (install it in a package)"
            )
            continue
        _, recorded = plan.setdefault(subdir, (target.install_dir[0], []))
        recorded += [d for d in resolved if d not in recorded]
    return plan


def _own_runtime_modules(build: Any) -> dict[str, str]:
    """Package subdir -> what installs a ``_pylink.py`` there that the project writes
    itself: a custom_target's output, or a file of install_data, install_sources or
    configure_file."""
    own: dict[str, str] = {}
    for target in build.targets.values():
        if type(target).__name__ != "CustomTarget" or not target.should_install():
            continue
        outputs, dirs = list(target.get_outputs()), list(target.install_dir)
        for i, output in enumerate(outputs):
            where = dirs[i] if len(dirs) == len(outputs) else dirs[0]
            name = posixpath.join(getattr(where, "optname", "") or "", output)
            _own(own, name, f"custom_target {target.name!r}")
    for data in build.data:
        for rename in data.rename or ():
            _own(own, posixpath.join(data.install_dir_name or "", rename), "the project")
    return own


def _own(own: dict[str, str], name: str, what: str) -> None:
    folder, _, file = name.rpartition("/")
    subdir = _under_site(folder)
    if file == _MODULE_FILE and subdir is not None:
        own.setdefault(subdir, what)


def _consumer_name(doc: dict[str, Any] | None, source_dir: str, project_name: str) -> str:
    """The consumer's distribution name: ``[project] name`` of ``doc``, the pyproject.toml
    at the source root, else the meson project's name (also where Python 3.10 has no tomli)."""
    project = doc.get("project") if doc else None
    if project is None:
        return project_name
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise PylinkError(
            f"pyproject.toml's [project] name must be a non-empty string, not {name!r}",
            file=os.path.join(source_dir, "pyproject.toml"),
            field="project.name",
        )
    return name


def _warn_undeclared(doc: dict[str, Any] | None, deps: Iterable[Dependency]) -> None:
    """A warning for each provider linked whose distribution ``[project] dependencies``
    does not name: meson-python takes no dynamic dependencies, so a consumer declares its
    run requirement there itself (``pylinkdep check`` verifies the wheel's)."""
    project = doc.get("project") if doc else None
    if not isinstance(project, dict) or "dependencies" in (project.get("dynamic") or ()):
        return
    entries = project.get("dependencies") or ()
    declared = {normalize_name(req.name) for req in _pyproject.requirements(entries)}
    for provider in unique(p for dep in deps for p in dep.link_order):
        if normalize_name(provider.distribution) not in declared:
            mlog.warning(
                f"pylink: pyproject.toml's [project] dependencies do not name "
                f"{provider.distribution}, whose library this build links: add "
                f'"{provider.requirement}" there (meson-python fills in no dependencies)'
            )


def _wrap_cache_put(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def put(self: Any, key: Any, dep: Any) -> Any:
        if isinstance(dep, PylinkDependency):
            return None
        return original(self, key, dep)

    return put


def install() -> None:
    """Patch meson (this process only); raise :class:`Unsupported` naming what is missing."""
    needed = {
        "mesonbuild.dependencies.detect._build_external_dependency_list": hasattr(
            detect, "_build_external_dependency_list"
        ),
        "mesonbuild.interpreter.interpreter.Interpreter.add_target": hasattr(
            interpreter.Interpreter, "add_target"
        ),
        "mesonbuild.coredata.DependencyCache.put": hasattr(coredata, "DependencyCache")
        and hasattr(coredata.DependencyCache, "put"),
        "mesonbuild.interpreter.interpreter.Interpreter.run": hasattr(
            interpreter.Interpreter, "run"
        ),
        "mesonbuild.interpreter.interpreter.Interpreter.install_data_impl": hasattr(
            interpreter.Interpreter, "install_data_impl"
        ),
        "mesonbuild.mesonlib.File.from_built_file": hasattr(mesonlib.File, "from_built_file"),
    }
    kw = getattr(type_checking, "DEPENDENCY_METHOD_KW", None)
    if kw is not None:
        needed["DEPENDENCY_METHOD_KW.validator/convertor"] = hasattr(kw, "validator") and hasattr(
            kw, "convertor"
        )
    missing = [name for name, ok in needed.items() if not ok]
    if missing:
        raise Unsupported(", ".join(missing))
    detect._build_external_dependency_list = _wrap_candidates(
        detect._build_external_dependency_list
    )
    if kw is not None:
        _relax_method_kw(kw)
    interpreter.Interpreter.add_target = _wrap_add_target(interpreter.Interpreter.add_target)
    interpreter.Interpreter.run = _wrap_run(interpreter.Interpreter.run)
    coredata.DependencyCache.put = _wrap_cache_put(coredata.DependencyCache.put)
