"""Cargo build-script directives (``cargo:...`` lines) for a Rust crate's build.rs."""

from __future__ import annotations

from collections.abc import Iterable

from .. import _target, rpath
from .._resolve import Dependency, unique


def directives(
    deps: Iterable[Dependency], rpath_from: str, platform: str | None = None
) -> list[str]:
    """What a build.rs prints to link ``deps`` from an extension installed in ``rpath_from``.

    Each library's link file (the import library on Windows) by its full path, then the
    link args (``rustc-link-arg``: Cargo gives them to the linker of cdylibs, binaries
    and tests), the ``$ORIGIN``-relative run path (none on Windows), and ``rerun-if``
    lines so Cargo reruns the script when a provider is reinstalled or ``PYLINK_PATH``
    or a cross-build variable changes. Each value runs to the end of its line, as Cargo
    reads it: resolution refuses line breaks in them.
    """
    deps = list(deps)
    providers = unique(p for dep in deps for p in dep.link_order)
    libraries = unique(lib.link_file for dep in deps for lib in dep.libraries)
    link_args = [a for dep in deps for a in dep.link_args]
    rpaths = unique(r for dep in deps for r in dep.rpaths(rpath_from, platform))
    watched = unique([*(p.metadata_file for p in providers), *libraries])
    return [
        *(f"cargo:rustc-link-arg={arg}" for arg in [*libraries, *link_args]),
        *(f"cargo:rustc-link-arg={arg}" for arg in rpath.linker_args(rpaths)),
        *(f"cargo:rerun-if-changed={path}" for path in watched),
        *(
            f"cargo:rerun-if-env-changed={variable}"
            for variable in ("PYLINK_PATH", _target.SITE, _target.PYTHON_ABI, _target.PLATFORM)
        ),
    ]
