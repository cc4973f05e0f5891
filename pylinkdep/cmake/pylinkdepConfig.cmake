# find_package(pylinkdep): makes every pylink provider of the target Python findable
# with find_package(<Package>) and defines pylink_target_rpath() (CMake 3.15+).
#
# Runs `<python> -m pylinkdep --cmake-prefix-path <build>/pylinkdep` at configure time,
# which writes a config package per installed provider there, and appends that directory
# to CMAKE_PREFIX_PATH (a package found through an earlier entry wins over a provider
# that takes its name). <python> is PYLINKDEP_PYTHON, else Python_EXECUTABLE or
# Python3_EXECUTABLE (scikit-build-core sets both to the build's Python; so does
# find_package(Python)), else the Python3 interpreter CMake finds.
#
# A cross build resolves the target's providers instead: set PYLINKDEP_TARGET_SITE (a
# list of the target's site-packages or unpacked-wheel directories) and
# PYLINKDEP_TARGET_PYTHON_ABI (cp312, ...), as CMake or environment variables.
#
# Sets pylinkdep_PYTHON, pylinkdep_PREFIX (the generated directory) and
# pylinkdep_PROVIDERS (the CMake package names generated), and prints them; when there
# are none, a warning saying how to install one (under scikit-build-core: add its
# distribution to [build-system] requires).
#
# find_package(pylinkdep REQUIRED COMPONENTS Foo Bar) also checks that providers with
# those CMake package names are installed for that Python, and fails naming the ones
# that are not (find_package(Foo) itself would only say that no FooConfig.cmake exists).
if(CMAKE_VERSION VERSION_LESS 3.15)
  message(FATAL_ERROR "pylinkdep needs CMake 3.15 or newer, not ${CMAKE_VERSION}")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/PylinkConsumer.cmake")
_pylinkdep_python(pylinkdep_PYTHON)
if(NOT pylinkdep_PYTHON)
  set(pylinkdep_FOUND FALSE)
  string(CONCAT pylinkdep_NOT_FOUND_MESSAGE "no Python interpreter found: set Python_EXECUTABLE "
    "(or PYLINKDEP_PYTHON) to the Python whose providers to use")
  return()
endif()
if(NOT pylinkdep_PREFIX)
  set(pylinkdep_PREFIX "${CMAKE_BINARY_DIR}/pylinkdep")
endif()

_pylinkdep_target_args(_pylinkdep_target)
_pylinkdep_run("${pylinkdep_PYTHON}" _pylinkdep --cmake-prefix-path "${pylinkdep_PREFIX}"
  ${_pylinkdep_target})
if(NOT _pylinkdep_STATUS EQUAL 0)
  set(pylinkdep_FOUND FALSE)
  string(CONCAT pylinkdep_NOT_FOUND_MESSAGE "`${pylinkdep_PYTHON} -m pylinkdep --cmake-prefix-path` "
    "failed (${_pylinkdep_STATUS}); is pylinkdep installed for that Python? (set "
    "Python_EXECUTABLE or PYLINKDEP_PYTHON to choose another one)\n${_pylinkdep_ERR}")
  return()
endif()
if(_pylinkdep_ERR)
  message(WARNING "${_pylinkdep_ERR}")
endif()

# Last, so that a config package found on CMAKE_PREFIX_PATH before is not shadowed by a
# provider that declares the same CMake package name.
list(REMOVE_ITEM CMAKE_PREFIX_PATH "${pylinkdep_PREFIX}")
list(APPEND CMAKE_PREFIX_PATH "${pylinkdep_PREFIX}")
file(GLOB pylinkdep_PROVIDERS LIST_DIRECTORIES true RELATIVE "${pylinkdep_PREFIX}"
  "${pylinkdep_PREFIX}/*")
list(REMOVE_ITEM pylinkdep_PROVIDERS pylinkdep)
if(_pylinkdep_target)
  set(_pylinkdep_where "the target (${_pylinkdep_target})")
else()
  set(_pylinkdep_where "${pylinkdep_PYTHON}")
endif()
# What to do when a provider is missing: under scikit-build-core the build environment
# holds only [build-system] requires.
if(DEFINED SKBUILD)
  string(CONCAT _pylinkdep_fix "add the provider's distribution to [build-system] requires in "
    "pyproject.toml: scikit-build-core's build environment holds only those")
else()
  string(CONCAT _pylinkdep_fix "install the provider's Python package into that environment, or set "
    "Python_EXECUTABLE (or PYLINKDEP_PYTHON) to a Python that has it")
endif()
if(NOT pylinkdep_FIND_QUIETLY)
  if(pylinkdep_PROVIDERS)
    message(STATUS "pylinkdep: providers of ${_pylinkdep_where}: ${pylinkdep_PROVIDERS}")
  else()
    # Right above CMake's "Could not find a package configuration file provided by X".
    message(WARNING "pylinkdep: no pylink provider is installed for ${_pylinkdep_where}, so "
      "find_package() finds none: ${_pylinkdep_fix}.")
  endif()
endif()
set(pylinkdep_FOUND TRUE)

set(_pylinkdep_missing "")
foreach(_pylinkdep_c IN LISTS pylinkdep_FIND_COMPONENTS)
  if(_pylinkdep_c IN_LIST pylinkdep_PROVIDERS)
    set(pylinkdep_${_pylinkdep_c}_FOUND TRUE)
  else()
    set(pylinkdep_${_pylinkdep_c}_FOUND FALSE)
    if(pylinkdep_FIND_REQUIRED_${_pylinkdep_c})
      list(APPEND _pylinkdep_missing "${_pylinkdep_c}")
    endif()
  endif()
endforeach()
if(_pylinkdep_missing)
  string(REPLACE ";" ", " _pylinkdep_missing "${_pylinkdep_missing}")
  if(pylinkdep_PROVIDERS)
    string(REPLACE ";" ", " _pylinkdep_have "${pylinkdep_PROVIDERS}")
    set(_pylinkdep_have "installed providers: ${_pylinkdep_have}")
  else()
    set(_pylinkdep_have "none is installed there")
  endif()
  set(pylinkdep_FOUND FALSE)
  string(CONCAT pylinkdep_NOT_FOUND_MESSAGE "no pylink provider installed for ${_pylinkdep_where} "
    "has the CMake package name ${_pylinkdep_missing} (${_pylinkdep_have}): ${_pylinkdep_fix}.")
endif()
