# Install and export rules: `cmake --install` puts the nswire binary (installed by src/cli), the
# public headers, every static library of the layers and the OVSDB client, a CMake package
# (find_package(nswire) -> nswire::nswire, plus one nswire::LAYER target per library) and a
# pkg-config file (nswire.pc) under the prefix. Included from the top level right after
# add_subdirectory(src), when every library target exists.
#
# The libraries are discovered rather than listed: every STATIC/SHARED library defined under
# src/ and ovsdb/ is installed and exported, so a new layer (or a layer split in two) is
# packaged without touching this file. A library with the target property NSWIRE_INTERNAL (the
# command's own code, nswire_cli) is left out.
include(CMakePackageConfigHelpers)

set(NSWIRE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/nswire CACHE STRING
    "Where the CMake package files of nswire go, relative to the install prefix")
set(NSWIRE_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig CACHE STRING
    "Where nswire.pc goes, relative to the install prefix")

# Library targets defined in DIR and its subdirectories.
function(_nswire_libraries_in dir out)
  set(found)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    get_target_property(internal ${t} NSWIRE_INTERNAL)  # a program's own code (nswire_cli), not a layer
    if((type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "SHARED_LIBRARY") AND NOT internal)
      list(APPEND found ${t})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    _nswire_libraries_in(${sub} more)
    list(APPEND found ${more})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# The targets named in a link list (aliases resolved, $<LINK_ONLY:...> unwrapped), restricted to
# the libraries we install.
function(_nswire_local_deps items libs out)
  set(deps)
  foreach(item ${items})
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
    if(TARGET "${item}")
      get_target_property(aliased "${item}" ALIASED_TARGET)
      if(aliased)
        set(item ${aliased})
      endif()
      if(item IN_LIST libs)
        list(APPEND deps ${item})
      endif()
    endif()
  endforeach()
  set(${out} ${deps} PARENT_SCOPE)
endfunction()

# Depth-first post-order over the dependency graph: every library after the ones that need it,
# once reversed (the order a static link line wants).
function(_nswire_visit t libs)
  if(t IN_LIST _nswire_visited)
    return()
  endif()
  list(APPEND _nswire_visited ${t})
  set(_nswire_visited ${_nswire_visited} PARENT_SCOPE)
  get_target_property(link ${t} LINK_LIBRARIES)
  get_target_property(ilink ${t} INTERFACE_LINK_LIBRARIES)
  set(items)
  foreach(l link ilink)
    if(${l})
      list(APPEND items ${${l}})
    endif()
  endforeach()
  _nswire_local_deps("${items}" "${libs}" deps)
  foreach(d ${deps})
    _nswire_visit(${d} "${libs}")
  endforeach()
  list(APPEND _nswire_postorder ${t})
  set(_nswire_visited ${_nswire_visited} PARENT_SCOPE)
  set(_nswire_postorder ${_nswire_postorder} PARENT_SCOPE)
endfunction()

_nswire_libraries_in(${PROJECT_SOURCE_DIR}/ovsdb _nswire_ovsdb_libs)
_nswire_libraries_in(${PROJECT_SOURCE_DIR}/src _nswire_src_libs)
set(NSWIRE_INSTALLED_LIBRARIES ${_nswire_ovsdb_libs} ${_nswire_src_libs})
if(NOT NSWIRE_INSTALLED_LIBRARIES)
  message(FATAL_ERROR "NswireInstall: no library targets under src/ or ovsdb/ (include it after add_subdirectory(src))")
endif()

foreach(lib ${NSWIRE_INSTALLED_LIBRARIES})
  # Include directories in the source tree are for the build only; once installed, the headers
  # are under <prefix>/include (the layout is the same: <nswire/...>, <ovsdb/...>).
  get_target_property(dirs ${lib} INTERFACE_INCLUDE_DIRECTORIES)
  if(dirs)
    set(rewritten)
    foreach(d ${dirs})
      if(IS_ABSOLUTE "${d}" AND NOT d MATCHES "^\\$<")
        list(APPEND rewritten "$<BUILD_INTERFACE:${d}>")
      else()
        list(APPEND rewritten "${d}")
      endif()
    endforeach()
    list(APPEND rewritten "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
    set_target_properties(${lib} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${rewritten}")
  endif()
  # nswire_reconcile -> nswire::reconcile; ovsdb_client -> nswire::ovsdb_client.
  string(REGEX REPLACE "^nswire_" "" export_name ${lib})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${export_name})
endforeach()

# nswire::nswire: the whole library, every layer and its dependencies.
add_library(nswire_package INTERFACE)
set_target_properties(nswire_package PROPERTIES EXPORT_NAME nswire)
target_link_libraries(nswire_package INTERFACE ${NSWIRE_INSTALLED_LIBRARIES})
target_compile_features(nswire_package INTERFACE cxx_std_20)
add_library(nswire::nswire ALIAS nswire_package)

install(TARGETS ${NSWIRE_INSTALLED_LIBRARIES} nswire_package EXPORT nswireTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/nswire ${PROJECT_SOURCE_DIR}/ovsdb/include/ovsdb
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(EXPORT nswireTargets NAMESPACE nswire:: FILE nswireTargets.cmake
        DESTINATION ${NSWIRE_INSTALL_CMAKEDIR} COMPONENT dev)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/nswireConfig.cmake.in
  ${PROJECT_BINARY_DIR}/nswireConfig.cmake INSTALL_DESTINATION ${NSWIRE_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nswireConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nswireConfig.cmake ${PROJECT_BINARY_DIR}/nswireConfigVersion.cmake
        DESTINATION ${NSWIRE_INSTALL_CMAKEDIR} COMPONENT dev)

# nswire.pc: relocatable (paths relative to ${pcfiledir}), so `cmake --install --prefix P` works
# for any P. Libraries in static link order: each before the libraries it needs.
set(_nswire_visited)
set(_nswire_postorder)
foreach(lib ${NSWIRE_INSTALLED_LIBRARIES})
  _nswire_visit(${lib} "${NSWIRE_INSTALLED_LIBRARIES}")
endforeach()
list(REVERSE _nswire_postorder)
set(NSWIRE_PC_LIBS)
foreach(lib ${_nswire_postorder})
  get_target_property(out ${lib} OUTPUT_NAME)
  if(NOT out)
    set(out ${lib})
  endif()
  string(APPEND NSWIRE_PC_LIBS " -l${out}")
endforeach()
string(STRIP "${NSWIRE_PC_LIBS}" NSWIRE_PC_LIBS)
if(IS_ABSOLUTE "${NSWIRE_INSTALL_PKGCONFIGDIR}")
  set(NSWIRE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _rel "/nswire-prefix/${NSWIRE_INSTALL_PKGCONFIGDIR}" "/nswire-prefix")
  string(REGEX REPLACE "/$" "" _rel "${_rel}")
  set(NSWIRE_PC_PREFIX "\${pcfiledir}/${_rel}")
endif()
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(NSWIRE_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(NSWIRE_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/nswire.pc.in ${PROJECT_BINARY_DIR}/nswire.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/nswire.pc DESTINATION ${NSWIRE_INSTALL_PKGCONFIGDIR} COMPONENT dev)

# The example labs are installed by share/CMakeLists.txt, beside the schema they point at.
