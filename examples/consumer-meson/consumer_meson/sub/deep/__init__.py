"""Two levels deeper (run path $ORIGIN/../../../exampleprov)."""

from . import _pylink  # noqa: F401
