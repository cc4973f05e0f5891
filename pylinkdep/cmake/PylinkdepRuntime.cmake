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
    _pylink_consumer(ARG_CONSUMER)
  endif()
  _pylinkdep_python(python)
  if(NOT python)
    message(FATAL_ERROR "pylinkdep_runtime_module: no Python interpreter found: set "
      "Python_EXECUTABLE (or PYLINKDEP_PYTHON)")
  endif()
  _pylink_runtime_module(pylinkdep_runtime_module "${python}" "${ARG_CONSUMER}"
    "${ARG_DESTINATION}" "${ARG_DESTINATION}" ${ARG_PROVIDERS})
  # The project writes its own: pylink_target_rpath() and the install step
  # (PylinkConsumer.cmake) write no _pylink.py after this.
  set_property(GLOBAL PROPERTY PYLINK_RUNTIME_MODULE_EXPLICIT TRUE)
endfunction()
