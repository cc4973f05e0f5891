"""Consumer projects written as a user of each build backend writes them, for tests
that build them in isolation."""

from __future__ import annotations


def consumer_project(
    route: str, name: str, dependency: str, requirement: str, cpp: bool
) -> dict[str, str]:
    """A consumer package ``name`` whose extension ``_ext`` (``ext.c``, or C++20
    ``ext.cc``) links the pylink dependency ``dependency``, with its run-time module
    (pylinkdep-meson's own, or ``pylinkdep_runtime_module()``), built by meson-python or
    scikit-build-core: the files, by path."""
    source = "ext.cc" if cpp else "ext.c"
    language = "'cpp', default_options: ['cpp_std=c++20']" if cpp else "'c'"
    files = {
        "meson": {
            "meson.build": f"""\
project('{name}', {language}, meson_version: '>=1.2.3')
py = import('python').find_installation(pure: false)
dep = dependency('{dependency}', method: 'pylink')
py.extension_module('_ext', '{source}', dependencies: [dep], install: true, subdir: '{name}')
py.install_sources('{name}/__init__.py', subdir: '{name}')
""",
            "pyproject.toml": f"""\
[build-system]
build-backend = "mesonpy"
requires = ["meson-python>=0.15", "pylinkdep", "{requirement}"]
[project]
name = "{name}"
version = "1.0"
dependencies = ["{requirement}"]
[tool.meson-python]
meson = "pylinkdep-meson"
""",
        },
        "cmake": {
            "CMakeLists.txt": f"""\
cmake_minimum_required(VERSION 3.15...4.4)
project({name} LANGUAGES {"CXX" if cpp else "C"})
set(CMAKE_CXX_STANDARD 20)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
find_package(pylinkdep REQUIRED)
find_package({dependency} CONFIG REQUIRED)
python_add_library(_ext MODULE {source} WITH_SOABI)
target_link_libraries(_ext PRIVATE {dependency}::{dependency})
pylink_target_rpath(_ext DESTINATION {name})
install(TARGETS _ext DESTINATION {name})
include(PylinkdepRuntime)
pylinkdep_runtime_module(DESTINATION {name} PROVIDERS {dependency})
""",
            "pyproject.toml": f"""\
[build-system]
build-backend = "scikit_build_core.build"
requires = ["scikit-build-core>=0.10", "pylinkdep", "{requirement}"]
[project]
name = "{name}"
version = "1.0"
dependencies = ["{requirement}"]
[tool.scikit-build]
wheel.packages = ["{name}"]
""",
        },
    }[route]
    return {**files, f"{name}/__init__.py": "from . import _pylink\nfrom ._ext import version\n"}
