"""exampleprov: Python access to the shared exampleprov counter library.

The C library (``libexampleprov.so.1``), its header (``include/exampleprov.h``)
and ``pylink.json`` live in this package directory so that other packages'
extension modules can link against the very same library through pylinkdep.
"""

from ._core import add, reset, stats, total, version

__all__ = ["add", "reset", "stats", "total", "version"]
__version__ = version()
