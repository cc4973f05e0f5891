"""tallyprov: Python access to the shared tallyprov registry of named tallies.

The C library (``libtallyprov.so.2``), its header (``include/tallyprov.h``) and
``pylink.json`` live in this package directory, so other packages' extension
modules can link the very same library through pylinkdep.
"""

from ._tally import bump, clear, get, items, version

__all__ = ["bump", "clear", "get", "items", "version"]
__version__ = version()
