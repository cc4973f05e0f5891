"""The target of a build: where its providers are installed, its Python ABI and its
platform. The one reader of the cross-build settings (``--target-site`` /
``PYLINKDEP_TARGET_SITE``, ``--target-python-abi`` / ``PYLINKDEP_TARGET_PYTHON_ABI``,
``--target-platform`` / ``PYLINKDEP_TARGET_PLATFORM``); a value given by an option or a
build system wins over the environment. Without them the target is the running
interpreter.
"""

import os
import re
import sys

from ._value import Frozen, frozen
from .errors import PylinkError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._resolve import Index

SITE = "PYLINKDEP_TARGET_SITE"
PYTHON_ABI = "PYLINKDEP_TARGET_PYTHON_ABI"
PLATFORM = "PYLINKDEP_TARGET_PLATFORM"
PLATFORMS = ("linux", "darwin", "win32")
"""``sys.platform`` of the targets: ELF (``$ORIGIN``), Mach-O (``@loader_path``), PE."""
_ABI = re.compile(r"(cp3[0-9]+t?|none)")
"""A target's ABI as ``python_abi`` names it (``cp312``, ``cp313t``), or ``none``: not
CPython, no check."""


@frozen
class Target(Frozen):
    """Where a build's providers are and what they must load into."""

    site: "tuple[str, ...] | None"
    """The directories searched instead of ``sys.path``; None: the running interpreter's."""
    python_abi: str | None
    """For :class:`~pylinkdep._resolve.Index`: None the running one's, "" no check."""
    platform: str
    warning: str = ""
    """Why the Python ABI is not checked, when nobody said it should not be."""

    def index(self) -> "Index":
        """The providers of this target."""
        from ._resolve import Index

        return Index(self.site, self.python_abi)


def target(
    site: str | None = None, python_abi: str | None = None, platform: str | None = None
) -> Target:
    """The target from the values given (None: not given), else from the environment.

    ``site`` is ``os.pathsep``-separated: site-packages directories of the target, or
    directories holding unpacked wheels of its platform (``python -m wheel unpack``).
    A value that is not one of these raises PylinkError naming the setting.
    """
    site, site_from = _given(site, "--target-site", SITE)
    python_abi, abi_from = _given(python_abi, "--target-python-abi", PYTHON_ABI)
    if python_abi and not _ABI.fullmatch(python_abi):
        raise PylinkError(
            f"{abi_from}: {python_abi!r} is not a Python ABI such as cp312 or cp313t "
            "(or none: no check)",
            field=abi_from,
        )
    dirs = None
    if site:
        dirs = tuple(os.path.abspath(d) for d in site.split(os.pathsep) if d)
        for directory in dirs:
            if not os.path.isdir(directory):
                raise PylinkError(
                    f"{site_from}: {directory} is not a directory (the target's "
                    "site-packages, or a directory of unpacked wheels)",
                    field=site_from,
                )
    warning = ""
    abi: str | None = python_abi
    if python_abi == "none":
        abi = ""
    elif not python_abi:
        abi = None if dirs is None else ""
        if dirs is not None:
            warning = (
                f"{site_from} is given without {PYTHON_ABI}: the providers' python_abi is "
                "not checked against the target's Python (set it to cp312, cp313t, ...)"
            )
    return Target(site=dirs, python_abi=abi, platform=target_platform(platform), warning=warning)


def target_platform(platform: str | None = None) -> str:
    """The target's ``sys.platform``: ``platform`` if given, else PYLINKDEP_TARGET_PLATFORM,
    else this machine's; PylinkError for one that is not in :data:`PLATFORMS`."""
    value, given_as = _given(platform, "--target-platform", PLATFORM)
    if value and value not in PLATFORMS:
        raise PylinkError(
            f"{given_as}: {value!r} is not one of {', '.join(PLATFORMS)} (the target's "
            "sys.platform)",
            field=given_as,
        )
    return value or sys.platform


def _given(value: str | None, option: str, variable: str) -> tuple[str, str]:
    """A setting's value and the name to report it by: the option's, else the variable's."""
    if value is not None:
        return value, option
    return os.environ.get(variable, ""), variable
