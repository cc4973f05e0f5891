# pylinkdep's consumer helpers (CMake 3.15+): pylink_target_rpath(), and under
# scikit-build-core the run path and _pylink.py of every extension that does not call it.
#
# Included by every config package pylinkdep generates, so find_package(<Provider>)
# or find_package(pylinkdep) defines it; include(PylinkConsumer) works too where
# scikit-build-core put pylinkdep's cmake directory on CMAKE_MODULE_PATH.
#
# Under scikit-build-core (SKBUILD), at the end of the top-level CMakeLists.txt (CMake
# 3.19+: cmake_language(DEFER)), every MODULE or SHARED target that links a pylink
# provider and got no pylink_target_rpath() is finished at install time, where its
# install directory is known at last (an install(TARGETS) rule says it, and CMake cannot
# be asked): it is linked with a placeholder run path ($ORIGIN and '/' padding, room for
# the real one), and an install(CODE) step after every other install rule finds the
# installed file under the install prefix, writes the run path pylinkdep computes for
# that directory (`pylinkdep rpath`; file(RPATH_SET), CMake 3.21+; install_name_tool on
# macOS; none on Windows) and writes _pylink.py beside it (`pylinkdep runtime-module`,
# unless the project calls pylinkdep_runtime_module()). Plain CMake builds keep the
# explicit calls: without scikit-build-core's fresh staging directory, nothing marks the
# files of this install.
include_guard(GLOBAL)

# pylink_target_rpath(<target> DESTINATION <dir>)
#
# Gives <target> an install run path with one $ORIGIN-relative entry (@loader_path on
# macOS) per pylink provider library it links, directly or through other targets, and
# nothing else: no absolute path of the build machine. <dir> is where the target is
# installed relative to site-packages, as in install(TARGETS <target> DESTINATION <dir>)
# under scikit-build-core (whose wheel.install-dir is added). Call it after
# target_link_libraries(). The built file gets the install run path right away
# (BUILD_WITH_INSTALL_RPATH), so installing rewrites nothing. Windows has no run path.
# It also installs <dir>/_pylink.py for the providers of every target given <dir>
# (on Windows too), unless the project calls pylinkdep_runtime_module(), which then
# writes that directory's module.
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
  set_property(TARGET "${target}" PROPERTY PYLINK_EXPLICIT_RPATH TRUE)

  set(dest "${_pylink_DESTINATION}")
  _pylink_install_dir(install_dir)
  if(install_dir)
    set(dest "${install_dir}/${dest}")
  endif()

  _pylink_link_walk("${target}" dirs names)
  if(NOT dirs AND NOT names)
    message(FATAL_ERROR "pylink_target_rpath(${target}): ${target} links no pylink provider; "
      "call it after target_link_libraries(${target} ... <Provider>::<Provider>)")
  endif()

  # The run path is pylinkdep's to build (the one builder every integration uses, which
  # refuses what the linker or the loader would read otherwise).
  _pylinkdep_python(python)
  if(NOT python)
    message(FATAL_ERROR "pylink_target_rpath(${target}): no Python interpreter to ask "
      "pylinkdep for the run path: set PYLINKDEP_PYTHON or Python_EXECUTABLE")
  endif()
  get_property(explicit_module GLOBAL PROPERTY PYLINK_RUNTIME_MODULE_EXPLICIT)
  if(names AND NOT explicit_module)
    get_property(all GLOBAL PROPERTY "_PYLINK_MODULE_PROVIDERS:${_pylink_DESTINATION}")
    list(APPEND all ${names})
    list(REMOVE_DUPLICATES all)
    set_property(GLOBAL PROPERTY "_PYLINK_MODULE_PROVIDERS:${_pylink_DESTINATION}" "${all}")
    _pylink_consumer(consumer)
    _pylink_runtime_module("pylink_target_rpath(${target})" "${python}" "${consumer}"
      "${_pylink_DESTINATION}" "${dest}" ${all})
  endif()
  if(WIN32 OR NOT dirs)
    return()
  endif()
  _pylink_platform(platform)
  _pylink_rpath(entries "pylink_target_rpath(${target})" "${python}" "${dest}" "${platform}"
    ${dirs})
  set_property(TARGET "${target}" APPEND PROPERTY INSTALL_RPATH ${entries})
  set_target_properties("${target}" PROPERTIES
    BUILD_WITH_INSTALL_RPATH TRUE
    INSTALL_RPATH_USE_LINK_PATH FALSE)
