// Interface and namespace name rules: checked before any syscall.
#include <gtest/gtest.h>

#include "nswire/error.h"
#include "nswire/netlink/links.h"
#include "nswire/netns/namespace.h"

using nswire::Error;

TEST(Names, InterfaceNamesFollowTheKernelsRules) {
  EXPECT_NO_THROW(nswire::netlink::validate_ifname("veth0"));
  EXPECT_NO_THROW(nswire::netlink::validate_ifname("a-long-name0123"));  // 15 bytes
  for (const char* bad : {"", "a-very-long-name0", "a/b", "a b", "..", "a..b", "eth0:1", "tab\t"})
    EXPECT_THROW(nswire::netlink::validate_ifname(bad), Error) << bad;
}

TEST(Names, NamespaceNamesFollowIproute2) {
  EXPECT_NO_THROW(nswire::netns::validate_name("netns1"));
  for (const char* bad : {"", "a/b", "a b", ".", "..", "x..y"})
    EXPECT_THROW(nswire::netns::validate_name(bad), Error) << bad;
  try {
    nswire::netlink::validate_ifname("a-very-long-name0");
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "interface name \"a-very-long-name0\": exceeds 15 bytes");
  }
}

TEST(Mac, ParsesAndFormats) {
  auto mac = nswire::netlink::parse_mac("02:00:0a:0B:ff:01");
  EXPECT_EQ(nswire::netlink::format_mac(mac), "02:00:0a:0b:ff:01");
  EXPECT_THROW(nswire::netlink::parse_mac("02:00:0a:0b:ff"), Error);
  EXPECT_THROW(nswire::netlink::parse_mac("02:00:0a:0b:ff:01:03"), Error);
}
