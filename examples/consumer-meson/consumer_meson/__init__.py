"""consumer_meson: calls exampleprov's C API from an extension built with meson-python.

``add``, ``total``, ``stats`` and ``version`` act on exampleprov's one shared counter
(the provider's library, loaded once), the same one ``exampleprov.add`` uses.
"""

from ._ext import add, stats, total, version

__all__ = ["add", "stats", "total", "version"]
