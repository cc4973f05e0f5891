# pylinkdep's consumer helpers (CMake 3.15+): pylink_target_rpath().
#
# Included by every config package pylinkdep generates, so find_package(<Provider>)
# or find_package(pylinkdep) defines it; include(PylinkConsumer) works too where
# scikit-build-core put pylinkdep's cmake directory on CMAKE_MODULE_PATH.
include_guard(GLOBAL)

# pylink_target_rpath(<target> DESTINATION <dir>)
#
# Gives <target> an install run path with one $ORIGIN-relative entry (@loader_path on
# macOS) per pylink provider library it links, directly or through other targets, and
# nothing else: no absolute path of the build machine. <dir> is where the target is
# installed relative to site-packages, as in install(TARGETS <target> DESTINATION <dir>)
# under scikit-build-core (whose wheel.install-dir is added). Call it after
# target_link_libraries(). The built file gets the install run path right away
# (BUILD_WITH_INSTALL_RPATH), so installing rewrites nothing. Windows has no run path:
# the call does nothing there.
function(pylink_target_rpath target)
  cmake_parse_arguments(PARSE_ARGV 1 _pylink "" "DESTINATION" "")
  if(_pylink_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pylink_target_rpath: unexpected arguments: ${_pylink_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "pylink_target_rpath: no target named '${target}'")
  endif()
  if(NOT DEFINED _pylink_DESTINATION)
    message(FATAL_ERROR "pylink_target_rpath(${target}): DESTINATION is required: the "
      "directory ${target} is installed to, relative to site-packages (as in "
      "install(TARGETS ${target} DESTINATION <dir>))")
  endif()
  if(WIN32)
    return()
  endif()

  set(dest "${_pylink_DESTINATION}")
  # scikit-build-core installs into <wheel>/platlib[/<wheel.install-dir>].
  if(DEFINED SKBUILD_PLATLIB_DIR AND DEFINED CMAKE_INSTALL_PREFIX)
    file(RELATIVE_PATH install_dir "${SKBUILD_PLATLIB_DIR}" "${CMAKE_INSTALL_PREFIX}")
    if(install_dir AND NOT install_dir MATCHES "^\\.\\.(/|$)")
      set(dest "${install_dir}/${dest}")
    endif()
  endif()

  # Every target reachable through link libraries; providers carry their library
  # directories (relative to site-packages) in INTERFACE_PYLINK_RPATH_DIRS.
  set(queue "${target}")
  set(seen "")
  set(dirs "")
  while(queue)
    list(GET queue 0 item)
    list(REMOVE_AT queue 0)
    if(item IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${item}")
    get_target_property(aliased "${item}" ALIASED_TARGET)
    if(aliased)
      set(item "${aliased}")
    endif()
    get_target_property(type "${item}" TYPE)
    set(links "")
    if(item STREQUAL target OR NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(direct "${item}" LINK_LIBRARIES)
      if(direct AND NOT type STREQUAL "INTERFACE_LIBRARY")
        list(APPEND links ${direct})
      endif()
    endif()
    get_target_property(interface "${item}" INTERFACE_LINK_LIBRARIES)
    if(interface)
      list(APPEND links ${interface})
    endif()
    get_target_property(own "${item}" INTERFACE_PYLINK_RPATH_DIRS)
    if(own)
      list(APPEND dirs ${own})
    endif()
    foreach(link IN LISTS links)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(TARGET "${link}")
        list(APPEND queue "${link}")
      endif()
    endforeach()
  endwhile()
  if(NOT dirs)
    message(FATAL_ERROR "pylink_target_rpath(${target}): ${target} links no pylink provider; "
      "call it after target_link_libraries(${target} ... <Provider>::<Provider>)")
  endif()
  list(REMOVE_DUPLICATES dirs)

  # The run path is pylinkdep's to build (the one builder every integration uses, which
  # refuses what the linker or the loader would read otherwise).
  _pylinkdep_python(python)
  if(NOT python)
    message(FATAL_ERROR "pylink_target_rpath(${target}): no Python interpreter to ask "
      "pylinkdep for the run path: set PYLINKDEP_PYTHON or Python_EXECUTABLE")
  endif()
  # The platform CMake builds for: @loader_path when it is macOS, from any build machine.
  if(APPLE)
    set(platform darwin)
  else()
    set(platform linux)
  endif()
  _pylinkdep_run("${python}" _pylink rpath "--from=${dest}" "--target-platform=${platform}"
    -- ${dirs})
  if(NOT _pylink_STATUS EQUAL 0)
    message(FATAL_ERROR "pylink_target_rpath(${target}): ${_pylink_ERR}")
  endif()
  string(REPLACE "\n" ";" entries "${_pylink_OUT}")
  set_property(TARGET "${target}" APPEND PROPERTY INSTALL_RPATH ${entries})
  set_target_properties("${target}" PROPERTIES
    BUILD_WITH_INSTALL_RPATH TRUE
    INSTALL_RPATH_USE_LINK_PATH FALSE)
endfunction()

# _pylinkdep_python(<var>): the Python whose pylinkdep to run: PYLINKDEP_PYTHON, else the
# one the config packages found were generated for, else Python_EXECUTABLE or
# Python3_EXECUTABLE (scikit-build-core sets both), else the Python3 interpreter CMake
# finds; empty if none.
function(_pylinkdep_python var)
  get_property(generated GLOBAL PROPERTY PYLINKDEP_PYTHON)
  foreach(python IN ITEMS "${PYLINKDEP_PYTHON}" "${generated}" "${Python_EXECUTABLE}"
                          "${Python3_EXECUTABLE}")
    if(python)
      set(${var} "${python}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  find_package(Python3 COMPONENTS Interpreter QUIET)
  if(Python3_Interpreter_FOUND)
    set(${var} "${Python3_EXECUTABLE}" PARENT_SCOPE)
  else()
    set(${var} "" PARENT_SCOPE)
  endif()
endfunction()

# _pylinkdep_target_args(<var>): the cross-build options of the CMake variables
# PYLINKDEP_TARGET_SITE (a list of the target's site-packages or unpacked-wheel
# directories) and PYLINKDEP_TARGET_PYTHON_ABI (cp312, cp313t, none), where set; else
# pylinkdep reads the environment variables of the same names.
function(_pylinkdep_target_args var)
  set(args "")
  if(PYLINKDEP_TARGET_SITE)
    set(site "${PYLINKDEP_TARGET_SITE}")
    if(NOT CMAKE_HOST_WIN32)  # os.pathsep of the build machine: ':' (';' on Windows)
      string(REPLACE ";" ":" site "${site}")
    endif()
    list(APPEND args "--target-site=${site}")
  endif()
  if(PYLINKDEP_TARGET_PYTHON_ABI)
    list(APPEND args "--target-python-abi=${PYLINKDEP_TARGET_PYTHON_ABI}")
  endif()
  set(${var} "${args}" PARENT_SCOPE)
endfunction()

# _pylinkdep_run(<python> <prefix> <arg>...): runs `<python> -m pylinkdep <arg>...` and sets
# <prefix>_STATUS, <prefix>_OUT (without its last newline) and <prefix>_ERR (without
# trailing white space).
# The directory CMake runs in is left off sys.path: it is no place to find providers or
# pylinkdep (a build directory holding a stray pylink.json or a pylinkdep/ folder must not
# change the answer). Without pylinkdep, one line as -m says.
function(_pylinkdep_run python prefix)
  set(main [[
import sys
if sys.path[0] == "":
    del sys.path[0]
try:
    from pylinkdep.cli import main
except ImportError as exc:
    sys.exit(f"{sys.executable}: {exc}")
sys.exit(main())
]])
  execute_process(
    COMMAND "${python}" -c "${main}" ${ARGN}
    RESULT_VARIABLE status
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    ERROR_STRIP_TRAILING_WHITESPACE)
  string(REGEX REPLACE "\n$" "" out "${out}")  # only the newline: a value may end in a space
  set(${prefix}_STATUS "${status}" PARENT_SCOPE)
  set(${prefix}_OUT "${out}" PARENT_SCOPE)
  set(${prefix}_ERR "${err}" PARENT_SCOPE)
endfunction()
