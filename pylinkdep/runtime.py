"""What a consumer runs at import, before its extension: find each pylink provider, check
its version against the ABI range the consumer was built with, and make sure the loader
reuses the provider's own library (one instance, one global state).

This file imports ``os`` and ``sys`` only on the usual path; ``re`` when the installed
version differs from the one built against, ``json`` when a provider has no dist-info,
``ctypes`` when a library must be preloaded. pylinkdep copies it verbatim into each
consumer at build time (see :mod:`pylinkdep.outputs.runtime_module`), followed by the
recorded providers and a call to :func:`load`, so that consumers need no pylinkdep at
run time. Its PEP 440 evaluator, reduced to what ABI ranges need, also answers the one
version question of every lookup (is ``version`` inside ``abi``?) without ``packaging``.

Each provider is described by a dict recorded at build time::

    {"name": "exampleprov", "distribution": "exampleprov", "package": "exampleprov",
     "marker": "pylink.json", "version": "1.2.0", "abi": ">=1.2,<2",
     "libraries": [{"dir": "exampleprov", "path": "libexampleprov.so.1",
                    "soname": "libexampleprov.so.1"}]}

``marker`` is the file, relative to the package directory, that shows a directory is
the provider's: ``pylink.json``, or "" (none) for a provider described by a PYLINK_PATH
overlay. ``libraries`` lists, in link order, each library's directory relative
to site-packages at build time (what the consumer's relative run path points at), its
path relative to the provider's package directory, and its SONAME (install name, DLL
name); a Windows DLL that imports DLLs its distribution installed in other directories
(a repair tool's ``<dist>.libs``) also has ``"dll_dirs"``, those directories relative to
the package directory.

On Windows each DLL is preloaded by full path, in reverse link order (a library after
what it links), as ``ctypes`` loads a path (``LOAD_LIBRARY_SEARCH_DEFAULT_DIRS |
LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR``: its own dependencies are found beside it): the
loader then reuses the loaded module, by name, for the consumer's extension, whose
search would not look in the provider's directory. ``os.add_dll_directory`` is used only
for a DLL's ``dll_dirs``: it widens the search of every later load in the process, in an
order across directories Windows leaves unspecified.
"""

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_VERSION = (
    r"v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>\d*))?"
    r"(?:-(?P<post_implicit>\d+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n>\d*))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?"
)
_CLAUSE = r"\s*(===|==|!=|~=|<=|>=|<|>)\s*(\S+?)\s*"
_INF = float("inf")

# Handles of directories added with os.add_dll_directory: they stay added while referenced.
_dll_directories: "list[Any]" = []


__all__ = ["Version", "apply", "clauses", "load", "plan", "version_in"]


class Version:
    """A PEP 440 version, comparable; enough of ``packaging.version`` for ABI ranges.
    ValueError for text that is not one."""

    def __init__(self, text: str) -> None:
        import re

        match = re.fullmatch(_VERSION, text.strip(), re.IGNORECASE | re.ASCII)
        if match is None:
            raise ValueError(f"invalid version {text!r}")
        self.text = text
        self.release = tuple(int(n) for n in match["release"].split("."))
        self.is_pre = match["pre"] is not None or match["dev_n"] is not None
        pre = (_PRE[match["pre"].lower()], int(match["pre_n"] or 0)) if match["pre"] else None
        post_text = match["post_implicit"] or match["post_n"]
        has_post = match["post_implicit"] is not None or match["post_n"] is not None
        self.is_post = has_post
        dev = match["dev_n"] is not None
        release = self.release
        while len(release) > 1 and release[-1] == 0:
            release = release[:-1]
        self.key = (
            int(match["epoch"] or 0),
            release,
            pre if pre else ((-1, 0) if dev and not has_post else (3, 0)),
            int(post_text or 0) if has_post else -1,
            int(match["dev_n"] or 0) if dev else _INF,
            tuple(
                (1, int(part), "") if part.isdigit() else (0, 0, part.lower())
                for part in re.split(r"[-_.]", match["local"] or "")
                if part
            ),
        )
        self.epoch = self.key[0]
        self.local = match["local"]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.key == other.key

    def __lt__(self, other: "Version") -> bool:
        return self.key < other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Version({self.text!r})"


def _padded(release: tuple[int, ...], length: int) -> tuple[int, ...]:
    return release + (0,) * (length - len(release))


