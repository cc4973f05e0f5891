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

Static ``dependencies`` in ``[project]`` are kept; the requirements are added to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import PylinkError

__all__ = ["DynamicMetadata", "dynamic_metadata", "requirements"]


def requirements(names: object) -> list[str]:
    """The run requirement of each provider named, with its transitive requires."""
    from ._resolve import Index

    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
        raise PylinkError(
            "pylinkdep dynamic metadata: 'providers' must be a non-empty list of pylink "
            f"dependency names, such as ['exampleprov'], not {names!r}",
            field="providers",
        )
    index = Index(None)
    found: list[str] = []
    for name in names:
        dep = index.find(name)
        found += [p.requirement for p in dep.link_order if p.requirement not in found]
    return found


def dynamic_metadata(
    field: str, settings: Mapping[str, Any], project: Mapping[str, Any]
) -> list[str]:
    """The legacy ``tool.scikit-build.metadata.dependencies`` hook."""
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
    return requirements(settings.get("providers"))


class DynamicMetadata:
    """The ``[[tool.dynamic-metadata]] provider = "pylinkdep"`` plugin."""

    @staticmethod
    def dynamic_metadata(settings: Mapping[str, Any], project: Mapping[str, Any]) -> dict[str, Any]:
        return {"dependencies": dynamic_metadata("dependencies", settings, project)}
