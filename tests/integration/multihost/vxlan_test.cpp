// VXLAN across two simulated hosts (tests/harness/hosts, kernel underlay): on each host a Linux
// bridge, a VXLAN device to the other host enslaved to it and a node namespace on it, all made
// with nswire's netlink code, one batch per host. The nodes ping each other across the
// underlay; `ip -j -d link show` is the oracle for the VXLAN attributes; nswire's dump reads
// back what it asked for; deleting the device cuts the path.
#include <gtest/gtest.h>

#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/socket.h"
#include "nswire/netlink/vxlan.h"
#include "nswire/netns/namespace.h"
#include "sim_hosts.h"

using namespace nswire;
using nswire::test::SimHost;

namespace {

constexpr uint32_t kVni = 4242;
const std::string kAlias = "nswire:mh-vxlan";

std::string node_of(const SimHost& h) { return "n-" + h.name; }
std::string node_ip(const SimHost& h) { return "10.0.0." + h.ip.substr(h.ip.rfind('.') + 1); }

// Bridge br0 + VXLAN to `peer` + a node namespace with eth0 on br0, on host h.
netlink::VxlanConfig build(const SimHost& h, const SimHost& peer) {
  h.check({"ip", "netns", "add", node_of(h)});
  auto host = h.net();
  auto node = h.named(node_of(h));
  netlink::VxlanConfig config;
  netns::run_in(host, [&] {
    auto s = netlink::Socket::open();
    netlink::Batch bridge;
    netlink::add_bridge(bridge, {.name = "br0", .alias = kAlias});
    s.execute(bridge);
    auto br0 = netlink::find_link(s, "br0");
    auto eth0 = netlink::find_link(s, "eth0");
    config = {.vni = kVni, .local = h.ip, .remote = peer.ip, .link = eth0->index};
    netlink::Batch b;
    netlink::add_vxlan(b, {.name = "vx-" + peer.name,
                           .config = config,
                           .mtu = netlink::vxlan_mtu(eth0->mtu),
                           .alias = kAlias,
                           .master = br0->index});
    netlink::add_veth(b, {.name = node_of(h),
                          .peer_name = "eth0",
                          .peer_netns_fd = node.fd(),
                          .mtu = netlink::vxlan_mtu(eth0->mtu),
                          .alias = kAlias,
                          .master = br0->index,
                          .up = true});
    s.execute(b);
  });
  netns::run_in(node, [&] {
    auto s = netlink::Socket::open();
    auto eth0 = netlink::find_link(s, "eth0");
    netlink::Batch b;
    netlink::change_link(b, {.index = eth0->index, .up = true});
    netlink::add_address(b, eth0->index, "eth0", netlink::IpPrefix::parse(node_ip(h) + "/24"));
    s.execute(b);
  });
  return config;
}

std::vector<netlink::VxlanLink> vxlans_on(const SimHost& h) {
  std::vector<netlink::VxlanLink> out;
  netns::run_in(h.net(), [&] {
    auto s = netlink::Socket::open();
    out = netlink::dump_vxlans(s);
  });
  return out;
}

}  // namespace

TEST(MultihostVxlan, NodesOnTwoHostsPingAcrossTheUnderlay) {
  auto hosts = test::sim_hosts();
  ASSERT_EQ(hosts.size(), 2u);
  const SimHost& a = hosts[0];
  const SimHost& b = hosts[1];
  auto config_a = build(a, b);
  auto config_b = build(b, a);

  // The oracle: iproute2's view of the device on h1.
  auto links = a.ip_json("", {"-d", "link", "show", "dev", "vx-" + b.name});
  ASSERT_EQ(links.size(), 1u);
  const auto& link = links[0];
  EXPECT_EQ(link["mtu"], 1450);
  EXPECT_EQ(link["ifalias"], kAlias);
  EXPECT_EQ(link["master"], "br0");
  const auto& data = link["linkinfo"]["info_data"];
  EXPECT_EQ(link["linkinfo"]["info_kind"], "vxlan");
  EXPECT_EQ(data["id"], kVni);
  EXPECT_EQ(data["remote"], b.ip);
  EXPECT_EQ(data["local"], a.ip);
  EXPECT_EQ(data["port"], 4789);
  EXPECT_EQ(data["learning"], false);
  EXPECT_EQ(data["link"], "eth0");

  // nswire reads back exactly what it asked for (what a planner compares with ==).
  auto dumped = vxlans_on(a);
  ASSERT_EQ(dumped.size(), 1u);
  EXPECT_EQ(dumped[0].name, "vx-" + b.name);
  EXPECT_EQ(dumped[0].config, config_a);
  EXPECT_EQ(dumped[0].mtu, 1450u);
  EXPECT_EQ(dumped[0].alias, kAlias);
  EXPECT_TRUE(dumped[0].up);
  ASSERT_EQ(vxlans_on(b).size(), 1u);
  EXPECT_EQ(vxlans_on(b)[0].config, config_b);

  EXPECT_TRUE(a.ping(node_of(a), node_ip(b))) << "h1 -> h2 across VXLAN";
  EXPECT_TRUE(b.ping(node_of(b), node_ip(a))) << "h2 -> h1 across VXLAN";
  // The nodes' traffic really went through the tunnel: the device counted it.
  auto stats = a.ip_json("", {"-s", "link", "show", "dev", "vx-" + b.name});
  EXPECT_GT(stats[0]["stats64"]["tx"]["packets"].get<int>(), 0);
  EXPECT_GT(stats[0]["stats64"]["rx"]["packets"].get<int>(), 0);

  // Without the tunnel on h1, the path is gone.
  netns::run_in(a.net(), [&] {
    auto s = netlink::Socket::open();
    netlink::Batch del;
    netlink::delete_link(del, "vx-" + b.name);
    s.execute(del);
  });
  EXPECT_TRUE(vxlans_on(a).empty());
  EXPECT_FALSE(a.ip_json("", {"link", "show", "type", "vxlan"}).size());
  EXPECT_FALSE(a.ping(node_of(a), node_ip(b), 1));
}

TEST(MultihostVxlan, TheKernelRefusesASecondDeviceOnTheSameVniAndPortWithItsOwnWords) {
  auto hosts = test::sim_hosts();
  netns::run_in(hosts[0].net(), [&] {
    auto s = netlink::Socket::open();
    netlink::Batch b;
    netlink::add_vxlan(b, {.name = "vx-one", .config = {.vni = 77, .local = hosts[0].ip, .remote = "192.168.100.99"}});
    netlink::add_vxlan(b, {.name = "vx-two", .config = {.vni = 77, .local = hosts[0].ip, .remote = "192.168.100.98"}});
    try {
      s.execute(b);
      ADD_FAILURE() << "two VXLAN devices with one VNI on one port were accepted";
    } catch (const netlink::Error& e) {
      EXPECT_EQ(e.index, 1u);
      EXPECT_NE(std::string(e.what()).find("vx-two"), std::string::npos) << e.what();
    }
    netlink::Batch del;
    netlink::delete_link(del, "vx-one");
    s.execute(del);
  });
}