endfunction()

# _pylink_link_walk(<target> <dirs_var> <names_var>): the library directories (relative
# to site-packages: INTERFACE_PYLINK_RPATH_DIRS) and the pylink names
# (INTERFACE_PYLINK_NAME) of every provider <target> links, through other targets,
# aliases and requires; each once, in the order reached.
function(_pylink_link_walk target dirs_var names_var)
  set(queue "${target}")
  set(seen "")
  set(dirs "")
  set(names "")
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
    foreach(property IN ITEMS RPATH_DIRS:dirs NAME:names)
      string(REPLACE ":" ";" pair "${property}")
      list(GET pair 0 key)
      list(GET pair 1 list)
      get_target_property(own "${item}" INTERFACE_PYLINK_${key})
      if(own)
        list(APPEND ${list} ${own})
      endif()
    endforeach()
    foreach(link IN LISTS links)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(TARGET "${link}")
        list(APPEND queue "${link}")
      endif()
    endforeach()
  endwhile()
  list(REMOVE_DUPLICATES dirs)
  list(REMOVE_DUPLICATES names)
  set(${dirs_var} "${dirs}" PARENT_SCOPE)
  set(${names_var} "${names}" PARENT_SCOPE)
endfunction()

# _pylink_rpath(<var> <caller> <python> <dir> <platform> <library dir>...): the run path
# entries (a list) from <dir> (relative to site-packages) to each library directory, as
# `pylinkdep rpath` builds them; a failure stops CMake with <caller> and pylinkdep's line.
function(_pylink_rpath var caller python dir platform)
  _pylinkdep_run("${python}" _pylink rpath "--from=${dir}" "--target-platform=${platform}"
    -- ${ARGN})
  if(NOT _pylink_STATUS EQUAL 0)
    message(FATAL_ERROR "${caller}: ${_pylink_ERR}")
  endif()
  string(REPLACE "\n" ";" entries "${_pylink_OUT}")
  set(${var} "${entries}" PARENT_SCOPE)
endfunction()

# _pylink_consumer(<var>): the consumer's name in its run-time module's messages: the
# scikit-build-core project (the distribution), else PROJECT_NAME.
function(_pylink_consumer var)
  if(DEFINED SKBUILD_PROJECT_NAME)
    set(${var} "${SKBUILD_PROJECT_NAME}" PARENT_SCOPE)
  else()
    set(${var} "${PROJECT_NAME}" PARENT_SCOPE)
  endif()
endfunction()

# _pylink_runtime_module(<caller> <python> <consumer> <destination> <subdir> <provider>...):
# writes <build>/pylinkdep-runtime/<destination>/_pylink.py for the providers now and
# installs it into <destination> (one install rule per destination: a later call for it
# rewrites the file). <subdir> is <destination> relative to site-packages.
function(_pylink_runtime_module caller python consumer destination subdir)
  set(out "${CMAKE_BINARY_DIR}/pylinkdep-runtime/${destination}/_pylink.py")
  _pylinkdep_target_args(target)
  _pylinkdep_run("${python}" _pylink runtime-module -o "${out}" --consumer "${consumer}"
    --subdir "${subdir}" ${target} ${ARGN})
  if(NOT _pylink_STATUS EQUAL 0)
    message(FATAL_ERROR "${caller}: ${_pylink_ERR}")
  endif()
  get_property(installed GLOBAL PROPERTY "_PYLINK_MODULE_INSTALLED:${destination}")
  if(NOT installed)
    install(FILES "${out}" DESTINATION "${destination}")
    set_property(GLOBAL PROPERTY "_PYLINK_MODULE_INSTALLED:${destination}" TRUE)
  endif()
endfunction()

# _pylink_platform(<var>): the platform CMake builds for, as pylinkdep names it:
# darwin (@loader_path) when it is macOS, from any build machine; windows; else linux.
function(_pylink_platform var)
  if(APPLE)
    set(${var} darwin PARENT_SCOPE)
  elseif(WIN32)
    set(${var} windows PARENT_SCOPE)
  else()
    set(${var} linux PARENT_SCOPE)
  endif()
endfunction()

