# What `nswire --version` says about its build: the version (project()), the git revision (at
# build time, cmake/nswire_revision.cmake) and the versions of the libraries it was built with
# (at configure time, from their CMake packages and pkg-config). Defines target nswire_build_info
# (an interface library with the generated headers' directory) for src/cli.
set(_gen ${PROJECT_BINARY_DIR}/generated)

set(NSWIRE_LIBRARY_VERSIONS
    "{\"yaml-cpp\", \"${yaml-cpp_VERSION}\"}, {\"nlohmann_json\", \"${nlohmann_json_VERSION}\"}, \
{\"Boost\", \"${Boost_VERSION}\"}, {\"CLI11\", \"${CLI11_VERSION}\"}, {\"libmnl\", \"${MNL_VERSION}\"}")
set(NSWIRE_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
file(MAKE_DIRECTORY ${_gen}/nswire)
configure_file(${CMAKE_CURRENT_LIST_DIR}/build_info.h.in ${_gen}/nswire/build_info.h @ONLY)
add_custom_target(nswire_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${_gen}/nswire/revision.h
          -P ${CMAKE_CURRENT_LIST_DIR}/nswire_revision.cmake
  BYPRODUCTS ${_gen}/nswire/revision.h
  COMMENT "Reading the git revision"
  VERBATIM)
add_library(nswire_build_info INTERFACE)
target_include_directories(nswire_build_info INTERFACE ${_gen})
add_dependencies(nswire_build_info nswire_revision)
