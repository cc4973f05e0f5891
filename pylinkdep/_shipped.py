"""Where the files pylinkdep ships for other build systems are: its CMake modules
(``pylinkdep/cmake``) and its meson snippet (``pylinkdep/meson_files``), package data
that reaches the wheel, the sdist and an editable install like the modules beside them."""

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
CMAKE_DIR = os.path.join(_PACKAGE, "cmake")
"""pylinkdep's CMake modules (``find_package(pylinkdep)``, ``PylinkProvider``, ...)."""
MESON_DIR = os.path.join(_PACKAGE, "meson_files")
"""pylinkdep's meson snippet for providers (``provider.meson``)."""
