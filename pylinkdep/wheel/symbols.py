"""A provider's symbols file: each exported symbol and the provider version it first
appeared in, kept in the provider's source tree and compared with every build's exports
by ``pylinkdep generate --symbols`` (docs/abi.md).

The file is text, one symbol a line, sorted, so that a diff shows what a release added
or removed::

    # exampleprov: each exported symbol and the version it first appeared in.
    exampleprov_add 1.0
    exampleprov_total 1.2
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import _fs
from .._value import Frozen, frozen
from .._versions import Version, interval
from ..errors import PylinkError
from ..metadata import PATTERNS

MAX_BYTES = 16 << 20
"""The largest symbols file read."""


@frozen
class Compared(Frozen):
    """A build's exports against the symbols file: the map pylink.json records, and what
    changed (symbols sorted)."""

    symbols: dict[str, str]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def read(path: str) -> dict[str, str]:
    """The symbols file at ``path`` (missing: empty); PylinkError naming the line of
    anything malformed."""
    try:
        data = _fs.read_regular(path, MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        reason = f"cannot read the symbols file {path}: {exc.strerror}"
        raise PylinkError(reason, file=path) from None
    if len(data) > MAX_BYTES:
        raise PylinkError(f"the symbols file {path} is larger than {MAX_BYTES} bytes", file=path)
    symbols: dict[str, str] = {}
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        where = f"{path}:{number}"
        if len(fields) != 2 or not PATTERNS["symbol"].search(fields[0]):
            got = line.strip()
            raise PylinkError(f"{where}: expected 'SYMBOL VERSION', got {got!r}", file=path)
        symbol, since = fields
        try:
            Version(since)
        except ValueError:
            raise PylinkError(f"{where}: {since!r} is not a PEP 440 version", file=path) from None
        if symbol in symbols:
            raise PylinkError(f"{where}: {symbol} is listed twice", file=path)
        symbols[symbol] = since
    return symbols


def render(name: str, symbols: dict[str, str]) -> str:
    """The text of a symbols file holding ``symbols``."""
    lines = [
        f"# {name}: each exported symbol and the version it first appeared in.",
        "# Kept by `pylinkdep generate --update-symbols`; commit it with the sources.",
        *(f"{symbol} {symbols[symbol]}" for symbol in sorted(symbols)),
    ]
    return "\n".join(lines) + "\n"


def compare(
    known: dict[str, str], exported: Iterable[str], *, version: str, abi: str, file: str
) -> Compared:
    """The map for a build of ``version`` exporting ``exported``: known symbols keep their
    version, new ones get ``version``. A known symbol the build no longer exports is an
    error while ``abi`` admits a version before this one (consumers built against that
    version may import it); else it is dropped."""
    exported = set(exported)
    removed = sorted(set(known) - exported)
    lowest, _ = interval(abi)
    current = Version(version)
    for symbol, since in known.items():
        if current < Version(since):
            raise PylinkError(
                f"{file}: {symbol} first in {since}, later than this version {version}",
                file=file,
                field="symbols",
            )
    claims_older = lowest is None or lowest[0] < current
    broken = [s for s in removed if claims_older and Version(known[s]) < current]
    if broken:
        listed = ", ".join(f"{s} (since {known[s]})" for s in broken)
        raise PylinkError(
            f"{file}: the library no longer exports {listed}, but the ABI range {abi!r} still "
            f"admits versions before {version} whose consumers may import it: restore it, or "
            f"raise the range's lower bound (--abi '>={version},...') for an incompatible release",
            file=file,
            field="symbols",
        )
    symbols = {s: known.get(s, version) for s in sorted(exported)}
    added = tuple(s for s in symbols if s not in known)
    return Compared(symbols=symbols, added=added, removed=tuple(removed))
