// The hints of failed probes as pure functions of the figures: the neighbour-table estimate of a
// lab's segments, the hints past 90% of gc_thresh3 or past what a lab needs, and the backends'
// bridged-traffic warnings (br_netfilter) only when a failing path crosses one of their bridges.
#include "nswire/reconcile/hints.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "../model/fixture.h"

using namespace nswire::reconcile;
using nswire::netlink::NeighbourTable;
namespace fixture = nswire::model::fixture;

namespace {

// A mesh of n nodes on one bridge (IPv4, and IPv6 for the first `v6` of them), the bridge with
// an address of each family.
std::string mesh(int n, int v6, const std::string& backend = "linux") {
  std::string s = "name: m\nbackend: " + backend + "\nbridges:\n  br0: { addresses: [10.0.0.1/16, 'fd00::1/64'] }\nnodes:\n";
  for (int i = 0; i < n; ++i) {
    s += "  n" + std::to_string(i) + ":\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0." + std::to_string(i / 200) +
         "." + std::to_string(i % 200 + 2) + "/16";
    if (i < v6) s += ", 'fd00::" + std::to_string(i + 2) + "/64'";
    s += "] }\n";
  }
  return s;
}

const char* kMixed = R"(name: mix
bridges:
  lan: { backend: linux }
  sw0: { backend: ovs, addresses: [10.2.0.1/24] }
  sw1: { backend: ovs }
nodes:
  a: { interfaces: { eth0: { bridge: lan, addresses: [10.1.0.2/24] } } }
  b: { interfaces: { eth0: { bridge: lan, addresses: [10.1.0.3/24] } } }
  c: { interfaces: { eth0: { bridge: sw0, addresses: [10.2.0.2/24] } } }
  d: { interfaces: { eth0: { bridge: sw1, addresses: [10.2.0.3/24] } } }
  r1: {}
  r2: {}
links:
  - endpoints: [sw0, sw1]
  - endpoints: [r1:eth1, r2:eth1]
    addresses: [[10.9.0.1/30], [10.9.0.2/30]]
)";

nswire::backend::Warning netfilter() {
  return {.message = "br_netfilter is loaded", .bridged_traffic_only = true, .backend = "linux"};
}

}  // namespace

TEST(NeighbourNeed, IsNTimesNMinusOnePerSegmentAndTwoPerNodeLink) {
  // 30 nodes and the bridge: 31 IPv4 interfaces; 10 nodes and the bridge with IPv6.
  auto need = neighbour_need(fixture::desired(mesh(30, 10)));
  EXPECT_EQ(need.ipv4, 31u * 30u);
  EXPECT_EQ(need.ipv6, 11u * 10u);
  EXPECT_EQ(need.largest_segment, 31u);
  // sw0 and sw1 are one segment (a link joins them): sw0 itself, c, d -> 3*2; lan: a, b -> 2*1;
  // the r1 -- r2 link: 2.
  auto mixed = neighbour_need(fixture::desired(kMixed));
  EXPECT_EQ(mixed, (NeighbourNeed{.ipv4 = 6 + 2 + 2, .ipv6 = 0, .largest_segment = 3}));
}

TEST(NeighbourHints, NearlyFullTableIsNamedWithTheSysctlToRaise) {
  NeighbourNeed small{.ipv4 = 10, .ipv6 = 0, .largest_segment = 4};
  EXPECT_TRUE(neighbour_hints({{AF_INET, 900, 1024}, {AF_INET6, 3, 1024}}, small).empty());  // 87%: fine
  auto h = neighbour_hints({{AF_INET, 922, 1024}, {AF_INET6, 3, 1024}}, small);               // 90%
  ASSERT_EQ(h.size(), 1u);
  EXPECT_NE(h[0].find("IPv4 neighbour table is nearly full: 922 entries of the 1024"), std::string::npos) << h[0];
  EXPECT_NE(h[0].find("sysctl -w net.ipv4.neigh.default.gc_thresh3=2048"), std::string::npos) << h[0];
  auto h6 = neighbour_hints({{AF_INET, 1, 1024}, {AF_INET6, 1024, 1024}}, small);
  ASSERT_EQ(h6.size(), 1u);
  EXPECT_NE(h6[0].find("net.ipv6.neigh.default.gc_thresh3"), std::string::npos) << h6[0];
}

TEST(NeighbourHints, ALabThatNeedsMoreThanTheLimitIsToldSo) {
  auto need = neighbour_need(fixture::desired(mesh(40, 0)));  // 41*40 = 1640 IPv4 entries
  auto h = neighbour_hints({{AF_INET, 5, 1024}, {AF_INET6, 5, 1024}}, need);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_NE(h[0].find("this lab may need about 1640 IPv4 neighbour entries"), std::string::npos) << h[0];
  EXPECT_NE(h[0].find("the largest having 41"), std::string::npos) << h[0];
  EXPECT_NE(h[0].find("gc_thresh3=4096"), std::string::npos) << h[0];
  EXPECT_TRUE(neighbour_hints({{AF_INET, 5, 2048}}, need).empty());
  EXPECT_TRUE(neighbour_hints({}, need).empty()) << "no figures, no hint";
}

TEST(FailureWarnings, NetfilterOnlyWhenAFailingPathCrossesALinuxBridge) {
  auto d = fixture::desired(kMixed);
  EXPECT_EQ(bridges_crossed(d, {"a", "b", "10.1.0.3"}), (std::set<std::string>{"lan"}));
  EXPECT_EQ(bridges_crossed(d, {"c", "d", "10.2.0.3"}), (std::set<std::string>{"sw0", "sw1"}));
  EXPECT_EQ(bridges_crossed(d, {"c", "", "10.2.0.1"}), (std::set<std::string>{"sw0", "sw1"}));  // the bridge's own address
  EXPECT_TRUE(bridges_crossed(d, {"r1", "r2", "10.9.0.2"}).empty());
  nswire::backend::Warning host_wide{.message = "something host-wide"};
  std::vector<nswire::backend::Warning> all = {netfilter(), host_wide};
  // A failure across the Linux bridge: both; across OVS or a node-to-node link: not br_netfilter.
  EXPECT_EQ(warnings_for(all, d, {{"a", "b", "10.1.0.3"}}).size(), 2u);
  auto ovs_only = warnings_for(all, d, {{"c", "d", "10.2.0.3"}, {"r1", "r2", "10.9.0.2"}});
  ASSERT_EQ(ovs_only.size(), 1u);
  EXPECT_EQ(ovs_only[0].message, "something host-wide");
  EXPECT_EQ(warnings_for(all, d, {{"c", "d", "10.2.0.3"}, {"b", "a", "10.1.0.2"}}).size(), 2u);
  EXPECT_TRUE(warnings_for(all, d, {}).empty()) << "nothing failed, nothing to explain";
  // The same lab with --backend-free OVS everywhere: the Linux warning never applies.
  auto ovs = fixture::desired(mesh(3, 0, "ovs"));
  EXPECT_EQ(warnings_for({netfilter()}, ovs, {{"n0", "n1", "10.0.0.3"}}).size(), 0u);
  EXPECT_EQ(warnings_for({netfilter()}, fixture::desired(mesh(3, 0)), {{"n0", "n1", "10.0.0.3"}}).size(), 1u);
}
