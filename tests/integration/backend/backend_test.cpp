// The same scenarios on both BridgeBackends (real kernel, real ovsdb-server + ovs-vswitchd in
// the sandbox), checked with ping, `ip -j`, `bridge -j` and `ovs-vsctl --format=json`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include <unistd.h>

#include "nswire/backend/registry.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netns/namespace.h"
#include "nswire/netns/sysctl.h"
#include "oracle.h"

namespace netns = nswire::netns;
namespace nl = nswire::netlink;
using namespace nswire::backend;
using nswire::test::ip_link;
using nswire::test::ovs_rows;
using nswire::test::ping;
using nswire::test::run;

namespace {

constexpr const char* kLab = "labtest";

// A node: a namespace with eth0 (ADDR) whose host end HOST_END is marked as the lab's.
void make_node(const std::string& name, const std::string& host_end, const std::string& cidr) {
  auto ns = netns::Namespace::create(name);
  auto host = nl::Socket::open();
  nl::Batch b;
  nl::add_veth(b, {.name = host_end, .peer_name = "eth0", .peer_netns_fd = ns.fd(), .up = true});
  nl::change_link(b, {.name = host_end, .alias = link_mark(kLab)});
  host.execute(b);
  auto inside = netns::open_netlink(ns);
  int eth0 = nl::find_link(inside, "eth0")->index;
  nl::Batch in;
  nl::change_link(in, {.name = "lo", .up = true});
  nl::change_link(in, {.index = eth0, .up = true});
  nl::add_address(in, eth0, "eth0", nswire::IpPrefix::from(cidr));
  inside.execute(in);
}

// A veth pair between two bridges, both ends marked.
void make_patch_veth(const std::string& a, const std::string& b) {
  auto host = nl::Socket::open();
  nl::Batch batch;
  nl::add_veth(batch, {.name = a, .peer_name = b, .up = true});
  nl::change_link(batch, {.name = a, .alias = link_mark(kLab)});
  nl::change_link(batch, {.name = b, .up = true, .alias = link_mark(kLab)});
  host.execute(batch);
}

void remove_all_namespaces() {
  for (const auto& n : netns::list()) netns::remove(n);
}

const ObservedBridge* find(const std::vector<ObservedBridge>& bs, const std::string& name) {
  auto it = std::find_if(bs.begin(), bs.end(), [&](const auto& b) { return b.name == name; });
  return it == bs.end() ? nullptr : &*it;
}

// The datapath OVS bridges must end up on: NSWIRE_TEST_DATAPATH when the caller knows (the VM tier
// sets system), else what the kernel offers (the openvswitch module loaded: system, else netdev).
std::string expected_datapath() {
  if (const char* d = std::getenv("NSWIRE_TEST_DATAPATH"); d && *d) return d;
  return access("/sys/module/openvswitch", F_OK) == 0 ? "system" : "netdev";
}

bool linux_vlans_supported() {
  run({"ip", "link", "add", "nsw-vlanprobe", "type", "bridge"});
  bool ok = run({"ip", "link", "set", "nsw-vlanprobe", "type", "bridge", "vlan_filtering", "1"}).exit_code == 0;
  run({"ip", "link", "del", "nsw-vlanprobe"});
  return ok;
}

class BothBackends : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { backend_ = make_backend(GetParam(), {.lab = kLab}); }
  void TearDown() override {
    Changes down;
    for (const auto& b : backend_->observe())
      if (b.owner == kLab) down.remove_bridges.push_back(b.name);
    backend_->apply(down);
    remove_all_namespaces();
    auto host = nl::Socket::open();
    nl::Batch del;
    for (const auto& l : nl::dump_links(host))
      if (l.alias == link_mark(kLab) && l.kind == "veth") nl::delete_link(del, l.name);
    host.send(del);  // a veth's peer may already be gone with it
  }
  std::unique_ptr<BridgeBackend> backend_;
};

}  // namespace

