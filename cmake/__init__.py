"""pylinkdep's CMake modules, shipped as ``pylinkdep/cmake`` in the wheel.

scikit-build-core imports this package through the ``cmake.module`` entry point to
find the directory and add it to ``CMAKE_MODULE_PATH``; it must stay empty.
"""