# _pylink_install_dir(<var>): where CMAKE_INSTALL_PREFIX is relative to site-packages
# under scikit-build-core (its wheel.install-dir: <wheel>/platlib[/<install-dir>]); empty
# in plain CMake.
function(_pylink_install_dir var)
  set(${var} "" PARENT_SCOPE)
  if(DEFINED SKBUILD_PLATLIB_DIR AND DEFINED CMAKE_INSTALL_PREFIX)
    file(RELATIVE_PATH dir "${SKBUILD_PLATLIB_DIR}" "${CMAKE_INSTALL_PREFIX}")
    if(dir AND NOT dir MATCHES "^\\.\\.(/|$)")
      set(${var} "${dir}" PARENT_SCOPE)
    endif()
  endif()
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

# _pylink_targets(<dir> <var>): every target defined in <dir> and its subdirectories.
function(_pylink_targets dir var)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _pylink_targets("${sub}" more)
    list(APPEND targets ${more})
  endforeach()
  set(${var} "${targets}" PARENT_SCOPE)
endfunction()

# _pylink_literal(<var> <value>): <value> as a CMake argument of install(CODE), read back
# as written after the generator expressions of the code are evaluated.
function(_pylink_literal var value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "$" "\\$<1:$>" value "${value}")
  set(${var} "\"${value}\"" PARENT_SCOPE)
endfunction()

# _pylink_finalize(): the deferred step (see the top of this file).
function(_pylink_finalize)
  if(NOT DEFINED SKBUILD)
    return()
  endif()
  _pylink_targets("${CMAKE_SOURCE_DIR}" targets)
  set(todo "")
  foreach(target IN LISTS targets)
    get_target_property(type "${target}" TYPE)
    get_target_property(explicit "${target}" PYLINK_EXPLICIT_RPATH)
    if(NOT type MATCHES "^(MODULE|SHARED)_LIBRARY$" OR explicit)
      continue()
    endif()
    _pylink_link_walk("${target}" dirs names)
    if(names)
      list(APPEND todo "${target}")
      set(dirs_${target} "${dirs}")
      set(names_${target} "${names}")
    endif()
  endforeach()
  if(NOT todo)
    return()
  endif()
  if(CMAKE_VERSION VERSION_LESS 3.21 AND NOT WIN32)
    list(GET todo 0 first)
    string(REPLACE ";" " " providers "${names_${first}}")
    string(REPLACE ";" ", " todo "${todo}")
    message(FATAL_ERROR "pylinkdep: CMake ${CMAKE_VERSION} cannot write the installed run path "
      "of ${todo} (file(RPATH_SET) needs 3.21): require it ([tool.scikit-build] cmake.version "
      "= \">=3.21\"), or call pylink_target_rpath(${first} DESTINATION <dir>) and "
      "pylinkdep_runtime_module(DESTINATION <dir> PROVIDERS ${providers})")
  endif()
  _pylinkdep_python(python)
  if(NOT python)
    message(FATAL_ERROR "pylinkdep: no Python interpreter to ask pylinkdep for the run path "
      "of ${todo}: set PYLINKDEP_PYTHON or Python_EXECUTABLE")
  endif()
  _pylink_consumer(consumer)
  get_property(module_written GLOBAL PROPERTY PYLINK_RUNTIME_MODULE_EXPLICIT)
  _pylink_platform(platform)
  _pylink_install_dir(install_dir)
  _pylink_literal(helpers "${CMAKE_CURRENT_FUNCTION_LIST_FILE}")
  set(code "include(${helpers})\n")
  _pylinkdep_target_args(target_args)
  foreach(value IN ITEMS python consumer platform install_dir target_args)
    _pylink_literal(${value} "${${value}}")
  endforeach()
  foreach(target IN LISTS todo)
    set(placeholder "")
    if(NOT platform STREQUAL "windows")
      # As long as the entries pylinkdep can give from 16 directories below
      # site-packages: <origin>/ + ../ per level + the directory, ':' between them.
      string(REPEAT "../" 16 up)
      string(JOIN ":" longest ${dirs_${target}})
      list(LENGTH dirs_${target} count)
      string(LENGTH "@loader_path/${up}:${longest}" length)
      math(EXPR length "${length} * ${count}")
      if(platform STREQUAL "darwin")
        set(origin "@loader_path")
      else()
        set(origin "$ORIGIN")
      endif()
      string(REPEAT "/" ${length} pad)
      set(placeholder "${origin}${pad}")
      get_target_property(own "${target}" INSTALL_RPATH)
      if(NOT own)
        set(own "")
      endif()
      set(rpath ${own} "${placeholder}")
      set_target_properties("${target}" PROPERTIES
        INSTALL_RPATH "${rpath}"
        BUILD_WITH_INSTALL_RPATH TRUE
        INSTALL_RPATH_USE_LINK_PATH FALSE)
    else()
      set(own "")
    endif()
    foreach(value IN ITEMS own placeholder dirs_${target} names_${target})
      _pylink_literal(${value} "${${value}}")
    endforeach()
    string(APPEND code "_pylink_installed(\"$<TARGET_FILE_NAME:${target}>\" ${python} "
      "${consumer} ${platform} ${install_dir} ${own} ${placeholder} ${dirs_${target}} "
      "${names_${target}} \"${module_written}\" ${target_args})\n")
  endforeach()
  install(CODE "${code}")
