"""``pylinkdep-meson``: meson with the ``pylink`` dependency method.

Point meson-python at it with ``[tool.meson-python] meson = "pylinkdep-meson"`` (or
``MESON=pylinkdep-meson``), then write ``dependency('name', method: 'pylink')``.
It runs the meson installed beside it, after :mod:`pylinkdep.meson.hook` has patched
that meson in this process only; a meson outside the tested range is refused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

OLDEST = (1, 2, 3)
"""The oldest meson tested (the oldest current meson-python accepts)."""
NEWEST = (1, 12)
"""The newest meson series tested."""
TESTED = "meson 1.2.3 to 1.12.x"
UNTESTED_ENV = "PYLINKDEP_MESON_UNTESTED"
# Commands that never run meson.build, so need no hook (ninja reruns the launcher with
# --internal regenerate when a build has to reconfigure).
_NO_CONFIGURE = {"--version", "-v", "compile", "install", "introspect", "test"}


__all__ = ["main", "version_problem"]


def version_problem(version: str) -> str | None:
    """Why ``version`` of meson is refused, or None when it is in the tested range."""
    parts = tuple(int(p) if p.isdigit() else -1 for p in version.split(".")[:3])
    if OLDEST <= parts and parts[:2] <= NEWEST:
        return None
    return (
        f"meson {version} is not supported: pylinkdep-meson is tested with {TESTED}. "
        f"Install one of those (e.g. 'meson>=1.2.3,<1.13' in [build-system] requires), "
        f"or set {UNTESTED_ENV}=1 to try this meson anyway."
    )


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

    if not (args and args[0] in _NO_CONFIGURE):
        from . import hook

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
