// IP prefix parsing: what the kernel will be handed must be exactly what the user wrote.
#include <gtest/gtest.h>

#include "nswire/error.h"
#include "nswire/netlink/ip.h"

using nswire::netlink::IpPrefix;

TEST(IpPrefix, ParsesIpv4AndIpv6) {
  auto v4 = IpPrefix::parse("10.1.1.1/24");
  EXPECT_EQ(v4.family, AF_INET);
  EXPECT_EQ(v4.length, 24);
  EXPECT_EQ(v4.to_string(), "10.1.1.1/24");
  EXPECT_EQ(v4.network().to_string(), "10.1.1.0/24");
  auto v6 = IpPrefix::parse("fd00:1::5/64");
  EXPECT_EQ(v6.family, AF_INET6);
  EXPECT_EQ(v6.to_string(), "fd00:1::5/64");
  EXPECT_EQ(v6.network().to_string(), "fd00:1::/64");
}

TEST(IpPrefix, ContainsChecksFamilyAndNetwork) {
  auto net = IpPrefix::parse("10.0.2.1/24");
  EXPECT_TRUE(net.contains(IpPrefix::parse_address("10.0.2.200")));
  EXPECT_FALSE(net.contains(IpPrefix::parse_address("10.0.3.1")));
  EXPECT_FALSE(net.contains(IpPrefix::parse_address("::1")));
}

TEST(IpPrefix, BadCidrsAreRejectedWithTheirText) {
  for (const char* bad : {"10.0.2.300/24", "10.0.2.1/33", "10.0.2.1", "10.0.2.1/", "10.0.2.1/2x", "fd00::/129",
                          "hello/8", "", "/24", "10.0.2.1/-1"}) {
    try {
      IpPrefix::parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const nswire::Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("\"") + bad + "\""), std::string::npos) << e.what();
    }
  }
}

TEST(IpPrefix, BareAddressWhenLengthIsOptional) {
  EXPECT_EQ(IpPrefix::parse("10.0.0.1", false).length, 32);
  EXPECT_EQ(IpPrefix::parse("::1", false).length, 128);
}
