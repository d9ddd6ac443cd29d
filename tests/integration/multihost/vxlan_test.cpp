// VXLAN across three simulated hosts (tests/harness/hosts, kernel underlay): on each host a
// Linux bridge with ONE VXLAN device for the segment (no remote; an all-zeros FDB entry per
// remote host: head-end replication) and a node namespace on it, all made with nswire's netlink
// code in one batch per host. The nodes ping a full mesh across the underlay; `ip -j -d link
// show` and `bridge -j fdb show` are the oracles; nswire's dumps read back what it asked for;
// taking one remote out of a host's flood list cuts exactly that pair.
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
const std::string kDevice = "vx-br0";

std::string node_of(const SimHost& h) { return "n-" + h.name; }
std::string node_ip(const SimHost& h) { return "10.0.0." + h.ip.substr(h.ip.rfind('.') + 1); }

// Bridge br0 + the segment's VXLAN device with every other host as a remote + a node namespace
// with eth0 on br0, on host h.
netlink::VxlanConfig build(const SimHost& h, const std::vector<SimHost>& hosts) {
  h.check({"ip", "netns", "add", node_of(h)});
  auto host = h.net();
  auto node = h.named(node_of(h));
  netlink::VxlanConfig config;
  netns::run_in(host, [&] {
    auto s = netlink::Socket::open();
    netlink::Batch bridge;
    netlink::add_bridge(bridge, {.name = "br0"});
    netlink::change_link(bridge, {.name = "br0", .alias = kAlias});
    s.execute(bridge);
    auto br0 = netlink::find_link(s, "br0");
    auto eth0 = netlink::find_link(s, "eth0");
    uint32_t mtu = netlink::vxlan_mtu(eth0->mtu);
    config = {.vni = kVni, .local = h.ip, .link = eth0->index};
    netlink::Batch b;
    netlink::add_vxlan(b, {.name = kDevice, .config = config, .mtu = mtu, .alias = kAlias, .master = br0->index});
    netlink::add_veth(b, {.name = node_of(h), .peer_name = "eth0", .peer_netns_fd = node.fd(), .mtu = mtu,
                          .master = br0->index, .up = true});
    s.execute(b);
    int vx = netlink::find_link(s, kDevice)->index;
    netlink::Batch flood;
    for (const auto& peer : hosts)
      if (peer.name != h.name) netlink::add_vxlan_remote(flood, vx, kDevice, peer.ip);
    s.execute(flood);
  });
  netns::run_in(node, [&] {
    auto s = netlink::Socket::open();
    auto eth0 = netlink::find_link(s, "eth0");
    netlink::Batch b;
    netlink::change_link(b, {.index = eth0->index, .up = true});
    netlink::add_address(b, eth0->index, "eth0", nswire::IpPrefix::from(node_ip(h) + "/24"));
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

std::vector<std::string> remotes_on(const SimHost& h) {
  std::vector<std::string> out;
  netns::run_in(h.net(), [&] {
    auto s = netlink::Socket::open();
    out = netlink::dump_vxlan_remotes(s, netlink::find_link(s, kDevice)->index);
  });
  return out;
}

}  // namespace

TEST(MultihostVxlan, NodesOnThreeHostsPingAFullMeshThroughOneDevicePerHost) {
  auto hosts = test::sim_hosts();
  ASSERT_EQ(hosts.size(), 3u);
  std::vector<netlink::VxlanConfig> configs;
  for (const auto& h : hosts) configs.push_back(build(h, hosts));
  const SimHost& a = hosts[0];

  // The oracle: iproute2's view of the device and of its flood list on h1.
  auto links = a.ip_json("", {"-d", "link", "show", "dev", kDevice});
  ASSERT_EQ(links.size(), 1u);
  const auto& link = links[0];
  EXPECT_EQ(link["mtu"], 1450);
  EXPECT_EQ(link["ifalias"], kAlias);
  EXPECT_EQ(link["master"], "br0");
  EXPECT_EQ(link["linkinfo"]["info_kind"], "vxlan");
  const auto& data = link["linkinfo"]["info_data"];
  EXPECT_EQ(data["id"], kVni);
  EXPECT_FALSE(data.contains("remote")) << data;
  EXPECT_EQ(data["local"], a.ip);
  EXPECT_EQ(data["port"], 4789);
  EXPECT_EQ(data["learning"], false);
  EXPECT_EQ(data["link"], "eth0");
  auto fdb = nlohmann::json::parse(a.check({"bridge", "-j", "fdb", "show", "dev", kDevice}));
  std::vector<std::string> dsts;
  for (const auto& e : fdb)
    if (e["mac"] == "00:00:00:00:00:00") dsts.push_back(e["dst"]);
  std::sort(dsts.begin(), dsts.end());
  EXPECT_EQ(dsts, (std::vector<std::string>{hosts[1].ip, hosts[2].ip}));

  // nswire reads back exactly what it asked for (what a planner compares with ==).
  for (size_t i = 0; i < hosts.size(); ++i) {
    auto dumped = vxlans_on(hosts[i]);
    ASSERT_EQ(dumped.size(), 1u);
    EXPECT_EQ(dumped[0].name, kDevice);
    EXPECT_EQ(dumped[0].config, configs[i]);
    EXPECT_EQ(dumped[0].mtu, 1450u);
    EXPECT_EQ(dumped[0].alias, kAlias);
    EXPECT_TRUE(dumped[0].up);
  }
  EXPECT_EQ(remotes_on(a), dsts);

  for (const auto& from : hosts) {
    for (const auto& to : hosts) {
      if (from.name == to.name) continue;
      EXPECT_TRUE(from.ping(node_of(from), node_ip(to))) << from.name << " -> " << to.name;
    }
  }
  // The nodes' traffic really went through the tunnel: the device counted it.
  auto stats = a.ip_json("", {"-s", "link", "show", "dev", kDevice});
  EXPECT_GT(stats[0]["stats64"]["tx"]["packets"].get<int>(), 0);
  EXPECT_GT(stats[0]["stats64"]["rx"]["packets"].get<int>(), 0);

  // Out of h1's flood list, h3 is out of h1's reach (learning is off: no way around the list);
  // h2 still is. Neighbour entries are flushed first so that ARP has to go through the list.
  netns::run_in(a.net(), [&] {
    auto s = netlink::Socket::open();
    netlink::Batch del;
    netlink::delete_vxlan_remote(del, netlink::find_link(s, kDevice)->index, kDevice, hosts[2].ip);
    s.execute(del);
  });
  a.check({"ip", "-n", node_of(a), "neigh", "flush", "all"});
  EXPECT_EQ(remotes_on(a), std::vector<std::string>{hosts[1].ip});
  EXPECT_FALSE(a.ping(node_of(a), node_ip(hosts[2]), 1));
  EXPECT_TRUE(a.ping(node_of(a), node_ip(hosts[1])));

  // Without the device on h1, nothing of the segment is left there.
  netns::run_in(a.net(), [&] {
    auto s = netlink::Socket::open();
    netlink::Batch del;
    netlink::delete_link(del, kDevice);
    s.execute(del);
  });
  EXPECT_TRUE(vxlans_on(a).empty());
  EXPECT_TRUE(a.ip_json("", {"link", "show", "type", "vxlan"}).empty());
  EXPECT_FALSE(a.ping(node_of(a), node_ip(hosts[1]), 1));
}

// Why one device per segment and host: a second device on the same VNI and port is refused.
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