// Seed 001: three namespaces on br0 ping each other.
TEST_P(BothBackends, Seed001ThreeNamespacesOnOneBridge) {
  backend_->apply({.ensure_bridges = {{.name = "br0"}}});
  for (int i = 1; i <= 3; ++i) make_node("ns" + std::to_string(i), "veth-ns" + std::to_string(i), "10.0.1." + std::to_string(i) + "/24");
  backend_->apply({.attach_ports = {{"br0", "veth-ns1"}, {"br0", "veth-ns2"}, {"br0", "veth-ns3"}}});
  for (int i = 1; i <= 3; ++i)
    for (int j = 1; j <= 3; ++j)
      if (i != j) {
        EXPECT_TRUE(ping("ns" + std::to_string(i), "10.0.1." + std::to_string(j))) << i << "->" << j;
      }

  auto observed = backend_->observe();
  const auto* br0 = find(observed, "br0");
  ASSERT_TRUE(br0);
  EXPECT_EQ(br0->owner, kLab);
  EXPECT_EQ(br0->ports.size(), 3u);
  // Independent view of the same state.
  if (GetParam() == "linux") {
    int enslaved = 0;
    for (const auto& l : nswire::test::bridge_links())
      if (l.value("master", "") == "br0") ++enslaved;
    EXPECT_EQ(enslaved, 3);
    EXPECT_EQ((*ip_link("", "br0"))["ifalias"], link_mark(kLab));
  } else {
    auto bridges = ovs_rows({"--columns=name,external_ids,datapath_type", "list", "Bridge"});
    ASSERT_EQ(bridges.size(), 1u);
    EXPECT_EQ(bridges[0]["name"], "br0");
    EXPECT_EQ(bridges[0]["datapath_type"], expected_datapath());
    EXPECT_EQ(bridges[0]["external_ids"], nlohmann::json::parse(R"(["map",[["nswire-lab","labtest"]]])"));
    EXPECT_EQ(nswire::test::ovs_vsctl({"list-ports", "br0"}), "veth-ns1\nveth-ns2\nveth-ns3");
    if (expected_datapath() == "system") {
      // The kernel's own view: the ports are in the kernel datapath of this network namespace.
      auto dp = run({"ovs-dpctl", "show"});
      ASSERT_EQ(dp.exit_code, 0) << dp.err;
      EXPECT_NE(dp.out.find("system@ovs-system:"), std::string::npos) << dp.out;
      for (const char* port : {"veth-ns1", "veth-ns2", "veth-ns3"})
        EXPECT_NE(dp.out.find(std::string(": ") + port + "\n"), std::string::npos) << port << " not in\n" << dp.out;
    }
  }
  EXPECT_EQ((*ip_link("", "br0"))["operstate"] == "DOWN", false);
}

// Seed 000: blue and red on br0; red moved to br1 -> unreachable; br0-br1 patch -> reachable.
TEST_P(BothBackends, Seed000MoveToSecondBridgeThenPatch) {
  backend_->apply({.ensure_bridges = {{.name = "br0"}, {.name = "br1"}}});
  make_node("blue", "veth-blue", "10.0.2.100/24");
  make_node("red", "veth-red", "10.0.2.101/24");
  backend_->apply({.attach_ports = {{"br0", "veth-blue"}, {"br0", "veth-red"}}});
  EXPECT_TRUE(ping("blue", "10.0.2.101"));

  backend_->apply({.attach_ports = {{"br1", "veth-red"}}});
  EXPECT_FALSE(ping("blue", "10.0.2.101", 1));

  make_patch_veth("veth7", "veth8");
  backend_->apply({.attach_ports = {{"br0", "veth7"}, {"br1", "veth8"}}});
  EXPECT_TRUE(ping("blue", "10.0.2.101"));
  EXPECT_TRUE(ping("red", "10.0.2.100"));
}

TEST_P(BothBackends, AccessVlansIsolateAndJoin) {
  backend_->apply({.ensure_bridges = {{.name = "brv"}}});
  make_node("v1", "veth-v1", "10.0.5.1/24");
  make_node("v2", "veth-v2", "10.0.5.2/24");
  make_node("v3", "veth-v3", "10.0.5.3/24");
  Changes vlans{.attach_ports = {{"brv", "veth-v1", 10}, {"brv", "veth-v2", 10}, {"brv", "veth-v3", 20}}};
  if (GetParam() == "linux" && !linux_vlans_supported()) {
    // This kernel has no bridge VLAN filtering: the backend must say so and change nothing.
    try {
      backend_->apply(vlans);
      ADD_FAILURE() << "VLANs accepted without kernel support";
    } catch (const nswire::Error& e) {
      EXPECT_NE(std::string(e.what()).find("CONFIG_BRIDGE_VLAN_FILTERING"), std::string::npos) << e.what();
    }
    for (const auto& l : nswire::test::bridge_links()) EXPECT_NE(l.value("master", ""), "brv");
    GTEST_SKIP() << "kernel without CONFIG_BRIDGE_VLAN_FILTERING: error path checked, isolation not testable";
  }
  backend_->apply(vlans);
  EXPECT_TRUE(ping("v1", "10.0.5.2"));
  EXPECT_FALSE(ping("v1", "10.0.5.3", 1));
  auto observed = backend_->observe();
  const auto* brv = find(observed, "brv");
  ASSERT_TRUE(brv);
  for (const auto& p : brv->ports) EXPECT_EQ(p.vlan, p.name == "veth-v3" ? 20 : 10) << p.name;
  // Moving v3 into VLAN 10 joins it.
  backend_->apply({.attach_ports = {{"brv", "veth-v3", 10}}});
  EXPECT_TRUE(ping("v1", "10.0.5.3"));
  if (GetParam() == "ovs") {
    auto ports = ovs_rows({"--columns=name,tag", "list", "Port", "veth-v3"});
    EXPECT_EQ(ports[0]["tag"], 10);
  } else {
    auto vlans = nswire::test::run_json({"bridge", "-j", "vlan", "show", "dev", "veth-v3"});
    ASSERT_FALSE(vlans.empty());
    auto entries = vlans[0]["vlans"];
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0]["vlan"], 10);
  }
}

