"""JSON text to Python values without importing ``json``, whose decoder imports ``re``: on
the lookup path that import alone would cost half of a bare interpreter's start-up.

CPython's C scanner, the one ``json.loads`` itself uses, does the parsing. Text it
rejects, and interpreters without it, go to ``json.loads``, so values and error messages
are exactly those of ``json.loads(text, object_pairs_hook=...)``.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    PairsHook = Callable[[list[tuple[str, Any]]], Any]

_WHITESPACE = " \t\n\r"  # JSON's four
_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


class _Settings:
    """What the C scanner reads from a ``json.JSONDecoder``: its defaults, but the hook."""

    strict = True
    object_hook = None
    array_hook = None  # read from Python 3.15 on
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__

    def __init__(self, object_pairs_hook: "PairsHook") -> None:
        self.object_pairs_hook = object_pairs_hook


def loads(text: str, object_pairs_hook: "PairsHook") -> "Any":
    """``json.loads(text, object_pairs_hook=object_pairs_hook)``: ValueError (a
    ``json.JSONDecodeError`` or the hook's) when ``text`` is not one JSON value."""
    try:
        from _json import make_scanner
    except ImportError:  # not CPython
        return _json_loads(text, object_pairs_hook)
    scan = make_scanner(_Settings(object_pairs_hook))  # type: ignore[arg-type]
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = scan(text, start)
    except (StopIteration, SystemError):
        # StopIteration: no value at ``start``. SystemError: on Python 3.10 and 3.11 the
        # scanner raises JSONDecodeError only once json.decoder has been imported.
        return _json_loads(text, object_pairs_hook)
    if text[end:].strip(_WHITESPACE):  # more after the value
        return _json_loads(text, object_pairs_hook)
    return value


def _json_loads(text: str, object_pairs_hook: "PairsHook") -> "Any":
    import json

    return json.loads(text, object_pairs_hook=object_pairs_hook)
