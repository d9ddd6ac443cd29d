// IpPrefix and IpAddress, the one IP value type of every layer: parsing both families, canonical
// text, subnet arithmetic, and the throwing form code and tests use.
#include "nswire/ip.h"

#include <gtest/gtest.h>

#include "nswire/error.h"

using nswire::IpAddress;
using nswire::IpPrefix;

TEST(IpPrefix, ParsesIpv4WithHostBits) {
  auto c = IpPrefix::parse("10.0.2.100/24");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->family, AF_INET);
  EXPECT_EQ(c->length, 24);
  EXPECT_EQ(c->bytes[0], 10);
  EXPECT_EQ(c->bytes[3], 100);
  EXPECT_EQ(c->to_string(), "10.0.2.100/24");
  EXPECT_EQ(c->network().to_string(), "10.0.2.0/24");
  EXPECT_EQ(c->text, "10.0.2.100/24");
}

TEST(IpPrefix, ParsesIpv6AndCanonicalises) {
  auto c = IpPrefix::parse("2001:DB8:0:0::1/64");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->family, AF_INET6);
  EXPECT_EQ(c->to_string(), "2001:db8::1/64");
  EXPECT_EQ(c->network().to_string(), "2001:db8::/64");
  EXPECT_EQ(*c, *IpPrefix::parse("2001:db8::1/64"));  // equal on bytes, not text
}

TEST(IpPrefix, RejectsMalformed) {
  for (const char* bad : {"10.0.2.300/24", "10.0.2.1", "10.0.2.1/33", "10.0.2.1/", "10.0.2.1/-1",
                          "10.0.2.1/2a", "/24", "", "fe80::1/129", "fe80::1", "hello/8",
                          "10.0.2.1/24/1", "10.0.2.1 /24", "010.0.2.1/24", "10.0.2.1/0024"}) {
    EXPECT_FALSE(IpPrefix::parse(bad)) << bad;
  }
}

TEST(IpPrefix, EdgePrefixes) {
  EXPECT_TRUE(IpPrefix::parse("0.0.0.0/0"));
  EXPECT_TRUE(IpPrefix::parse("10.1.1.1/32"));
  EXPECT_TRUE(IpPrefix::parse("::/0"));
  EXPECT_TRUE(IpPrefix::parse("::1/128"));
  EXPECT_EQ(IpPrefix::parse("10.1.2.3/0")->network().to_string(), "0.0.0.0/0");
  EXPECT_EQ(IpPrefix::parse("10.1.2.255/31")->network().to_string(), "10.1.2.254/31");
  EXPECT_EQ(IpPrefix::parse("2001:db8:ffff::1/33")->network().to_string(), "2001:db8:8000::/33");
}

TEST(IpPrefix, ContainsIsPerFamilyAndPrefix) {
  auto net = *IpPrefix::parse("10.0.2.1/24");
  EXPECT_TRUE(net.contains(*IpAddress::parse("10.0.2.254")));
  EXPECT_FALSE(net.contains(*IpAddress::parse("10.0.3.1")));
  EXPECT_FALSE(net.contains(*IpAddress::parse("::ffff:10.0.2.1")));
  auto v6 = *IpPrefix::parse("fd00:1::1/64");
  EXPECT_TRUE(v6.contains(*IpAddress::parse("fd00:1::ffff")));
  EXPECT_FALSE(v6.contains(*IpAddress::parse("fd00:2::1")));
  EXPECT_TRUE(IpPrefix::any(AF_INET6).contains(*IpAddress::parse("2001:db8::1")));
}

TEST(IpPrefix, NetworkAddressDetection) {
  EXPECT_TRUE(IpPrefix::parse("10.0.2.0/24")->is_network_address());
  EXPECT_FALSE(IpPrefix::parse("10.0.2.1/24")->is_network_address());
  EXPECT_FALSE(IpPrefix::parse("10.0.2.0/32")->is_network_address());  // a host route is a host
  EXPECT_TRUE(IpPrefix::parse("fd00::/64")->is_network_address());
}

TEST(IpAddress, ParsesBothFamiliesWithoutPrefix) {
  EXPECT_EQ(IpAddress::parse("10.0.2.1")->family, AF_INET);
  EXPECT_EQ(IpAddress::parse("fe80::1")->family, AF_INET6);
  EXPECT_EQ(IpAddress::parse("FE80:0::1")->to_string(), "fe80::1");
  EXPECT_FALSE(IpAddress::parse("10.0.2.1/24"));
  EXPECT_FALSE(IpAddress::parse("red"));
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_EQ(*IpAddress::parse("fe80::1"), *IpAddress::parse("fe80:0:0::1"));
}

TEST(IpPrefix, AnyIsTheDefaultRoute) {
  auto d4 = IpPrefix::any(AF_INET);
  EXPECT_EQ(d4.to_string(), "0.0.0.0/0");
  EXPECT_EQ(d4.text, "default");
  EXPECT_EQ(IpPrefix::any(AF_INET6).to_string(), "::/0");
  EXPECT_EQ(d4, *IpPrefix::parse("0.0.0.0/0"));
}

TEST(IpPrefix, FromThrowsWithTheTextAndTakesBareAddresses) {
  for (const char* bad : {"10.0.2.300/24", "10.0.2.1/33", "10.0.2.1/", "10.0.2.1/2x", "fd00::/129", "hello/8", "",
                          "/24", "10.0.2.1/-1"}) {
    try {
      IpPrefix::from(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const nswire::Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("\"") + bad + "\""), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(IpPrefix::from("10.0.0.1").length, 32);
  EXPECT_EQ(IpPrefix::from("::1").length, 128);
  EXPECT_EQ(IpPrefix::from("fd00:1::5/64").network().to_string(), "fd00:1::/64");
  EXPECT_TRUE(IpPrefix::from("10.0.2.1/24").contains(IpPrefix::from("10.0.2.200")));
  EXPECT_FALSE(IpPrefix::from("10.0.2.1/24").contains(IpPrefix::from("::1")));
}