TEST_P(BothBackends, ForeignBridgeWithClashingNameIsLeftUntouched) {
  if (GetParam() == "linux") {
    ASSERT_EQ(run({"ip", "link", "add", "brf", "type", "bridge"}).exit_code, 0);
  } else {
    ASSERT_EQ(run({"ovs-vsctl", "add-br", "brf", "--", "set", "bridge", "brf", "datapath_type=netdev"}).exit_code, 0);
  }
  try {
    backend_->apply({.ensure_bridges = {{.name = "brf"}}});
    ADD_FAILURE() << "adopted a foreign bridge";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not owned by lab \"labtest\""), std::string::npos) << e.what();
  }
  try {
    backend_->apply({.remove_bridges = {"brf"}});
    ADD_FAILURE() << "removed a foreign bridge";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("nswire leaves it untouched"), std::string::npos) << e.what();
  }
  if (GetParam() == "linux") {
    auto l = ip_link("", "brf");
    ASSERT_TRUE(l);
    EXPECT_FALSE(l->contains("ifalias"));
    run({"ip", "link", "del", "brf"});
  } else {
    auto rows = ovs_rows({"--columns=external_ids", "list", "Bridge", "brf"});
    EXPECT_EQ(rows[0]["external_ids"], nlohmann::json::parse(R"(["map",[]])"));
    run({"ovs-vsctl", "del-br", "brf"});
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BothBackends, ::testing::Values("linux", "ovs"),
                         [](const auto& info) { return info.param; });

// Linux and OVS bridges mixed in a chain of four, joined by veth patches: everyone reaches everyone.
TEST(MixedBackends, ChainOfFourBridges) {
  auto linux_bridges = make_backend("linux", {.lab = kLab});
  auto ovs_bridges = make_backend("ovs", {.lab = kLab});
  const std::vector<std::pair<std::string, BridgeBackend*>> chain = {
      {"mx0", linux_bridges.get()}, {"mx1", ovs_bridges.get()}, {"mx2", linux_bridges.get()}, {"mx3", ovs_bridges.get()}};
  for (const auto& [name, backend] : chain) backend->apply({.ensure_bridges = {{.name = name}}});
  for (size_t i = 0; i < chain.size(); ++i) {
    make_node("h" + std::to_string(i), "veth-h" + std::to_string(i), "10.0.9." + std::to_string(i + 1) + "/24");
    chain[i].second->apply({.attach_ports = {{chain[i].first, "veth-h" + std::to_string(i)}}});
  }
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    std::string a = "px" + std::to_string(i) + "a", b = "px" + std::to_string(i) + "b";
    make_patch_veth(a, b);
    chain[i].second->apply({.attach_ports = {{chain[i].first, a}}});
    chain[i + 1].second->apply({.attach_ports = {{chain[i + 1].first, b}}});
  }
  for (size_t i = 0; i < chain.size(); ++i)
    for (size_t j = 0; j < chain.size(); ++j)
      if (i != j) {
        EXPECT_TRUE(ping("h" + std::to_string(i), "10.0.9." + std::to_string(j + 1))) << i << "->" << j;
      }

  linux_bridges->apply({.remove_bridges = {"mx0", "mx2"}});
  ovs_bridges->apply({.remove_bridges = {"mx1", "mx3"}});
  EXPECT_FALSE(ip_link("", "mx0"));
  EXPECT_TRUE(ovs_rows({"list", "Bridge"}).empty());
  remove_all_namespaces();
}

// Two OVS bridges joined by native patch ports.
TEST(OvsPatch, NativePatchPortsJoinBridges) {
  auto ovs = make_backend("ovs", {.lab = kLab});
  ovs->apply({.ensure_bridges = {{.name = "pa"}, {.name = "pb"}}});
  make_node("pa1", "veth-pa1", "10.0.7.1/24");
  make_node("pb1", "veth-pb1", "10.0.7.2/24");
  ovs->apply({.attach_ports = {{"pa", "veth-pa1"}, {"pb", "veth-pb1"}}});
  EXPECT_FALSE(ping("pa1", "10.0.7.2", 1));
  ovs->apply({.add_patches = {{"pa", "pa-to-pb", "pb", "pb-to-pa"}}});
  EXPECT_TRUE(ping("pa1", "10.0.7.2"));
  auto ifaces = ovs_rows({"--columns=name,type,options", "list", "Interface", "pa-to-pb"});
  EXPECT_EQ(ifaces[0]["type"], "patch");
  EXPECT_EQ(ifaces[0]["options"], nlohmann::json::parse(R"(["map",[["peer","pb-to-pa"]]])"));
  auto observed = ovs->observe();
  const auto* pa = find(observed, "pa");
  ASSERT_TRUE(pa);
  bool seen = false;
  for (const auto& p : pa->ports) seen |= p.patch_peer == "pb-to-pa";
  EXPECT_TRUE(seen);
  ovs->apply({.remove_patches = {{"pa", "pa-to-pb"}, {"pb", "pb-to-pa"}}});
  EXPECT_FALSE(ping("pa1", "10.0.7.2", 1));
  ovs->apply({.remove_bridges = {"pa", "pb"}});
  remove_all_namespaces();
}
