"""Dependency names as they are compared: a module of its own because the lookup path,
which must start fast, needs nothing else from metadata.py."""

from __future__ import annotations

import re


def normalize_name(name: str) -> str:
    """The form names are compared in: lowercase, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()
