"""consumer_rust: a Rust extension module calling exampleprov's C library directly.

It does not import ``exampleprov``: ``_native`` loads ``libexampleprov.so.1`` through
its ``$ORIGIN``-relative run path, the same library ``exampleprov``'s own extension uses.
"""

from . import _pylink  # noqa: F401  exampleprov in the ABI range (written by build.rs)
from ._native import add, stats, total, version

__all__ = ["add", "stats", "total", "version"]
