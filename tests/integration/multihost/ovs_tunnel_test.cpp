// Open vSwitch tunnels across simulated hosts (tests/harness/hosts with the ovs underlay: each
// host's underlay NIC eth0 is a port of br-phy (netdev) and the host address sits on br-phy,
// which OVS's userspace tunnelling needs to route and ARP for the outer packets). On each host
// two lab bridges (netdev), one joined to the other host by a `type=geneve` interface, one by
// `type=vxlan` (options remote_ip, key = VNI), each with a node namespace on a veth port, all
// written with nswire's OVSDB client (one transaction per host) and netlink code. The nodes
// ping each other through both tunnels; `ovs-vsctl --format=json` and `ovs-appctl` on the host
// are the oracles for the interfaces and the userspace tunnel ports.
#include <gtest/gtest.h>

#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/offload.h"
#include "nswire/netlink/socket.h"
#include "nswire/netns/namespace.h"
#include "ovsdb/client.h"
#include "ovsdb/vswitch.h"
#include "sim_hosts.h"

using namespace nswire;
using nswire::test::SimHost;
namespace vs = ovsdb::vswitch;

namespace {

const vs::StringMap kOwned = {{"nswire-lab", "mh-tunnels"}};

struct Segment {
  std::string bridge;  // "br-gen"
  std::string type;    // "geneve" | "vxlan"
  int vni;
  std::string subnet;  // "10.1.0."
};
const std::vector<Segment> kSegments = {{"br-gen", "geneve", 5001, "10.1.0."}, {"br-vx", "vxlan", 5002, "10.2.0."}};

std::string host_number(const SimHost& h) { return h.ip.substr(h.ip.rfind('.') + 1); }
std::string node_of(const Segment& s, const SimHost& h) { return s.type.substr(0, 3) + "-" + h.name; }
std::string node_ip(const Segment& s, const SimHost& h) { return s.subnet + host_number(h); }
std::string tunnel_of(const Segment& s, const SimHost& peer) { return s.type.substr(0, 3) + "-to-" + peer.name; }

// A node namespace on host h with eth0 (MTU `mtu`) whose host end `port` is left for OVS.
void add_node(const SimHost& h, const std::string& node, const std::string& port, const std::string& address,
              uint32_t mtu) {
  h.check({"ip", "netns", "add", node});
  auto ns = h.named(node);
  netns::run_in(h.net(), [&] {
    auto s = netlink::Socket::open();
    netlink::Batch b;
    netlink::add_veth(b, {.name = port, .peer_name = "eth0", .peer_netns_fd = ns.fd(), .mtu = mtu, .up = true});
    s.execute(b);
  });
  netns::run_in(ns, [&] {
    auto s = netlink::Socket::open();
    auto eth0 = netlink::find_link(s, "eth0");
    netlink::Batch b;
    netlink::change_link(b, {.index = eth0->index, .up = true});
    netlink::add_address(b, eth0->index, "eth0", netlink::IpPrefix::parse(address + "/24"));
    s.execute(b);
    // The userspace datapath forwards what the node's kernel left to "hardware" unfinished.
    netlink::set_tx_checksum("eth0", false);
  });
}

nlohmann::json vsctl_rows(const SimHost& h, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ovs-vsctl", "--format=json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto j = nlohmann::json::parse(h.check(argv));
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& data : j["data"]) {
    nlohmann::json row;
    for (size_t i = 0; i < j["headings"].size(); ++i) row[j["headings"][i].get<std::string>()] = data[i];
    rows.push_back(row);
  }
  return rows;
}

std::map<std::string, std::string> ovs_map(const nlohmann::json& v) {
  std::map<std::string, std::string> out;
  for (const auto& kv : v[1]) out[kv[0]] = kv[1];
  return out;
}

}  // namespace

