"""consumer_cython: calls exampleprov's C API from a Cython extension built with meson-python.

``add``, ``total``, ``stats`` and ``version`` act on exampleprov's one shared counter
(the provider's library, loaded once), the same one ``exampleprov.add`` uses.
"""

from . import _pylink  # noqa: F401  exampleprov in the ABI range; its library loaded
from ._ext import add, stats, total, version

__all__ = ["add", "stats", "total", "version"]
