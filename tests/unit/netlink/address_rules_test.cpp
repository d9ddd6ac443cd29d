// The kernel-facing value rules of interface addresses and gateways (netlink/rules.h): what no
// interface may carry and no route may go through, in both families, and what stays allowed.
#include <gtest/gtest.h>

#include "nswire/ip.h"
#include "nswire/netlink/rules.h"

using nswire::IpAddress;
using nswire::IpPrefix;
using nswire::netlink::gateway_problem;
using nswire::netlink::interface_address_problem;

TEST(AddressRules, RefusesAddressesNoInterfaceCanHave) {
  struct Case {
    const char* text;
    const char* problem;
  };
  for (auto [text, problem] : {
           Case{"0.0.0.0/0", "unspecified"},
           Case{"0.0.0.0/24", "unspecified"},
           Case{"::/0", "unspecified"},
           Case{"::/64", "unspecified"},
           Case{"224.0.0.1/24", "multicast"},
           Case{"239.255.255.255/8", "multicast"},
           Case{"ff02::1/64", "multicast"},
           Case{"ff00::/8", "multicast"},
           Case{"255.255.255.255/32", "limited broadcast"},
           Case{"10.0.0.1/0", "prefix length 0"},
           Case{"2001:db8::1/0", "prefix length 0"},
       }) {
    auto p = IpPrefix::parse(text);
    ASSERT_TRUE(p) << text;
    EXPECT_NE(interface_address_problem(*p).find(problem), std::string::npos)
        << text << ": " << interface_address_problem(*p);
  }
}

TEST(AddressRules, AllowsOrdinaryAndEdgeUnicastAddresses) {
  for (const char* text : {"10.0.0.1/24", "223.255.255.254/24", "240.0.0.1/4", "10.0.0.255/24", "10.0.0.0/24",
                           "192.168.1.1/32", "fd00::1/64", "2001:db8::1/128", "fe80::1/64", "::1/128",
                           "::ffff:10.0.0.1/96", "feff::1/16"}) {
    auto p = IpPrefix::parse(text);
    ASSERT_TRUE(p) << text;
    EXPECT_EQ(interface_address_problem(*p), "") << text;
  }
}

TEST(AddressRules, GatewaysAreUnicastNeighbours) {
  for (const char* bad : {"0.0.0.0", "::", "224.0.0.2", "ff02::2", "255.255.255.255"}) {
    auto a = IpAddress::parse(bad);
    ASSERT_TRUE(a) << bad;
    EXPECT_NE(gateway_problem(*a), "") << bad;
  }
  for (const char* good : {"10.0.0.1", "fe80::1", "fd00::1", "192.168.0.255"}) {
    auto a = IpAddress::parse(good);
    ASSERT_TRUE(a) << good;
    EXPECT_EQ(gateway_problem(*a), "") << good;
  }
}