TEST(MultihostOvsTunnels, GeneveAndVxlanInterfacesCarryNodesAcrossHostsOnTheNetdevDatapath) {
  auto hosts = test::sim_hosts();
  ASSERT_EQ(hosts.size(), 2u);
  for (size_t i = 0; i < hosts.size(); ++i) {
    const SimHost& h = hosts[i];
    const SimHost& peer = hosts[1 - i];
    vs::Batch batch;
    for (const auto& seg : kSegments) {
      add_node(h, node_of(seg, h), node_of(seg, h), node_ip(seg, h), 1450);
      batch.add_bridge({seg.bridge, "netdev", kOwned});
      batch.add_port({seg.bridge, node_of(seg, h), "", {}, std::nullopt, kOwned, kOwned});
      batch.add_port({seg.bridge, tunnel_of(seg, peer), seg.type,
                      {{"remote_ip", peer.ip}, {"local_ip", h.ip}, {"key", std::to_string(seg.vni)}},
                      std::nullopt, kOwned, kOwned});
    }
    ovsdb::Client client(h.ovsdb);
    auto result = vs::apply(client, batch);  // one transaction; waits for ovs-vswitchd; checks interfaces
    for (const auto& seg : kSegments) {
      const auto* tunnel = result.state.interface(tunnel_of(seg, peer));
      ASSERT_TRUE(tunnel) << tunnel_of(seg, peer);
      EXPECT_EQ(tunnel->type, seg.type);
      EXPECT_FALSE(tunnel->error) << *tunnel->error;
      EXPECT_GT(tunnel->ofport.value_or(-1), 0);
    }
  }

  // The oracle: ovs-vsctl on h1 sees the tunnel interfaces as written, with no error.
  const SimHost& a = hosts[0];
  const SimHost& b = hosts[1];
  for (const auto& seg : kSegments) {
    auto rows = vsctl_rows(a, {"--columns=name,type,options,error,ofport,external_ids", "list", "Interface",
                               tunnel_of(seg, b)});
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["type"], seg.type);
    auto options = ovs_map(rows[0]["options"]);
    EXPECT_EQ(options["remote_ip"], b.ip);
    EXPECT_EQ(options["key"], std::to_string(seg.vni));
    EXPECT_EQ(ovs_map(rows[0]["external_ids"])["nswire-lab"], "mh-tunnels");
    EXPECT_TRUE(rows[0]["error"].is_array() && rows[0]["error"][1].empty()) << rows[0]["error"];
  }
  // The userspace datapath listens for both encapsulations itself (no kernel module).
  auto tnl_ports = a.check({"ovs-appctl", "tnl/ports/show"});
  EXPECT_NE(tnl_ports.find("genev_sys_6081"), std::string::npos) << tnl_ports;
  EXPECT_NE(tnl_ports.find("vxlan_sys_4789"), std::string::npos) << tnl_ports;

  for (const auto& seg : kSegments) {
    EXPECT_TRUE(a.ping(node_of(seg, a), node_ip(seg, b))) << seg.type << " h1 -> h2";
    EXPECT_TRUE(b.ping(node_of(seg, b), node_ip(seg, a))) << seg.type << " h2 -> h1";
  }
  // Segments stay apart: the geneve node cannot reach the vxlan subnet (and nothing routes it).
  EXPECT_FALSE(a.ping(node_of(kSegments[0], a), node_ip(kSegments[1], b), 1));
  // The packets went out encapsulated: the datapath pushed tunnel headers for them.
  auto flows = a.check({"ovs-appctl", "dpctl/dump-flows"});
  EXPECT_NE(flows.find("tnl_push"), std::string::npos) << flows;

  // Removing the lab's bridges on h1 leaves br-phy and nothing of the lab.
  vs::Batch down;
  for (const auto& seg : kSegments) down.del_bridge({seg.bridge});
  ovsdb::Client client(a.ovsdb);
  vs::apply(client, down);
  EXPECT_EQ(a.check({"ovs-vsctl", "list-br"}), "br-phy\n");
  EXPECT_FALSE(a.ping(node_of(kSegments[0], a), node_ip(kSegments[0], b), 1));
}
