# PylinkProvider.cmake: publish a shared library from a CMake (scikit-build-core) package.
#
#   include(PylinkProvider)      # scikit-build-core finds it through pylinkdep's
#                                # cmake.module entry point; otherwise add
#                                # $(pylinkdep --cmake-dir) to CMAKE_MODULE_PATH
#   add_library(foo SHARED src/foo.c)
#   pylink_add_provider(
#     TARGET foo                 # a SHARED library target
#     NAME foo                   # dependency name: pylinkdep --libs foo, dependency('foo')
#     [PACKAGE_DIR foo]          # install dir under the install prefix (default: NAME)
#     [CMAKE_NAME Foo]           # find_package(Foo) (default: NAME)
#     [CMAKE_TARGET Foo::Foo]    # imported target (default: CMAKE_NAME::CMAKE_NAME)
#     [HEADERS include/foo.h ...]  # installed into PACKAGE_DIR/include
#     [PXD foo.pxd ...]          # Cython declarations of the API, installed into
#                                # PACKAGE_DIR/cython (pylink.json cython_include_dirs)
#     [EXPORT_HEADER foo_export.h]  # generated FOO_API/FOO_DATA export macros
#     [VERSION 1.2.0]            # default: SKBUILD_PROJECT_VERSION, else PROJECT_VERSION
#     [ABI ">=1.2,<2"]           # default: >=MAJOR.MINOR,<MAJOR+1 (with SYMBOLS: >=MAJOR.0)
#     [SYMBOLS foo.symbols]      # the symbols file (docs/abi.md): each export and the
#                                # version it first appeared in; set PYLINKDEP_UPDATE_SYMBOLS=1
#                                # in the environment to rewrite it from the build
#     [SOVERSION 1]              # default: MAJOR; the library is libfoo.so.SOVERSION
#     [DEFINES FOO_SHARED ...] [COMPILE_ARGS ...] [LINK_ARGS ...]
#     [REQUIRES "otherprov>=1.0" ...] [DESCRIPTION "..."]
#     [EXTENSION]                # the target is a Python extension module
#     [PYTHON_ABI cp311]         # default: abi3 with SKBUILD_SABI_VERSION, else (EXTENSION)
#                                # from Python_SOABI, else (a library importing Py* symbols)
#                                # the Python running pylinkdep generate
#   )
#
# It sets the target's SONAME (libfoo.so.SOVERSION, the only file installed: wheels
# cannot hold the libfoo.so link; on Windows the DLL and its import library, recorded
# with --import-library) and hidden default visibility (export the API with
# __attribute__((visibility("default")))), installs the library and the headers into
# PACKAGE_DIR, and generates PACKAGE_DIR/pylink.json at build time with
# `python -m pylinkdep generate`, reading the SONAME from the built file.
# Register the package in pyproject.toml: [project.entry-points.pylink] foo = "foo".
# PACKAGE_DIR/cmake gets FooConfig.cmake and FooConfigVersion.cmake (`generate
# --cmake-config`), which hand find_package(Foo) over to pylinkdep: register them too,
# [project.entry-points."cmake.prefix"] foo = "foo", and scikit-build-core consumers need
# no pylinkdep line in their CMakeLists.txt (docs/providers.md).
# generate fails when the library exports none of the functions HEADERS declare (an API
# without an export macro under hidden visibility) and warns for each one missing.
#
# EXPORT_HEADER: `pylinkdep export-header` writes the file (a name, no directory) into
# the build tree when CMake configures; the target gets that directory as an include
# directory (PUBLIC: your own extension linking it sees the header too), the define
# FOO_BUILDING (PRIVATE: consumers, and pylink.json, never see it), and the header is
# installed into PACKAGE_DIR/include. Mark the API in your header with FOO_API
# (functions) and FOO_DATA (variables): exported while the library builds, and the
# cheapest call for consumers (no PLT stub on x86-64 ELF with GCC, dllimport on Windows).
#
# EXTENSION: the target links Python::Module and defines PyInit_<module>; the
# package's __init__.py imports it from its SONAME-named file (see docs/providers.md).

include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.15)

