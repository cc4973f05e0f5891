"""The same extension, installed one level deeper (run path $ORIGIN/../../exampleprov)."""

from . import _pylink  # noqa: F401
