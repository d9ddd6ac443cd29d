# Test registration helpers. Unit tests run as they are; integration tests run each test
# binary inside its own throwaway sandbox (tests/harness/sandbox): private network and mount
# namespaces, tmpfs over /run/netns, /etc/netns, /var/run/openvswitch and /run/nswire, and,
# with OVS, a private ovsdb-server + ovs-vswitchd (datapath netdev). Nothing reaches the host.

set(NSWIRE_SANDBOX ${PROJECT_SOURCE_DIR}/tests/harness/sandbox)

# nswire_unit_test(NAME SOURCES... LIBS...)
function(nswire_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120)
  # `unit_tests` builds every unit test and nothing else (the sanitizer run in CI uses it).
  if(NOT TARGET unit_tests)
    add_custom_target(unit_tests)
  endif()
  add_dependencies(unit_tests ${name})
endfunction()

# nswire_integration_test(NAME [OVS] SOURCES... LIBS... [TIMEOUT s])
# OVS: start a private ovsdb-server + ovs-vswitchd in the sandbox before the binary runs.
function(nswire_integration_test name)
  cmake_parse_arguments(T "OVS" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} nswire_test_support GTest::gtest GTest::gtest_main)
  set(env "NSWIRE_SANDBOX_OVS=0")
  if(T_OVS)
    set(env "NSWIRE_SANDBOX_OVS=1")
  endif()
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -E env ${env} ${NSWIRE_SANDBOX} $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT ${T_TIMEOUT})
endfunction()