set(_PYLINK_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# The Python that runs `pylinkdep generate`: the one scikit-build-core (or the
# project) found, else the first Python 3 interpreter. pylinkdep must import there;
# it is tried as is, then with the site directory holding this module on PYTHONPATH.
function(_pylink_generator out_var)
  if(DEFINED PYLINK_GENERATOR)
    set(${out_var} "${PYLINK_GENERATOR}" PARENT_SCOPE)
    return()
  endif()
  if(Python_EXECUTABLE)
    set(python "${Python_EXECUTABLE}")
  elseif(Python3_EXECUTABLE)
    set(python "${Python3_EXECUTABLE}")
  else()
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    set(python "${Python3_EXECUTABLE}")
  endif()
  get_filename_component(site "${_PYLINK_CMAKE_DIR}/../.." ABSOLUTE)
  foreach(command IN ITEMS "${python}" "${CMAKE_COMMAND};-E;env;PYTHONPATH=${site};${python}")
    execute_process(
      COMMAND ${command} -c "import pylinkdep.wheel.generate"
      WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"  # where generate runs: no source-tree import
      RESULT_VARIABLE failed OUTPUT_QUIET ERROR_VARIABLE error
    )
    if(NOT failed)
      set(PYLINK_GENERATOR "${command};-m;pylinkdep" CACHE INTERNAL "pylinkdep command")
      set(${out_var} "${PYLINK_GENERATOR}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR
    "pylink_add_provider: ${python} cannot import pylinkdep (${error}). Add \"pylinkdep\" "
    "to [build-system] requires in pyproject.toml, or set Python_EXECUTABLE to a Python "
    "that has it.")
endfunction()

# EXPORT_HEADER of pylink_add_provider(): generate the header now, and build and install
# the target with it.
function(_pylink_export_header target name file package_dir generator)
  if(file MATCHES "[/\\\\]")
    message(FATAL_ERROR "pylink_add_provider: EXPORT_HEADER takes a file name, not ${file}")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/pylink-${target}/include")
  file(MAKE_DIRECTORY "${dir}")
  execute_process(
    COMMAND ${generator} export-header --name "${name}" --output "${dir}/${file}"
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    RESULT_VARIABLE failed OUTPUT_VARIABLE building ERROR_VARIABLE error
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE
  )
  if(failed)
    message(FATAL_ERROR "pylink_add_provider(EXPORT_HEADER ${file}): ${error}")
  endif()
  target_include_directories("${target}" PUBLIC "$<BUILD_INTERFACE:${dir}>")
  target_compile_definitions("${target}" PRIVATE "${building}")
  install(FILES "${dir}/${file}" DESTINATION "${package_dir}/include")
endfunction()

function(pylink_add_provider)
  set(flags EXTENSION)
  set(single TARGET NAME PACKAGE_DIR CMAKE_NAME CMAKE_TARGET VERSION ABI SOVERSION
             DESCRIPTION PYTHON_ABI SYMBOLS EXPORT_HEADER)
  set(multi HEADERS PXD DEFINES COMPILE_ARGS LINK_ARGS REQUIRES)
  cmake_parse_arguments(PARSE_ARGV 0 arg "${flags}" "${single}" "${multi}")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pylink_add_provider: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required IN ITEMS TARGET NAME)
    if(NOT arg_${required})
      message(FATAL_ERROR "pylink_add_provider: ${required} is required")
    endif()
  endforeach()
  set(target "${arg_TARGET}")
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "pylink_add_provider: TARGET ${target} is not a target")
  endif()
  get_target_property(type "${target}" TYPE)
  if(NOT type STREQUAL "SHARED_LIBRARY")
    message(FATAL_ERROR
      "pylink_add_provider: ${target} is a ${type}; it must be add_library(${target} SHARED) "
      "to carry a SONAME (a Python extension too, with EXTENSION)")
  endif()

  if(NOT arg_VERSION)
    if(SKBUILD_PROJECT_VERSION)
      set(arg_VERSION "${SKBUILD_PROJECT_VERSION}")
    elseif(PROJECT_VERSION)
      set(arg_VERSION "${PROJECT_VERSION}")
    else()
      message(FATAL_ERROR "pylink_add_provider(TARGET ${target}): give VERSION, or project(... VERSION)")
    endif()
  endif()
  if(NOT arg_VERSION MATCHES "^([0-9]+)(\\.([0-9]+))?")
    message(FATAL_ERROR "pylink_add_provider: VERSION ${arg_VERSION} does not start with MAJOR.MINOR")
  endif()
  set(major "${CMAKE_MATCH_1}")
  set(minor "${CMAKE_MATCH_3}")
  if(minor STREQUAL "")
    set(minor 0)
  endif()
  if(NOT arg_ABI)
    math(EXPR next "${major} + 1")
    if(arg_SYMBOLS)  # the symbols map narrows each consumer's requirement
      set(arg_ABI ">=${major}.0,<${next}")
    else()
      set(arg_ABI ">=${major}.${minor},<${next}")
    endif()
  endif()
  if(NOT DEFINED arg_SOVERSION)
    set(arg_SOVERSION "${major}")
  endif()
  if(NOT arg_PACKAGE_DIR)
    set(arg_PACKAGE_DIR "${arg_NAME}")
  endif()

  # VERSION == SOVERSION: one real file libfoo.so.N (macOS: libfoo.N.dylib) whose SONAME
  # (install name @rpath/libfoo.N.dylib, in the build tree too) is its own name.
  set_target_properties("${target}" PROPERTIES
    SOVERSION "${arg_SOVERSION}"
    VERSION "${arg_SOVERSION}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    MACOSX_RPATH ON
    INSTALL_NAME_DIR "@rpath"
    BUILD_WITH_INSTALL_NAME_DIR ON
  )
  # Windows: RUNTIME is the DLL, ARCHIVE its import library (.lib, .dll.a), which
  # consumers link: both go beside pylink.json. Elsewhere a SHARED target has no ARCHIVE.
  install(TARGETS "${target}"
    LIBRARY DESTINATION "${arg_PACKAGE_DIR}" NAMELINK_SKIP
    RUNTIME DESTINATION "${arg_PACKAGE_DIR}"
    ARCHIVE DESTINATION "${arg_PACKAGE_DIR}"
  )
  if(arg_HEADERS)
    install(FILES ${arg_HEADERS} DESTINATION "${arg_PACKAGE_DIR}/include")
  endif()
  if(arg_PXD)
    install(FILES ${arg_PXD} DESTINATION "${arg_PACKAGE_DIR}/cython")
  endif()

  _pylink_generator(generator)
  if(arg_EXPORT_HEADER)
    _pylink_export_header("${target}" "${arg_NAME}" "${arg_EXPORT_HEADER}" "${arg_PACKAGE_DIR}"
                          "${generator}")
  endif()
  set(output "${CMAKE_CURRENT_BINARY_DIR}/pylink-${target}/pylink.json")
  set(command ${generator} generate --output "${output}" --name "${arg_NAME}"
      --version "${arg_VERSION}" "--abi=${arg_ABI}" --cmake-config)
  # find_package(<CMAKE_NAME>) without find_package(pylinkdep): PACKAGE_DIR/cmake holds a
  # config package that hands over to pylinkdep's (the cmake.prefix entry point finds it).
  if(arg_CMAKE_NAME)
    set(cmake_name "${arg_CMAKE_NAME}")
  else()
    set(cmake_name "${arg_NAME}")
  endif()
  set(trampoline "${CMAKE_CURRENT_BINARY_DIR}/pylink-${target}/${cmake_name}Config.cmake"
                 "${CMAKE_CURRENT_BINARY_DIR}/pylink-${target}/${cmake_name}ConfigVersion.cmake")
  if(NOT arg_PYTHON_ABI AND SKBUILD_SABI_VERSION)
    set(arg_PYTHON_ABI abi3)
  endif()
  if(arg_EXTENSION)
    list(APPEND command --extension "$<TARGET_FILE:${target}>")
    if(NOT arg_PYTHON_ABI)
      if(Python_SOABI MATCHES "^cpython-([0-9])([0-9]+)(t?)")
        set(arg_PYTHON_ABI "cp${CMAKE_MATCH_1}${CMAKE_MATCH_2}${CMAKE_MATCH_3}")
      else()
        message(FATAL_ERROR
          "pylink_add_provider(TARGET ${target} EXTENSION): give PYTHON_ABI (cp311, abi3), "
          "or find_package(Python COMPONENTS Development.Module) first")
      endif()
    endif()
  else()
    list(APPEND command --library "$<TARGET_FILE:${target}>")
  endif()
  if(WIN32)  # the import library of the DLL, what consumers link
    list(APPEND command --import-library "$<TARGET_LINKER_FILE:${target}>")
  endif()
  if(arg_PYTHON_ABI)
    list(APPEND command --python-abi "${arg_PYTHON_ABI}")
  endif()
  set(depends "${target}")  # generate reads the headers and the symbols file too
  if(arg_HEADERS OR arg_EXPORT_HEADER)
    list(APPEND command --include-dir include)
    foreach(header IN LISTS arg_HEADERS)
      get_filename_component(header "${header}" ABSOLUTE)
      list(APPEND command "--header=${header}")
      list(APPEND depends "${header}")
    endforeach()
  endif()
  if(arg_PXD)
    list(APPEND command --cython-include-dir cython)
  endif()
  if(arg_SYMBOLS)
    get_filename_component(symbols "${arg_SYMBOLS}" ABSOLUTE)
    list(APPEND command "--symbols=${symbols}")
    if(EXISTS "${symbols}")  # the first build may create it
      list(APPEND depends "${symbols}")
    endif()
  endif()
  if(arg_CMAKE_NAME)
    list(APPEND command --cmake-package "${arg_CMAKE_NAME}")
  endif()
  if(arg_CMAKE_TARGET)
    list(APPEND command --cmake-target "${arg_CMAKE_TARGET}")
  endif()
  if(arg_DESCRIPTION)
    list(APPEND command "--description=${arg_DESCRIPTION}")
  endif()
  foreach(option IN ITEMS DEFINES:define COMPILE_ARGS:compile-arg LINK_ARGS:link-arg
                          REQUIRES:requires)
    string(REPLACE ":" ";" pair "${option}")
    list(GET pair 0 key)
    list(GET pair 1 flag)
    foreach(value IN LISTS arg_${key})
      list(APPEND command "--${flag}=${value}")
    endforeach()
  endforeach()

  add_custom_command(
    OUTPUT "${output}" ${trampoline}
    COMMAND ${command}
    DEPENDS ${depends}
    COMMENT "Generating pylink.json for ${arg_NAME}"
    VERBATIM
  )
  add_custom_target("${target}_pylink_json" ALL DEPENDS "${output}")
  install(FILES "${output}" DESTINATION "${arg_PACKAGE_DIR}")
  install(FILES ${trampoline} DESTINATION "${arg_PACKAGE_DIR}/cmake")
endfunction()
