"""``pylinkdep-meson``: meson with the ``pylink`` dependency method.

Point meson-python at it with ``[tool.meson-python] meson = "pylinkdep-meson"`` (or
``MESON=pylinkdep-meson``), then write ``dependency('name', method: 'pylink')``.
It runs the meson installed beside it, after :mod:`pylinkdep.meson.hook` has patched
that meson in this process only. A meson newer than the newest tested runs with a
warning (the hook finds what it needs by feature, and names what is missing); one older
than the oldest supported is refused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .._versions import release

OLDEST = (1, 2, 3)
"""The oldest meson supported and tested (the oldest current meson-python accepts)."""
NEWEST = (1, 12)
"""The newest meson series tested."""
TESTED = "meson 1.2.3 to 1.12.x"
UNTESTED_ENV = "PYLINKDEP_MESON_UNTESTED"
# Commands that never run meson.build, so need no hook (ninja reruns the launcher with
# --internal regenerate when a build has to reconfigure, and with other --internal
# commands, which do not, for every custom target and symbol extraction).
_NO_CONFIGURE = {"--version", "-v", "compile", "install", "introspect", "test"}


def configures(args: Sequence[str]) -> bool:
    """Whether meson run with ``args`` reads meson.build (so needs the hook)."""
    if args and args[0] == "--internal":
        return args[1:2] == ["regenerate"]
    return not (args and args[0] in _NO_CONFIGURE)


__all__ = ["configures", "main", "version_problem", "version_warning"]


def version_problem(version: str) -> str | None:
    """Why ``version`` of meson is refused (older than :data:`OLDEST`), or None."""
    if release(version) >= OLDEST:
        return None
    return (
        f"meson {version} is not supported: pylinkdep-meson is tested with {TESTED}. "
        f"Install one of those (e.g. 'meson>=1.2.3' in [build-system] requires), "
        f"or set {UNTESTED_ENV}=1 to try this meson anyway."
    )


def version_warning(version: str) -> str | None:
    """The one-line warning for a meson newer than the newest tested, or None."""
    if release(version)[:2] <= NEWEST:
        return None
    newest = ".".join(map(str, NEWEST))
    return (
        f"meson {version} is newer than the newest meson pylinkdep-meson is tested with "
        f"({newest}.x): running it; if the build fails, pin 'meson<{_next_series(NEWEST)}' "
        "in [build-system] requires"
    )


def _next_series(series: tuple[int, int]) -> str:
    """The first meson after ``series``: ``(1, 12)`` -> ``'1.13'``."""
    return f"{series[0]}.{series[1] + 1}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run meson with the pylink method registered; returns meson's exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from mesonbuild import coredata
    except ImportError:
        return _fail(f"meson is not installed for {sys.executable}: pip install 'meson>=1.2.3'")
    problem = version_problem(coredata.version)
    if problem and not os.environ.get(UNTESTED_ENV):
        return _fail(problem)

    if configures(args):
        from . import hook

        warning = version_warning(coredata.version)
        if warning:
            print(f"pylinkdep-meson: warning: {warning}", file=sys.stderr)
        try:
            hook.install()
        except hook.Unsupported as exc:
            needs = f"lacks what the pylink method needs ({exc}); {TESTED} work"
            return _fail(f"meson {coredata.version} {needs}")
    from mesonbuild import mesonmain

    # As meson's own main(): regeneration and `meson install` rerun this launcher.
    return int(mesonmain.run(args, os.path.abspath(sys.argv[0])))


def _fail(message: str) -> int:
    print(f"pylinkdep-meson: error: {message}", file=sys.stderr)
    return 1
