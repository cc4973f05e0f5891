# pylinkdep_runtime_module(DESTINATION <dir> PROVIDERS <name[constraint]>... [CONSUMER <name>])
#
# Writes _pylink.py, the module a consumer package imports before its extension: it checks
# each provider's version against the ABI range resolved now, and loads the provider's
# library when the relative run path misses it (provider in another site directory).
# DESTINATION is the package directory relative to the wheel root (site-packages), as in
# install(... DESTINATION <dir>); CONSUMER (default: the scikit-build-core project name,
# else PROJECT_NAME) names the consumer in error messages. Runs pylinkdep at configure
# time with the Python _pylinkdep_python() chooses (scikit-build-core's, in a wheel build).
include("${CMAKE_CURRENT_LIST_DIR}/PylinkConsumer.cmake")

function(pylinkdep_runtime_module)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "DESTINATION;CONSUMER" "PROVIDERS")
  if(NOT ARG_DESTINATION OR NOT ARG_PROVIDERS)
    message(FATAL_ERROR "pylinkdep_runtime_module: DESTINATION and PROVIDERS are required")
  endif()
  if(NOT ARG_CONSUMER)
    if(DEFINED SKBUILD_PROJECT_NAME)
      set(ARG_CONSUMER "${SKBUILD_PROJECT_NAME}")
    else()
      set(ARG_CONSUMER "${PROJECT_NAME}")
    endif()
  endif()
  _pylinkdep_python(python)
  if(NOT python)
    message(FATAL_ERROR "pylinkdep_runtime_module: no Python interpreter found: set "
      "Python_EXECUTABLE (or PYLINKDEP_PYTHON)")
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/pylinkdep-runtime/${ARG_DESTINATION}/_pylink.py")
  _pylinkdep_run("${python}" _pylinkdep runtime-module -o "${out}" --consumer "${ARG_CONSUMER}"
                 --subdir "${ARG_DESTINATION}" ${ARG_PROVIDERS})
  if(NOT _pylinkdep_STATUS EQUAL 0)
    message(FATAL_ERROR "pylinkdep_runtime_module: ${_pylinkdep_ERR}")
  endif()
  install(FILES "${out}" DESTINATION "${ARG_DESTINATION}")
  # The project writes its own: extensions that get their run path at install time
  # (PylinkConsumer.cmake) get no second _pylink.py.
  set_property(GLOBAL PROPERTY PYLINK_RUNTIME_MODULE_EXPLICIT TRUE)
endfunction()
