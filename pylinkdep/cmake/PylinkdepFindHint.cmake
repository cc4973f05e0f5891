# pylinkdep's hint for a find_package(<Package> ... REQUIRED) that finds nothing (CMake
# 3.24+), in a scikit-build-core build of a pylink consumer: pylinkdep's entry point
# (pylinkdep/_skbuild_config.py) names this file in CMAKE_PROJECT_TOP_LEVEL_INCLUDES when
# the project's [build-system] requires names pylinkdep or a pylink provider.
#
# Right above CMake's "Could not find a package configuration file provided by <Package>"
# it prints what pylinkdep says of <Package>: that no pylink provider of that name is in
# the build environment, the closest one that is, and that a missing one belongs in
# [build-system] requires. A zero-configuration consumer calls no pylinkdep code before
# that find, so CMake's dependency-provider hook is the one place left for the hint.
#
# The provider fulfils a REQUIRED call by making the same call without REQUIRED (in a
# macro, so in the caller's scope, exactly as the call would have); when that finds
# nothing, it prints the hint and leaves the request to CMake, which searches again with
# REQUIRED and fails as it would have. Calls without REQUIRED are left to CMake at once.

# find_package()'s keywords: what may follow REQUIRED other than a component name.
set(_PYLINKDEP_FIND_KEYWORDS EXACT QUIET MODULE CONFIG NO_MODULE REQUIRED COMPONENTS
  OPTIONAL_COMPONENTS REGISTRY_VIEW GLOBAL NO_POLICY_SCOPE BYPASS_PROVIDER NAMES CONFIGS
  HINTS PATHS PATH_SUFFIXES NO_DEFAULT_PATH NO_PACKAGE_ROOT_PATH NO_CMAKE_PATH
  NO_CMAKE_ENVIRONMENT_PATH NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_PACKAGE_REGISTRY
  NO_CMAKE_BUILDS_PATH NO_CMAKE_SYSTEM_PATH NO_CMAKE_INSTALL_PREFIX
  NO_CMAKE_SYSTEM_PACKAGE_REGISTRY CMAKE_FIND_ROOT_PATH_BOTH ONLY_CMAKE_FIND_ROOT_PATH
  NO_CMAKE_FIND_ROOT_PATH)

# _pylinkdep_unrequired(<list var> <index of REQUIRED>): the arguments without REQUIRED;
# the component names written right after it (find_package(Foo REQUIRED a b)) keep
# their meaning behind COMPONENTS.
function(_pylinkdep_unrequired var at)
  set(args "${${var}}")
  list(REMOVE_AT args ${at})
  list(LENGTH args count)
  if(at LESS count)
    list(GET args ${at} next)
    if(NOT next IN_LIST _PYLINKDEP_FIND_KEYWORDS)
      list(INSERT args ${at} COMPONENTS)
    endif()
  endif()
  set(${var} "${args}" PARENT_SCOPE)
endfunction()

# _pylinkdep_find_hint_say(<Package>): pylinkdep's word on <Package>, as a warning; none
# when pylinkdep knows it (then CMake's message, a version not accepted, is the one).
function(_pylinkdep_find_hint_say package)
  include("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/PylinkConsumer.cmake")
  _pylinkdep_python(python)
  if(NOT python)
    return()
  endif()
  _pylinkdep_target_args(target)
  _pylinkdep_run("${python}" found --exists --print-errors "${package}" ${target})
  if(found_STATUS EQUAL 1 AND found_ERR)
    string(REGEX REPLACE "^pylinkdep: error: " "" said "${found_ERR}")
    message(WARNING "pylinkdep: find_package(${package}) found nothing; if it is a pylink "
      "provider: ${said}")
  endif()
endfunction()

macro(_pylinkdep_find_hint _pylinkdep_method _pylinkdep_package)
  set(_pylinkdep_find_args ${ARGN})
  list(FIND _pylinkdep_find_args REQUIRED _pylinkdep_find_at)
  if(NOT _pylinkdep_find_at EQUAL -1 AND NOT "${_pylinkdep_package}" STREQUAL "pylinkdep")
    _pylinkdep_unrequired(_pylinkdep_find_args ${_pylinkdep_find_at})
    find_package(${_pylinkdep_package} ${_pylinkdep_find_args})
    if(NOT ${_pylinkdep_package}_FOUND)
      _pylinkdep_find_hint_say("${_pylinkdep_package}")
      unset(${_pylinkdep_package}_FOUND)
    endif()
  endif()
endmacro()

cmake_language(SET_DEPENDENCY_PROVIDER _pylinkdep_find_hint SUPPORTED_METHODS FIND_PACKAGE)
