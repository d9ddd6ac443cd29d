# The Debian package (CPack's DEB generator): `cpack --config build/CPackConfig.cmake` makes
# nswire_VERSION_ARCH.deb with what a user of the command needs, the `runtime` install component:
# /usr/bin/nswire, the JSON Schema, the shell completions, the man page and the example labs
# (the static libraries and headers, component `dev`, stay out). Its Depends come from
# dpkg-shlibdeps over the binary; Open vSwitch is a Recommends (the Linux backend needs none).
# tests/integration/install/deb_test.sh builds, installs (into a throwaway dpkg root) and uses it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nswire)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "declarative Linux network labs: namespaces, veth, Linux bridge or Open vSwitch")
set(CPACK_PACKAGE_DESCRIPTION
    "nswire builds network labs from one YAML file: network namespaces, veth pairs, Linux or Open vSwitch bridges, addresses, routes, DNS, and the connectivity tests that prove the lab works. It speaks rtnetlink and OVSDB itself.")
set(CPACK_PACKAGE_CONTACT "nswire maintainers <nswire@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};nswire;runtime;/")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "openvswitch-switch, iproute2")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "ovn-central, ovn-host")
set(CPACK_STRIP_FILES ON)
include(CPack)