endfunction()

# _pylink_installed(<file name> <python> <consumer> <platform> <install dir> <own run path>
#                   <placeholder> <library dirs> <providers> <module written>
#                   <cross-build options>)
# At install time: every installed <file name> under the install prefix gets its run path
# and, unless <module written>, a _pylink.py beside it for <providers> (with those of
# every other target installed into that directory).
function(_pylink_installed name python consumer platform install_dir own placeholder dirs
         providers module_written target_args)
  set(root "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
  file(GLOB_RECURSE found LIST_DIRECTORIES false "${root}/${name}")
  foreach(file IN LISTS found)
    get_filename_component(dir "${file}" DIRECTORY)
    file(RELATIVE_PATH sub "${root}" "${dir}")
    string(JOIN "/" dest ${install_dir} ${sub})
    if(dest STREQUAL "")
      set(dest ".")
    endif()
    if(NOT platform STREQUAL "windows")
      _pylink_rpath(entries "pylinkdep: the run path of ${file}" "${python}" "${dest}"
        "${platform}" ${dirs})
      string(REPLACE ";" ":" entries "${entries}")
      string(LENGTH "${entries}" need)
      string(LENGTH "${placeholder}" room)
      if(need GREATER room)
        message(FATAL_ERROR "pylinkdep: ${file} is installed too deep below site-packages "
          "for the run path room reserved: call pylink_target_rpath(<target> DESTINATION "
          "${dest})")
      endif()
      if(platform STREQUAL "darwin")
        string(REPLACE ":" ";" entries "${entries}")
        list(GET entries 0 first)
        list(REMOVE_AT entries 0)
        set(args -rpath "${placeholder}" "${first}")
        foreach(entry IN LISTS entries)
          list(APPEND args -add_rpath "${entry}")
        endforeach()
        execute_process(COMMAND "${CMAKE_INSTALL_NAME_TOOL}" ${args} "${file}"
          RESULT_VARIABLE failed)
        if(failed)
          message(FATAL_ERROR "pylinkdep: ${CMAKE_INSTALL_NAME_TOOL} could not set the run "
            "path of ${file}")
        endif()
      else()
        string(JOIN ":" entries ${own} "${entries}")
        file(RPATH_SET FILE "${file}" NEW_RPATH "${entries}")
      endif()
    endif()
    if(NOT module_written)
      get_property(all GLOBAL PROPERTY "_PYLINK_PROVIDERS:${dir}")
      list(APPEND all ${providers})
      list(REMOVE_DUPLICATES all)
      set_property(GLOBAL PROPERTY "_PYLINK_PROVIDERS:${dir}" "${all}")
      _pylinkdep_run("${python}" _pylink runtime-module -o "${dir}/_pylink.py"
        --consumer "${consumer}" --subdir "${dest}" ${target_args} ${all})
      if(NOT _pylink_STATUS EQUAL 0)
        message(FATAL_ERROR "pylinkdep: ${dir}/_pylink.py: ${_pylink_ERR}")
      endif()
      message(STATUS "pylinkdep: ${dir}/_pylink.py for ${all}")
    endif()
  endforeach()
endfunction()

# Once per configure (include_guard), never in the install script (no SKBUILD there).
if(DEFINED SKBUILD AND CMAKE_VERSION VERSION_LESS 3.19)
  message(WARNING "pylinkdep: CMake ${CMAKE_VERSION} cannot give extensions their run path "
    "and _pylink.py by itself (3.21+ does): call pylink_target_rpath(<target> DESTINATION "
    "<dir>) and pylinkdep_runtime_module(DESTINATION <dir> PROVIDERS <provider>...), or "
    "require CMake 3.21 ([tool.scikit-build] cmake.version = \">=3.21\")")
elseif(DEFINED SKBUILD)
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _pylink_finalize)
endif()
