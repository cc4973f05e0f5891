"""Dependency names as they are compared: a module of its own because the lookup path,
which must start fast, needs nothing else from metadata.py."""


def normalize_name(name: str) -> str:
    """The form names are compared in: lowercase, runs of ``-_.`` as one ``-``."""
    key = name.lower().replace("_", "-").replace(".", "-")
    # The regular expression only for runs: compiling it costs more than a cached lookup.
    if "--" not in key:
        return key
    import re

    return re.sub("-+", "-", key)
