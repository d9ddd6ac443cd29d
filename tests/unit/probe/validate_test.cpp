// Probe validation and address parsing: bad input is rejected with the probe named, before any
// socket or namespace is touched (so these run without privileges).
#include <gtest/gtest.h>

#include "address.h"
#include "nswire/error.h"
#include "nswire/probe/probe.h"

namespace nswire::probe {
namespace {

Probe icmp_probe(std::string address) {
  Probe p;
  p.from_label = "blue";
  p.to_label = "red";
  p.address = std::move(address);
  return p;
}

std::string error_of(const std::vector<Probe>& probes) {
  try {
    run(probes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ProbeAddress, ParsesAndCanonicalisesBothFamilies) {
  auto v4 = parse_address("10.0.0.1", 80);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->host_port(), "10.0.0.1:80");
  auto v6 = parse_address("2001:DB8:0:0::0001", 53);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family(), AF_INET6);
  EXPECT_EQ(v6->host(), "2001:db8::1");
  EXPECT_EQ(v6->host_port(), "[2001:db8::1]:53");
}

TEST(ProbeAddress, RejectsPrefixesScopesAndNames) {
  EXPECT_FALSE(parse_address("10.0.0.1/24"));
  EXPECT_FALSE(parse_address("fe80::1%eth0"));
  EXPECT_FALSE(parse_address("red"));
  EXPECT_FALSE(parse_address(""));
}

TEST(ProbeValidate, BadAddressNamesTheProbe) {
  EXPECT_EQ(error_of({icmp_probe("10.0.0.1"), icmp_probe("10.0.0.300")}),
            "probe 1 (blue -> red): address \"10.0.0.300\" is not an IPv4 or IPv6 literal");
}

TEST(ProbeValidate, CountTimeoutAndPortRules) {
  auto p = icmp_probe("10.0.0.1");
  p.count = 0;
  EXPECT_EQ(error_of({p}), "probe 0 (blue -> red): count must be at least 1, not 0");
  p = icmp_probe("10.0.0.1");
  p.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(error_of({p}), "probe 0 (blue -> red): timeout must be positive");
  p = icmp_probe("10.0.0.1");
  p.port = 7;
  EXPECT_EQ(error_of({p}), "probe 0 (blue -> red): icmp probes take no port");
  p = icmp_probe("10.0.0.1");
  p.listen = true;
  EXPECT_EQ(error_of({p}), "probe 0 (blue -> red): icmp probes take no listener");
  p = icmp_probe("10.0.0.1");
  p.protocol = Protocol::tcp;
  EXPECT_EQ(error_of({p}), "probe 0 (blue -> red): tcp probes need a port");
  p.protocol = Protocol::udp;
  EXPECT_EQ(error_of({p}), "probe 0 (blue -> red): udp probes need a port");
}

TEST(ProbeValidate, NothingToProbeIsNoResults) { EXPECT_TRUE(run({}).empty()); }

TEST(ProbeProtocol, Names) {
  EXPECT_STREQ(to_string(Protocol::icmp), "icmp");
  EXPECT_STREQ(to_string(Protocol::tcp), "tcp");
  EXPECT_STREQ(to_string(Protocol::udp), "udp");
}

}  // namespace
}  // namespace nswire::probe