def _clause_matches(op: str, spec: str, version: Version) -> bool:
    if op == "===":
        return version.text.strip().lower() == spec.lower()
    if op in ("==", "!=") and spec.endswith(".*"):
        import re

        if not re.fullmatch(r"v?(?:\d+!)?\d+(?:\.\d+)*", spec[:-2], re.IGNORECASE | re.ASCII):
            raise ValueError(f"'{op}{spec}': a prefix is a release number only")
        prefix = Version(spec[:-2])
        size = len(prefix.release)
        same = version.epoch == prefix.epoch and (
            _padded(version.release, size)[:size] == prefix.release
        )
        return same if op == "==" else not same
    want = Version(spec)
    if want.local and op not in ("==", "!="):
        raise ValueError(f"'{op}{spec}': a local version goes with == and != only")
    key = version.key if want.local else Version(version.text.split("+")[0]).key
    if op == "==":
        return key == want.key
    if op == "!=":
        return key != want.key
    if op == "<=":
        return key <= want.key
    if op == ">=":
        return key >= want.key
    if op == "<":
        # <V excludes pre-releases of V itself unless V is one.
        base = (want.epoch, want.key[1])
        same_base = (version.epoch, version.key[1]) == base
        return key < want.key and not (version.is_pre and not want.is_pre and same_base)
    if op == ">":
        # >V excludes post-releases of V itself unless V is one.
        same_base = (version.epoch, version.key[1]) == (want.epoch, want.key[1])
        return key > want.key and not (version.is_post and not want.is_post and same_base)
    # ~=V.N: >=V.N and ==V.*
    if len(want.release) < 2:
        raise ValueError(f"'~={spec}' needs at least two release numbers")
    head = ".".join(map(str, want.release[:-1]))
    return key >= want.key and _clause_matches("==", f"{want.epoch}!{head}.*", version)


def clauses(specifiers: str) -> "list[tuple[str, str]]":
    """The ``(operator, version)`` clauses of a PEP 440 specifier set, empty ones left out
    (``">=1.2, <2"`` -> ``[(">=", "1.2"), ("<", "2")]``). ValueError for one that is not."""
    import re

    found = []
    for clause in (c for c in specifiers.split(",") if c.strip()):
        match = re.fullmatch(_CLAUSE, clause)
        if match is None:
            raise ValueError(f"invalid version specifier {clause.strip()!r}")
        found.append((match[1], match[2]))
    return found


def version_in(version: str, specifiers: str) -> bool:
    """Whether ``version`` satisfies the PEP 440 specifier set ``specifiers`` (pre-releases
    included). ValueError for a version or specifier this module cannot read."""
    parsed = Version(version)
    result = True
    for op, spec in clauses(specifiers):
        result = _clause_matches(op, spec, parsed) and result
    return result


def _find_package(package: str, marker: str, path: list[str]) -> str | None:
    """The directory of the importable package ``package`` (dotted) that holds the file
    ``marker`` (relative to it; "" for none): the one already imported, else the first
    on ``path``, as the import system would."""
    module = sys.modules.get(package)
    file = getattr(module, "__file__", None)
    if isinstance(file, str) and hasattr(module, "__path__"):
        imported = os.path.dirname(os.path.abspath(file))
        if _holds(imported, marker):
            return imported
    parts = package.split(".")
    for entry in path:
        candidate = os.path.join(os.path.abspath(entry or os.curdir), *parts)
        if _holds(candidate, marker):
            return candidate
    return None


def _holds(directory: str, marker: str) -> bool:
    if not marker:
        return os.path.isdir(directory)
    return os.path.isfile(os.path.join(directory, *marker.split("/")))


def _normalized(distribution: str) -> str:
    """The distribution name as dist-info directory names spell it, lowercase."""
    parts = distribution.replace("-", "_").replace(".", "_").split("_")
    return "_".join(p for p in parts if p).lower()


def _dist_infos(distribution: str, directory: str) -> list[str]:
    """Versions of ``distribution`` whose ``*.dist-info`` lie in ``directory``."""
    try:
        names = os.listdir(directory or os.curdir)
    except OSError:
        return []
    wanted = _normalized(distribution)
    versions = []
    for entry in names:
        if not entry.endswith(".dist-info"):
            continue
        name, _, version = entry[: -len(".dist-info")].partition("-")
        if _normalized(name) == wanted:
            versions.append(version)
    return versions


def _installed_version(provider: "dict[str, Any]", package_dir: str, consumer: str) -> str:
    """The provider's installed version: from its dist-info beside the package (what pip
    installed, and what the run requirement constrains), else from its pylink.json."""
    site = package_dir
    for _ in provider["package"].split("."):
        site = os.path.dirname(site)
    versions = _dist_infos(provider["distribution"], site)
    if len(versions) == 1:
        return versions[0]
    if not provider.get("marker", "pylink.json"):  # described by an overlay
        raise ImportError(
            f"{consumer} cannot tell which version of {provider['distribution']} is installed: "
            f"{len(versions)} dist-info directories of it in {site}: {_install_hint(provider)}",
            name=consumer,
        )
    import json

    metadata_file = os.path.join(package_dir, "pylink.json")
    try:
        with open(metadata_file, encoding="utf-8") as f:
            version = json.loads(f.read(1 << 20))["version"]  # pylink.json's size limit
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ImportError(
            f"{consumer} cannot read {metadata_file} of the pylink provider "
            f"{provider['name']!r}: {exc!r}; reinstall it: {_install_hint(provider)}",
            name=consumer,
        ) from None
    if not isinstance(version, str):
        raise ImportError(
            f"{consumer}: {metadata_file} has no version string: {_install_hint(provider)}",
            name=consumer,
        )
    return version


