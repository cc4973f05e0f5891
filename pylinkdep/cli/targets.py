"""The cross-build options every resolving command takes (``--target-site``,
``--target-python-abi``, ``--target-platform``), read by :mod:`pylinkdep._target`."""

import os

from .. import _target
from ..errors import PylinkError
from .messages import warn

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from .._resolve import Index

OPTIONS = (
    (
        "--target-site",
        "DIRS",
        f"resolve providers from DIRS ({os.pathsep}-separated: the target's "
        "site-packages or unpacked wheels of its platform) instead of this Python's "
        f"sys.path, for a cross build (default: ${_target.SITE})",
    ),
    (
        "--target-python-abi",
        "ABI",
        "the target Python's ABI (cp312, cp313t; none: no check) that providers' "
        f"python_abi must fit (default: ${_target.PYTHON_ABI}, else this Python's)",
    ),
    (
        "--target-platform",
        "PLATFORM",
        f"the target's sys.platform ({', '.join(_target.PLATFORMS)}) for run paths: "
        f"@loader_path on darwin (default: ${_target.PLATFORM}, else this machine's)",
    ),
)
"""Each option's flag, metavar and help."""


def add_options(parser: "argparse.ArgumentParser", platform_only: bool = False) -> None:
    """Add :data:`OPTIONS` (only ``--target-platform``: for a command that resolves
    nothing) to a subcommand's parser."""
    group = parser.add_argument_group("cross builds")
    for flag, metavar, text in OPTIONS[2:] if platform_only else OPTIONS:
        group.add_argument(flag, metavar=metavar, help=text)


def target(opts: "argparse.Namespace | SimpleNamespace", quiet: bool = False) -> _target.Target:
    """The target the options (else the environment) give; its warning on stderr unless
    ``quiet``."""
    found = _target.target(opts.target_site, opts.target_python_abi, opts.target_platform)
    if found.warning and not quiet:
        warn(PylinkError(found.warning))
    return found


def index(opts: "argparse.Namespace | SimpleNamespace", quiet: bool = False) -> "Index":
    """The providers of the target the options give."""
    return target(opts, quiet).index()
