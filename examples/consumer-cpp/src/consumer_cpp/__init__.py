"""consumer_cpp: a C++ (pybind11) extension that calls exampleprov's C library.

It shares exampleprov's counter with ``exampleprov.add()`` and every other consumer:
one ``libexampleprov.so.1`` per process, found through the extension's RUNPATH.
"""

from . import _pylink  # noqa: F401  exampleprov in the ABI range; its library loaded
from ._ext import Counter, add, stats, total, version

__all__ = ["Counter", "add", "stats", "total", "version"]