def _inside(version: str, provider: "dict[str, Any]", consumer: str) -> bool:
    """Whether the installed ``version`` lies in the provider's ABI range; ImportError,
    like every problem found at import, when it is not a version at all."""
    try:
        return version_in(version, provider["abi"])
    except ValueError:
        raise ImportError(
            f"{consumer} cannot read the installed version {version!r} of "
            f"{provider['distribution']}: reinstall it: {_install_hint(provider)}",
            name=consumer,
        ) from None


def _install_hint(provider: "dict[str, Any]") -> str:
    return f"pip install '{provider['distribution']}{provider['abi']}'"


def plan(
    consumer: str,
    consumer_root: str,
    providers: "list[dict[str, Any]]",
    platform: str | None = None,
    path: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Check every provider and return what must happen before the consumer's extension
    loads: ``("add_dll_directory", dir)`` and ``("load", library)`` actions, in order.

    ``consumer_root`` is the site-packages directory the consumer is installed in; a
    library is preloaded when the consumer's relative run path would miss it there (and
    always on Windows, which has no run path). ImportError names the consumer, the
    provider, the versions and the ``pip install`` that fixes it.
    """
    platform = platform or sys.platform
    path = sys.path if path is None else path
    actions: list[tuple[str, str]] = []
    # Link order puts a provider before what it requires: load in reverse.
    for provider in reversed(providers):
        name, dist = provider["name"], provider["distribution"]
        # What shows the package directory is the provider's: its pylink.json, or for a
        # provider described by an overlay, nothing (tables written before this key:
        # pylink.json).
        marker = provider.get("marker", "pylink.json")
        package_dir = _find_package(provider["package"], marker, path)
        if package_dir is None:
            state = f"which is not installed: {_install_hint(provider)}"
            if any(_dist_infos(dist, entry) for entry in path):
                state = (
                    "installed without its package directory and pylink.json on sys.path "
                    "(an editable install?): reinstall it without -e"
                    if marker
                    else f"installed, but its package {provider['package']!r} is not on "
                    f"sys.path: reinstall it: {_install_hint(provider)}"
                )
            raise ImportError(
                f"{consumer} needs the pylink provider {name!r} (distribution {dist!r}, "
                f"built against {provider['version']}), {state}",
                name=consumer,
            )
        version = _installed_version(provider, package_dir, consumer)
        # The version built against lies in the range: no need to parse it.
        if version != provider["version"] and not _inside(version, provider, consumer):
            raise ImportError(
                f"{consumer} was built against {dist} {provider['version']} and runs with "
                f"{dist}{provider['abi']}, but {dist} {version} is installed "
                f"({package_dir}): {_install_hint(provider)}",
                name=consumer,
            )
        for library in reversed(provider["libraries"]):
            found = os.path.normpath(os.path.join(package_dir, *library["path"].split("/")))
            if not os.path.isfile(found):
                raise ImportError(
                    f"{consumer} links {library['soname']}, which {dist} {version} does not "
                    f"ship ({found} is missing): {_install_hint(provider)}",
                    name=consumer,
                )
            if platform == "win32":
                for folder in library.get("dll_dirs", ()):
                    where = os.path.normpath(os.path.join(package_dir, *folder.split("/")))
                    if not os.path.isdir(where):
                        raise ImportError(
                            f"{consumer} links {library['soname']}, whose dependencies {dist} "
                            f"{version} installs in {where}, which is missing: "
                            f"{_install_hint(provider)}",
                            name=consumer,
                        )
                    actions.append(("add_dll_directory", where))
                actions.append(("load", found))
                continue
            # What the run path ($ORIGIN / @loader_path relative) reaches from the consumer.
            file = library["soname"].split("/")[-1]
            expected = os.path.join(consumer_root, *library["dir"].split("/"), file)
            if not os.path.exists(expected) or not os.path.samefile(expected, found):
                actions.append(("load", found))
    return actions


def apply(actions: list[tuple[str, str]]) -> None:
    """Carry out :func:`plan`'s actions. A library loaded once is reused by the loader for
    every later module that needs it by name (ELF SONAME, Mach-O install name, DLL name)."""
    for action, target in actions:
        if action == "add_dll_directory":
            _dll_directories.append(os.add_dll_directory(target))  # type: ignore[attr-defined,unused-ignore]
        else:
            import ctypes

            ctypes.CDLL(target)


def load(consumer: str, subdir: str, providers: "list[dict[str, Any]]", file: str) -> None:
    """Check and load ``providers`` for ``consumer``, whose module ``file`` is installed in
    ``subdir`` (relative to site-packages)."""
    root = os.path.dirname(os.path.abspath(file))
    for _ in [p for p in subdir.split("/") if p]:
        root = os.path.dirname(root)
    apply(plan(consumer, root, providers))
