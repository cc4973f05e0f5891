# pylinkdep_runtime_module(DESTINATION <dir> PROVIDERS <name[constraint]>... [CONSUMER <name>])
#
# Writes _pylink.py, the module a consumer package imports before its extension: it checks
# each provider's version against the ABI range resolved now, and loads the provider's
# library when the relative run path misses it (provider in another site directory).
# DESTINATION is the package directory relative to the wheel root (site-packages), as in
# install(... DESTINATION <dir>); CONSUMER (default: the scikit-build-core project name,
# else PROJECT_NAME) names the consumer in error messages. Runs pylinkdep at configure
# time with Python_EXECUTABLE (set by scikit-build-core) or the Python3 interpreter found.
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
  if(DEFINED Python_EXECUTABLE)
    set(python "${Python_EXECUTABLE}")
  else()
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    set(python "${Python3_EXECUTABLE}")
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/pylinkdep-runtime/${ARG_DESTINATION}/_pylink.py")
  execute_process(
    COMMAND "${python}" -m pylinkdep runtime-module -o "${out}" --consumer "${ARG_CONSUMER}"
            --subdir "${ARG_DESTINATION}" ${ARG_PROVIDERS}
    RESULT_VARIABLE status
    ERROR_VARIABLE error)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "pylinkdep_runtime_module: ${error}")
  endif()
  install(FILES "${out}" DESTINATION "${ARG_DESTINATION}")
endfunction()
