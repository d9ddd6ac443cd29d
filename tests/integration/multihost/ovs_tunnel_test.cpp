// Open vSwitch tunnels across three simulated hosts (tests/harness/hosts with the ovs underlay:
// each host's underlay NIC eth0 is a port of br-phy (netdev) and the host address sits on
// br-phy, which OVS's userspace tunnelling needs to route and ARP for the outer packets). On
// each host two lab bridges (netdev), one joined to every other host by a `type=geneve`
// interface, one by `type=vxlan` (options remote_ip, local_ip, key = VNI), each with a node
// namespace on a veth port, written with nswire's OVSDB client and netlink code. A full mesh of
// tunnels between learning switches is a loop; the tunnel ports are `protected` (OVS forwards
// nothing from one protected port to another), which is split horizon, so broadcasts reach
// every host once and never come back. The nodes ping a full mesh through both tunnel types;
// `ovs-vsctl --format=json` and `ovs-appctl` on the host are the oracles.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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
    netlink::add_address(b, eth0->index, "eth0", nswire::IpPrefix::from(address + "/24"));
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

TEST(MultihostOvsTunnels, ProtectedGeneveAndVxlanMeshesCarryNodesAcrossThreeHostsOnTheNetdevDatapath) {
  auto hosts = test::sim_hosts();
  ASSERT_EQ(hosts.size(), 3u);
  for (const auto& h : hosts) {
    ovsdb::Client client(h.ovsdb);
    // 1. Bridges and tunnels, nothing that sends yet.
    vs::Batch tunnels;
    std::vector<std::string> tunnel_ports;
    for (const auto& seg : kSegments) {
      tunnels.add_bridge({seg.bridge, "netdev", kOwned});
      for (const auto& peer : hosts) {
        if (peer.name == h.name) continue;
        tunnels.add_port({seg.bridge, tunnel_of(seg, peer), seg.type,
                          {{"remote_ip", peer.ip}, {"local_ip", h.ip}, {"key", std::to_string(seg.vni)}},
                          std::nullopt, kOwned, kOwned});
        tunnel_ports.push_back(tunnel_of(seg, peer));
      }
    }
    auto result = vs::apply(client, tunnels);  // one transaction; waits for ovs-vswitchd; checks interfaces
    for (const auto& name : tunnel_ports) {
      const auto* tunnel = result.state.interface(name);
      ASSERT_TRUE(tunnel) << name;
      EXPECT_FALSE(tunnel->error) << *tunnel->error;
      EXPECT_GT(tunnel->ofport.value_or(-1), 0);
    }
    // 2. Split horizon before any node can send: Port.protected (vswitch::AddPort cannot write it
    //    yet, hence a transaction of its own), then wait for ovs-vswitchd to apply it.
    std::vector<ovsdb::Operation> protect;
    for (const auto& name : tunnel_ports)
      protect.push_back(ovsdb::op::update("Port", {ovsdb::where_eq("name", ovsdb::Datum::string(name))},
                                          {{"protected", ovsdb::Datum::boolean(true)}}));
    protect.push_back(ovsdb::op::mutate("Open_vSwitch", {}, {{"next_cfg", "+=", ovsdb::Datum::integer(1)}}));
    protect.push_back(ovsdb::op::select("Open_vSwitch", {}, {"next_cfg"}));
    auto r = client.transact(vs::kDatabase, protect);
    vs::wait_applied(client, r.back().rows.at(0).at("next_cfg").as_integer(), std::chrono::seconds(10));
    // 3. The nodes.
    vs::Batch nodes;
    for (const auto& seg : kSegments) {
      add_node(h, node_of(seg, h), node_of(seg, h), node_ip(seg, h), 1450);
      nodes.add_port({seg.bridge, node_of(seg, h), "", {}, std::nullopt, kOwned, kOwned});
    }
    vs::apply(client, nodes);
  }

  // The oracle: ovs-vsctl on h1 sees the tunnel interfaces as written, with no error.
  const SimHost& a = hosts[0];
  for (const auto& seg : kSegments) {
    for (size_t i = 1; i < hosts.size(); ++i) {
      const SimHost& b = hosts[i];
      auto rows = vsctl_rows(a, {"--columns=name,type,options,error,ofport,external_ids", "list", "Interface",
                                 tunnel_of(seg, b)});
      ASSERT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0]["type"], seg.type);
      auto options = ovs_map(rows[0]["options"]);
      EXPECT_EQ(options["remote_ip"], b.ip);
      EXPECT_EQ(options["key"], std::to_string(seg.vni));
      EXPECT_EQ(ovs_map(rows[0]["external_ids"])["nswire-lab"], "mh-tunnels");
      EXPECT_TRUE(rows[0]["error"].is_array() && rows[0]["error"][1].empty()) << rows[0]["error"];
      auto port = vsctl_rows(a, {"--columns=protected", "list", "Port", tunnel_of(seg, b)});
      EXPECT_EQ(port[0]["protected"], true);
    }
  }
  // The userspace datapath listens for both encapsulations itself (no kernel module).
  auto tnl_ports = a.check({"ovs-appctl", "tnl/ports/show"});
  EXPECT_NE(tnl_ports.find("genev_sys_6081"), std::string::npos) << tnl_ports;
  EXPECT_NE(tnl_ports.find("vxlan_sys_4789"), std::string::npos) << tnl_ports;

  for (const auto& seg : kSegments) {
    for (const auto& from : hosts) {
      for (const auto& to : hosts) {
        if (from.name == to.name) continue;
        EXPECT_TRUE(from.ping(node_of(seg, from), node_ip(seg, to))) << seg.type << " " << from.name << " -> " << to.name;
      }
    }
  }
  // Segments stay apart: the geneve node cannot reach the vxlan subnet (and nothing routes it).
  EXPECT_FALSE(a.ping(node_of(kSegments[0], a), node_ip(kSegments[1], hosts[1]), 1));
  // The packets went out encapsulated: the datapath pushed tunnel headers for them.
  auto flows = a.check({"ovs-appctl", "dpctl/dump-flows"});
  EXPECT_NE(flows.find("tnl_push"), std::string::npos) << flows;
  // No loop: in a broadcast storm the encapsulated copies would keep leaving through the
  // underlay NIC (the userspace tunnel ports keep no statistics, the NIC's kernel counters do);
  // an idle lab's stay (nearly) still.
  auto underlay_tx = [&] {
    return a.ip_json("", {"-s", "link", "show", "dev", "eth0"})[0]["stats64"]["tx"]["packets"].get<long>();
  };
  long before = underlay_tx();
  EXPECT_GT(before, 0) << "no underlay statistics: the loop check below would prove nothing";
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_LT(underlay_tx() - before, 50) << "the underlay keeps sending: a loop";

  // Removing the lab's bridges on h1 leaves br-phy and nothing of the lab.
  vs::Batch down;
  for (const auto& seg : kSegments) down.del_bridge({seg.bridge});
  ovsdb::Client client(a.ovsdb);
  vs::apply(client, down);
  EXPECT_EQ(a.check({"ovs-vsctl", "list-br"}), "br-phy\n");
  EXPECT_FALSE(a.ping(node_of(kSegments[0], a), node_ip(kSegments[0], hosts[1]), 1));
}
