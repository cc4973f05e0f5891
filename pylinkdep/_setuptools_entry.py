"""The ``setuptools.finalize_distribution_options`` entry point, which every setuptools
process of an environment with pylinkdep loads: it imports nothing, and leaves a
distribution alone unless one of its extensions has ``py_libraries``
(:mod:`pylinkdep.setuptools` does the rest)."""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def uses_py_libraries(dist: "Any") -> bool:
    """Whether an extension of the setuptools distribution ``dist`` links pylink providers."""
    return any(getattr(ext, "py_libraries", None) for ext in getattr(dist, "ext_modules", ()) or ())


def finalize_distribution_options(dist: "Any") -> None:
    """The hook: pylinkdep's build_ext for a distribution that uses ``py_libraries``."""
    if uses_py_libraries(dist):
        from .setuptools import finalize_distribution_options as give_build_ext

        give_build_ext(dist)
