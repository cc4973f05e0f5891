"""scikit-build-core dynamic metadata: fill ``dependencies`` with each linked provider's
run requirement (``exampleprov>=1.2,<2``), as resolved in the build environment.

New style (dynamic-metadata 0.3)::

    [project]
    dynamic = ["dependencies"]

    [[tool.dynamic-metadata]]
    provider = "pylinkdep"
    providers = ["exampleprov"]

Legacy ``tool.scikit-build.metadata`` table::

    [tool.scikit-build.metadata.dependencies]
    provider = "pylinkdep.skbuild"
    providers = ["exampleprov"]

Without ``providers``, the pylink providers among ``[build-system] requires`` are
the ones (each with the lower bound written there as its target: ``exampleprov>=1.2``),
so a consumer names its provider once::

    [[tool.dynamic-metadata]]
    provider = "pylinkdep"

Static ``dependencies`` in ``[project]`` are kept; the requirements are added to them
(new style only: scikit-build-core skips the legacy table when ``[project]`` has them).
A provider missing from the build environment ends the build with one line, which in
an isolated build names it and ``[build-system] requires``.

The metadata is computed before anything is built, so the consumer's binaries cannot
say which symbols it imports. For a provider with a symbols map (docs/abi.md) the
requirement starts at the newest version in the map, unless the entry names the oldest
version the consumer targets, as NumPy's ``NPY_TARGET_VERSION`` does: ``providers =
["exampleprov>=1.2"]`` gives ``exampleprov>=1.2,<2``; ``pylinkdep check`` on the built
wheel proves its binaries import nothing newer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import PylinkError
from .metadata import normalize_name

if TYPE_CHECKING:
    from ._resolve import Index

__all__ = ["DynamicMetadata", "build_requirements", "dynamic_metadata", "requirements"]


def requirements(names: object, index: Index | None = None) -> list[str]:
    """The run requirement of each provider named (``NAME`` or ``NAME>=TARGET``), with
    its transitive requires, found in ``index`` (default: the build's target's)."""
    from ._target import target
    from ._versions import interval, narrowed

    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
        raise PylinkError(
            "pylinkdep dynamic metadata: 'providers' must be a non-empty list of pylink "
            f"dependency names, such as ['exampleprov'] or ['exampleprov>=1.2'], not {names!r}",
            field="providers",
        )
    index = index or target().index()
    found: list[str] = []
    for name, spec in (_target(entry) for entry in names):
        dep = index.find(name, spec)
        lowest = interval(spec)[0] if spec else None
        own = dep.provider
        targeted = f"{own.distribution}{narrowed(own.abi, lowest[0].text if lowest else None)}"
        wanted = [targeted if spec else own.requirement, *(p.requirement for p in dep.requires)]
        found += [r for r in wanted if r not in found]
    return found


def _target(entry: str) -> tuple[str, str | None]:
    """``NAME`` or ``NAME>=TARGET`` split into the name and the specifier."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(entry)
    except InvalidRequirement as exc:
        raise PylinkError(
            f"pylinkdep dynamic metadata: providers entry {entry!r} is not NAME or "
            f"NAME>=VERSION: {str(exc).splitlines()[0]}",
            field="providers",
        ) from None
    return req.name, str(req.specifier) or None


def dynamic_metadata(
    field: str, settings: Mapping[str, Any], project: Mapping[str, Any]
) -> list[str]:
    """The legacy ``tool.scikit-build.metadata.dependencies`` hook. A problem ends the
    build with one line (SystemExit), not scikit-build-core's traceback."""
    try:
        return _dependencies(field, settings)
    except PylinkError as exc:
        raise SystemExit(f"pylinkdep: error: {exc}") from None


def _dependencies(field: str, settings: Mapping[str, Any]) -> list[str]:
    if field != "dependencies":
        raise PylinkError(
            f"pylinkdep dynamic metadata fills 'dependencies', not {field!r}", field=field
        )
    unknown = set(settings) - {"providers"}
    if unknown:
        raise PylinkError(
            f"pylinkdep dynamic metadata: unknown settings {sorted(unknown)}; "
            "only 'providers' is allowed",
            field=sorted(unknown)[0],
        )
    if "providers" not in settings:
        return requirements(build_requirements(os.getcwd()))
    return requirements(settings["providers"])


def build_requirements(source_dir: str, index: Index | None = None) -> list[str]:
    """The pylink providers (of ``index``, default: the build's target's) of the
    distributions ``[build-system] requires`` names in ``source_dir``'s pyproject.toml,
    each as ``NAME`` plus the specifier written there (markers evaluated)."""
    from . import _pyproject
    from ._target import target

    path = os.path.join(source_dir, "pyproject.toml")
    requires = _pyproject.build_requires(source_dir)
    by_distribution: dict[str, list[str]] = {}
    for provider in (index or target().index()).providers(errors=[]):
        by_distribution.setdefault(normalize_name(provider.distribution), []).append(provider.name)
    found = []
    for req in requires:
        if req.marker is None or req.marker.evaluate():
            names = by_distribution.get(normalize_name(req.name), [])
            found += [f"{name}{req.specifier}" for name in names]
    if not found:
        raise PylinkError(
            "pylinkdep dynamic metadata: no 'providers' given and no pylink provider among "
            "[build-system] requires: add the provider's distribution there (the build "
            "links it), or list providers = [...]",
            file=path,
            field="build-system.requires",
        )
    return found


class DynamicMetadata:
    """The ``[[tool.dynamic-metadata]] provider = "pylinkdep"`` plugin."""

    @staticmethod
    def dynamic_metadata(settings: Mapping[str, Any], project: Mapping[str, Any]) -> dict[str, Any]:
        return {"dependencies": dynamic_metadata("dependencies", settings, project)}
