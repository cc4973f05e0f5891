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
  if(IS_ABSOLUTE "${dest}")
    message(FATAL_ERROR "pylink_target_rpath(${target}): DESTINATION '${dest}' must be "
      "relative to site-packages")
  endif()
  # scikit-build-core installs into <wheel>/platlib[/<wheel.install-dir>].
  if(DEFINED SKBUILD_PLATLIB_DIR AND DEFINED CMAKE_INSTALL_PREFIX)
    file(RELATIVE_PATH install_dir "${SKBUILD_PLATLIB_DIR}" "${CMAKE_INSTALL_PREFIX}")
    if(install_dir AND NOT install_dir MATCHES "^\\.\\.(/|$)")
      set(dest "${install_dir}/${dest}")
    endif()
  endif()
  set(site "/pylink-site-packages")
  get_filename_component(dest_abs "${site}/${dest}" ABSOLUTE)
  if(NOT dest_abs STREQUAL site AND NOT dest_abs MATCHES "^${site}/")
    message(FATAL_ERROR "pylink_target_rpath(${target}): DESTINATION '${dest}' leaves "
      "site-packages")
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

  if(APPLE)
    set(origin "@loader_path")
  else()
    set(origin "$ORIGIN")
  endif()
  set(entries "")
  foreach(dir IN LISTS dirs)
    file(RELATIVE_PATH rel "${dest_abs}" "${site}/${dir}")
    if(rel STREQUAL "" OR rel STREQUAL ".")
      list(APPEND entries "${origin}")
    else()
      list(APPEND entries "${origin}/${rel}")
    endif()
  endforeach()
  set_property(TARGET "${target}" APPEND PROPERTY INSTALL_RPATH ${entries})
  set_target_properties("${target}" PROPERTIES
    BUILD_WITH_INSTALL_RPATH TRUE
    INSTALL_RPATH_USE_LINK_PATH FALSE)
endfunction()
