"""consumer_cmake: an extension built with CMake that calls exampleprov's C library.

Importing it loads ``libexampleprov.so.1`` through the extension's RUNPATH, without
importing the ``exampleprov`` Python package; both share one counter.
"""

from ._ext import add, total, version

__all__ = ["add", "total", "version"]
