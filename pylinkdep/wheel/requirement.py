"""A consumer's run requirement from its binaries, as Debian's dpkg-shlibdeps derives a
package's: for each provider a binary loads (ELF's NEEDED entries, Mach-O's
LC_LOAD_DYLIB, PE's imported DLLs), the latest version in
which any symbol the binary imports from it first appeared (the provider's ``symbols``
map), within the provider's ABI range. A provider without a map gives its ABI range.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterable

from .. import _binary
from .._resolve import Index, Provider
from .._value import Frozen, frozen
from .._versions import Version, narrowed, newest


@frozen
class Needed(Frozen):
    """One provider the binaries load, and the lowest version of it they can run with."""

    provider: Provider
    binaries: tuple[str, ...]
    """The files that load it."""
    since: str | None
    """The latest version among the imported symbols' first versions (None: the binaries
    import nothing the provider's symbols map lists, or it has none)."""
    symbols: tuple[str, ...]
    """The imported symbols that first appeared in ``since``."""

    @property
    def range(self) -> str:
        """The versions the binaries can run with: the ABI range, from ``since`` on."""
        return narrowed(self.provider.abi, self.since)

    @property
    def requirement(self) -> str:
        return f"{self.provider.distribution}{self.range}"

    def reason(self) -> str:
        """Why: which file imports what, or that the provider keeps no symbols map."""
        files = ", ".join(self.binaries)
        if not self.provider.symbols:
            return f"{files} links {self.provider.name}, which has no symbols map: its ABI range"
        if self.since is None:
            return f"{files} imports none of the symbols {self.provider.name}'s map lists"
        return f"{files} imports {', '.join(self.symbols)}, first in {self.since}"


def needed(files: Iterable[tuple[str, bytes]], index: Index) -> list[Needed]:
    """The providers of ``index`` that the shared objects among ``files`` (name, content)
    load, in the order first met."""
    by_soname = {
        posixpath.basename(lib.soname): p for p in index.providers(errors=[]) for lib in p.libraries
    }
    loaders: dict[str, list[str]] = {}
    imports: dict[str, set[str]] = {}
    providers: dict[str, Provider] = {}
    for name, data in files:
        try:
            images = _binary.images(io.BytesIO(data))
            by_library = _binary.imports_by_library(io.BytesIO(data))
        except _binary.NotSharedLibrary:
            continue
        for needed in {n for image in images for n in image.needed}:
            provider = by_soname.get(posixpath.basename(needed))
            if provider is None:
                continue
            providers.setdefault(provider.name, provider)
            loaders.setdefault(provider.name, []).append(name)
            # ELF names no library per symbol (""); PE and Mach-O's two-level namespace do.
            imported = by_library.get(needed, frozenset()) | by_library.get("", frozenset())
            imports.setdefault(provider.name, set()).update(imported)
    found = []
    for key, provider in providers.items():
        versions = dict(provider.symbols)
        used = {s: versions[s] for s in imports[key] if s in versions}
        since = newest(used.values())
        found.append(
            Needed(
                provider=provider,
                binaries=tuple(dict.fromkeys(loaders[key])),
                since=since,
                symbols=tuple(
                    sorted(s for s, v in used.items() if since and Version(v) == Version(since))
                ),
            )
        )
    return found
