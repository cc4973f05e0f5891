"""consumer_setuptools: a setuptools-built extension calling exampleprov's C library."""

from . import _pylink  # noqa: F401  (generated: checks exampleprov's version, loads its library)
from ._ext import add, total, version

__all__ = ["add", "total", "version"]
