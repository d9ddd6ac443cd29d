// A lab across hosts in the model: `hosts:` and `host:` parsed, objects placed (nodes on their
// host, bridges on the hosts of their nodes and on their home), every rule of validate_hosts.cpp
// once failing (with its file:line:col) and the near miss passing, and flatten giving each host
// its own part: its nodes, its halves of the bridges, their tunnels with a VNI and an MTU, the
// gateway address on the home host only, and the same generated names on every host.
#include <gtest/gtest.h>

#include <algorithm>

#include "nswire/backend/registry.h"
#include "nswire/error.h"
#include "nswire/model/desired.h"
#include "nswire/model/hosts.h"
#include "nswire/model/validate.h"

using namespace nswire::model;
namespace backend = nswire::backend;

namespace {

const std::string kLab = R"(name: mh
hosts:
  h1: { address: 192.168.100.11 }
  h2: { address: 192.168.100.12 }
  h3: { address: 192.168.100.13, mtu: 9000 }
bridges:
  lan: { addresses: [10.0.0.1/24], host: h2 }
  solo: {}
  ovsbr: { backend: ovs, tunnel: geneve, vni: 77 }
nodes:
  a:
    host: h1
    interfaces:
      eth0: { bridge: lan, addresses: [10.0.0.11/24] }
      eth1: { bridge: ovsbr, addresses: [10.1.0.11/24] }
  b:
    host: h3
    interfaces:
      eth0: { bridge: lan, addresses: [10.0.0.13/24], mtu: 1400 }
      eth1: { bridge: ovsbr, addresses: [10.1.0.13/24] }
  c:
    interfaces:
      eth0: { bridge: solo, addresses: [10.2.0.1/24] }
tests:
  - { mesh: [a, b], expect: reachable }
)";

Checked check(const std::string& text, const backend::Catalog& catalog = backend::catalog()) {
  ValidateOptions opts;
  opts.path_exists = [](const std::string&) { return true; };
  return check_string(text, "lab.yaml", catalog, opts);
}

std::vector<std::string> errors(const std::string& text, const backend::Catalog& catalog = backend::catalog()) {
  std::vector<std::string> out;
  for (const auto& d : check(text, catalog).diagnostics) out.push_back(d.to_string());
  return out;
}

::testing::AssertionResult Reports(const std::string& text, const std::string& expected,
                                   const backend::Catalog& catalog = backend::catalog()) {
  auto v = errors(text, catalog);
  if (std::find(v.begin(), v.end(), expected) != v.end()) return ::testing::AssertionSuccess();
  std::string got;
  for (const auto& m : v) got += "\n  " + m;
  return ::testing::AssertionFailure() << "expected: " << expected << "\ngot:" << (got.empty() ? "\n  <none>" : got);
}

Lab lab_of(const std::string& text) {
  auto c = check(text);
  if (!c.ok()) {
    std::string s;
    for (const auto& d : c.diagnostics) s += "\n" + d.to_string();
    throw std::runtime_error("invalid:" + s);
  }
  return c.lab;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("no \"" + from + "\" in the lab");
  return s.replace(at, from.size(), to);
}

const DesiredBridge* bridge(const Desired& d, const std::string& name) {
  for (const auto& b : d.bridges)
    if (b.name == name) return &b;
  return nullptr;
}

const DesiredTunnel* tunnel(const Desired& d, const std::string& bridge) {
  for (const auto& t : d.tunnels)
    if (t.bridge == bridge) return &t;
  return nullptr;
}

}  // namespace

TEST(Hosts, ParsedWithAddressMtuAndPlacements) {
  Lab lab = lab_of(kLab);
  ASSERT_EQ(lab.hosts.size(), 3u);
  EXPECT_EQ(lab.hosts[0].name, "h1");
  EXPECT_EQ(lab.hosts[0].address->to_string(), "192.168.100.11");
  EXPECT_EQ(lab.hosts[0].mtu, 1500);
  EXPECT_EQ(lab.hosts[2].mtu, 9000);
  EXPECT_EQ(lab.nodes[0].host, "h1");
  EXPECT_EQ(lab.nodes[2].host, "");
  EXPECT_EQ(lab.bridges[0].host, "h2");
  EXPECT_EQ(lab.bridges[2].vni, 77);
  EXPECT_EQ(lab.bridges[2].tunnel, "geneve");
}

TEST(Hosts, PlacementFollowsNodesAndTheHomeOfAddresses) {
  Lab lab = lab_of(kLab);
  auto p = place(lab);
  EXPECT_EQ(p.node_host.at("c"), "h1");  // no host: the first
  // lan: its nodes' hosts, and h2 for its address, in `hosts:` order.
  EXPECT_EQ(p.bridge_hosts.at("lan"), (std::vector<std::string>{"h1", "h2", "h3"}));
  EXPECT_EQ(p.bridge_hosts.at("solo"), (std::vector<std::string>{"h1"}));
  EXPECT_EQ(p.bridge_hosts.at("ovsbr"), (std::vector<std::string>{"h1", "h3"}));
  EXPECT_TRUE(p.spans("lan"));
  EXPECT_FALSE(p.spans("solo"));
  EXPECT_EQ(p.vni.at("ovsbr"), 77u);
  // Derived VNIs: in range, above the hand-picked ones, the same every time, distinct.
  EXPECT_GE(p.vni.at("lan"), kFirstDerivedVni);
  EXPECT_LE(p.vni.at("lan"), kMaxVni);
  EXPECT_EQ(place(lab_of(kLab)).vni, p.vni);
  EXPECT_NE(p.vni.at("lan"), p.vni.at("solo"));
  // ... and they depend on the lab: another lab's bridge of the same name is another segment.
  EXPECT_NE(place(lab_of(replace(kLab, "name: mh", "name: mh2"))).vni.at("lan"), p.vni.at("lan"));
}

TEST(Hosts, ADerivedVniSkipsOneTheFileGives) {
  Lab lab = lab_of(kLab);
  uint32_t derived = place(lab).vni.at("lan");
  Lab taken = lab_of(replace(kLab, "vni: 77", "vni: " + std::to_string(derived)));
  auto p = place(taken);
  EXPECT_EQ(p.vni.at("ovsbr"), derived);
  EXPECT_NE(p.vni.at("lan"), derived);
}

TEST(Hosts, WhichHostByAddressOrByName) {
  Lab lab = lab_of(kLab);
  auto local = [](const char* a) { return std::vector<nswire::IpAddress>{*nswire::IpAddress::parse("127.0.0.1"), *nswire::IpAddress::parse(a)}; };
  EXPECT_EQ(which_host(lab, std::nullopt, local("192.168.100.12")), "h2");
  EXPECT_EQ(which_host(lab, std::string("h3"), local("192.168.100.12")), "h3");
  EXPECT_THROW(which_host(lab, std::string("h9"), {}), nswire::Error);
  try {
    which_host(lab, std::nullopt, local("10.9.9.9"));
    ADD_FAILURE() << "no host matched, yet one was chosen";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--host NAME"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("h1 (192.168.100.11)"), std::string::npos) << e.what();
  }
  // A lab without hosts is this machine's; --host makes no sense there.
  Lab one = lab_of("name: one\nbridges: { br0: {} }\n");
  EXPECT_EQ(which_host(one, std::nullopt, {}), "");
  EXPECT_THROW(which_host(one, std::string("h1"), {}), nswire::Error);
  // One host: it, wherever this is.
  Lab single = lab_of("name: s\nhosts: { only: { address: 10.9.9.1 } }\nbridges: { br0: {} }\n");
  EXPECT_EQ(which_host(single, std::nullopt, {}), "only");
}

TEST(Hosts, EachRuleIsRefusedWithItsPlace) {
  EXPECT_TRUE(Reports(replace(kLab, "    host: h1\n", "    host: h9\n"),
                      "lab.yaml:11:3: node \"a\": unknown host \"h9\" (did you mean \"h1\"?)"));
  EXPECT_TRUE(Reports(replace(kLab, "host: h2 }", "host: nowhere }"),
                      "lab.yaml:7:3: bridge \"lan\": unknown host \"nowhere\" (hosts: h1, h2, h3)"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  a: { host: h1 }\n",
                      "lab.yaml:3:3: node \"a\": host \"h1\": the lab has no \"hosts\" section (a lab without one runs on one machine)"));
  EXPECT_TRUE(Reports(replace(kLab, "vni: 77", "vni: 16777216"),
                      "lab.yaml:9:3: bridge \"ovsbr\": vni 16777216 out of range 1..16777215"));
  EXPECT_TRUE(Reports(replace(kLab, "vni: 77", "vni: 0"), "lab.yaml:9:3: bridge \"ovsbr\": vni 0 out of range 1..16777215"));
  EXPECT_TRUE(Reports(replace(kLab, "  solo: {}", "  solo: { vni: 77 }"),
                      "lab.yaml:9:3: bridge \"ovsbr\": vni 77 is already bridge \"solo\"'s"));
  EXPECT_TRUE(Reports(replace(kLab, "  lan: { addresses: [10.0.0.1/24], host: h2 }", "  lan: { addresses: [10.0.0.1/24], host: h2, tunnel: geneve }"),
                      "lab.yaml:7:3: bridge \"lan\": tunnel: the linux backend joins hosts with vxlan, not \"geneve\""));
  EXPECT_TRUE(Reports(replace(kLab, "address: 192.168.100.12 }", "address: 192.168.100.11 }"),
                      "lab.yaml:4:3: host \"h2\": address 192.168.100.11 is already host \"h1\"'s"));
  EXPECT_TRUE(Reports(replace(kLab, "address: 192.168.100.12 }", "address: 224.0.0.1 }"),
                      "lab.yaml:4:3: host \"h2\": address 224.0.0.1 is not a unicast address other hosts can reach"));
  EXPECT_TRUE(Reports(replace(kLab, "address: 192.168.100.12 }", "address: 192.168.100.12/24 }"),
                      "lab.yaml:4:18: host \"h2\": bad address \"192.168.100.12/24\" (expected an IPv4 or IPv6 address, no prefix)"));
  EXPECT_TRUE(Reports(replace(kLab, "  h2: { address: 192.168.100.12 }", "  h2: { mtu: 1500 }"),
                      "lab.yaml:4:3: host \"h2\": missing required key \"address\" (its underlay address)"));
  EXPECT_TRUE(Reports(replace(kLab, "  h1: {", "  \"h 1\": {"),
                      "lab.yaml:3:3: host name \"h 1\" cannot go into ownership marks (1 to 32 of A-Z a-z 0-9 _ . -)"));
  // The MTU the file sets must fit through the tunnel: 1500 - 50 on lan (h1 and h2 have 1500).
  EXPECT_TRUE(Reports(replace(kLab, "mtu: 1400 }", "mtu: 1500 }"),
                      "lab.yaml:19:7: node \"b\": interface \"eth0\": mtu 1500 exceeds 1450, what bridge \"lan\" carries across hosts (vxlan over an underlay MTU of 1500)"));
  EXPECT_TRUE(Reports(replace(kLab, "  h1: { address: 192.168.100.11 }", "  h1: { address: 'fd00::11' }"),
                      "lab.yaml:7:3: bridge \"lan\": its hosts h1, h2, h3 mix IPv4 and IPv6 underlay addresses; a tunnel joins one family"));
  EXPECT_TRUE(Reports(replace(kLab, "192.168.100.11 }", "192.168.100.11, mtu: 500 }"),
                      "lab.yaml:3:3: host \"h1\": mtu 500 out of range 576..65535"));
}

TEST(Hosts, ALinkBetweenHostsAndVlansOnOvnAreRefused) {
  std::string links = kLab + R"(links:
  - endpoints: [a:eth9, b:eth9]
)";
  EXPECT_TRUE(Reports(links, "lab.yaml:27:5: link \"a:eth9 -- b:eth9\": its ends are on different hosts (a:eth9 on h1, b:eth9 on h3); a link is a veth pair on one host: join hosts through a bridge"));
  std::string same = kLab + R"(links:
  - endpoints: [a:eth9, c:eth9]
)";
  EXPECT_TRUE(check(same).ok());  // a and c are both on h1
  EXPECT_TRUE(Reports(R"(name: x
backend: ovn
bridges: { br0: {} }
nodes:
  a: { interfaces: { eth0: { bridge: br0, vlan: 10 } } }
)",
                      "lab.yaml:5:22: node \"a\": interface \"eth0\": vlan: the ovn backend has no access VLANs"));
}

TEST(Hosts, ABackendThatCannotSpanHostsRefusesABridgeOnTwo) {
  // A catalog with a backend whose traits say it lives on one host (no registered one is so).
  backend::Catalog catalog = backend::catalog();
  catalog.push_back({"local", {}});
  std::string lab = replace(kLab, "  solo: {}", "  solo: { backend: local }");
  lab = replace(lab, "      eth1: { bridge: ovsbr, addresses: [10.1.0.13/24] }\n",
                "      eth1: { bridge: ovsbr, addresses: [10.1.0.13/24] }\n      eth2: { bridge: solo }\n");
  EXPECT_TRUE(Reports(lab, "lab.yaml:8:3: bridge \"solo\": it is on hosts h1, h3 (its nodes are), but the local backend cannot span hosts; put its nodes on one host",
                      catalog));
  // On one host it is fine.
  EXPECT_TRUE(check(replace(kLab, "  solo: {}", "  solo: { backend: local }"), catalog).ok());
}

TEST(Hosts, WarningsForWhatDoesNothing) {
  auto warns = [](const std::string& text) {
    std::vector<std::string> out;
    for (const auto& d : check(text).diagnostics)
      if (d.severity == Severity::warning) out.push_back(d.to_string());
    return out;
  };
  EXPECT_EQ(warns(replace(kLab, "  solo: {}", "  solo: { vni: 9 }")),
            std::vector<std::string>{"lab.yaml:8:3: warning: bridge \"solo\": vni: ignored: the bridge is on one host"});
  auto tcp = warns(kLab + "  - { from: a, to: b, proto: tcp, port: 80 }\n");
  ASSERT_EQ(tcp.size(), 1u);
  EXPECT_NE(tcp[0].find("tcp to a node on another host (h3): nswire listens only in nodes of the host the test runs on"),
            std::string::npos) << tcp[0];
}

TEST(Hosts, FlattenGivesEachHostItsPart) {
  Lab lab = lab_of(kLab);
  auto catalog = backend::catalog();
  Desired h1 = flatten(lab, catalog, "h1"), h2 = flatten(lab, catalog, "h2"), h3 = flatten(lab, catalog, "h3");
  EXPECT_EQ(h1.host, "h1");
  EXPECT_TRUE(h1.spans_hosts);
  // Nodes: a and c on h1, none on h2, b on h3.
  EXPECT_EQ(h1.namespaces.size(), 3u);
  EXPECT_EQ(h2.namespaces.size(), 1u);
  ASSERT_EQ(h3.namespaces.size(), 2u);
  EXPECT_EQ(h3.namespaces[1].node, "b");
  // Bridges: every host of lan has it; solo only h1; ovsbr h1 and h3.
  EXPECT_TRUE(bridge(h1, "lan") && bridge(h2, "lan") && bridge(h3, "lan"));
  EXPECT_TRUE(bridge(h1, "solo") && !bridge(h2, "solo") && !bridge(h3, "solo"));
  EXPECT_TRUE(bridge(h1, "ovsbr") && !bridge(h2, "ovsbr") && bridge(h3, "ovsbr"));
  // The gateway address lives on lan's home only.
  EXPECT_FALSE(h1.namespaces[0].addresses.count("lan"));
  ASSERT_TRUE(h2.namespaces[0].addresses.count("lan"));
  EXPECT_EQ(h2.namespaces[0].addresses.at("lan")[0].to_string(), "10.0.0.1/24");
  // Tunnels: one per spanning bridge and host, to every other host of the bridge.
  EXPECT_EQ(h1.tunnels.size(), 2u);  // lan, ovsbr (not solo)
  const auto* t = tunnel(h1, "lan");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->type, "vxlan");
  EXPECT_EQ(t->backend, "linux");
  EXPECT_EQ(t->local, "192.168.100.11");
  ASSERT_EQ(t->peers.size(), 2u);
  EXPECT_EQ(t->peers[0].host, "h2");
  EXPECT_EQ(t->peers[1].address, "192.168.100.13");
  // lan's MTU: the smallest underlay (1500; h3 has 9000) less VXLAN's 50.
  EXPECT_EQ(t->mtu, 1450u);
  EXPECT_EQ(t->underlay_mtu, 1500u);
  EXPECT_EQ(t->overhead, 50u);
  EXPECT_EQ(tunnel(h3, "lan")->vni, t->vni);  // one segment: the same VNI on every host
  const auto* g = tunnel(h3, "ovsbr");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->type, "geneve");
  EXPECT_EQ(g->vni, 77u);
  EXPECT_EQ(g->peers, (std::vector<DesiredPeer>{{"h1", "192.168.100.11"}}));
  // The tunnel's MTU on the lab's interfaces of that bridge (and the bridge), unless the file says.
  EXPECT_EQ(bridge(h1, "lan")->mtu, 1450u);
  EXPECT_FALSE(bridge(h1, "solo")->mtu);
  for (const auto& v : h1.veths) {
    if (v.b.ns == "a") {
      EXPECT_EQ(v.a.mtu, 1450u) << v.b.ifname;
      EXPECT_EQ(v.b.mtu, 1450u) << v.b.ifname;
    }
    if (v.b.ns == "c") {
      EXPECT_FALSE(v.b.mtu);
    }
  }
  for (const auto& v : h3.veths)
    if (v.b.ns == "b" && v.b.ifname == "eth0") {
      EXPECT_EQ(v.b.mtu, 1400u);
    }
}

TEST(Hosts, GeneratedNamesAreTheSameWhicheverHostsPartItIs) {
  Lab lab = lab_of(kLab);
  auto catalog = backend::catalog();
  Desired all = flatten(lab_of(replace(replace(kLab, "    host: h1\n", ""), "    host: h3\n", "")), catalog, "h1");
  Desired h3 = flatten(lab, catalog, "h3");
  for (const auto& v : h3.veths)
    EXPECT_TRUE(std::any_of(all.veths.begin(), all.veths.end(), [&](const auto& w) { return w.a.ifname == v.a.ifname; }))
        << v.a.ifname << " differs from the one-host lab's";
}

TEST(Hosts, ALabWithoutHostsIsAsBefore) {
  const std::string one = R"(name: one
bridges: { br0: { addresses: [10.0.0.1/24] } }
nodes:
  a: { interfaces: { eth0: { bridge: br0, addresses: [10.0.0.2/24] } } }
)";
  Desired d = flatten(lab_of(one), backend::catalog());
  EXPECT_EQ(d.host, "");
  EXPECT_FALSE(d.spans_hosts);
  EXPECT_TRUE(d.tunnels.empty());
  EXPECT_FALSE(d.bridges[0].mtu);
  EXPECT_TRUE(d.bridges[0].hosts.empty());
  EXPECT_EQ(d.namespaces[0].addresses.at("br0")[0].to_string(), "10.0.0.1/24");
  EXPECT_FALSE(d.veths[0].b.mtu);
  EXPECT_FALSE(d.veths[0].b.mac);
}

TEST(Hosts, OvnBridgesGetTheirGatewayAndPortsAMac) {
  const std::string ovn = R"(name: o
backend: ovn
hosts:
  h1: { address: 192.168.100.11 }
  h2: { address: 192.168.100.12 }
bridges:
  ls0: { addresses: [10.0.0.1/24], vni: 500 }
nodes:
  a: { host: h1, interfaces: { eth0: { bridge: ls0, addresses: [10.0.0.11/24] } } }
  b: { host: h2, interfaces: { eth0: { bridge: ls0, addresses: [10.0.0.12/24], mac: '02:AA:00:00:00:01' } } }
)";
  Desired h1 = flatten(lab_of(ovn), backend::catalog(), "h1");
  ASSERT_EQ(h1.bridges.size(), 1u);
  // No tunnel of nswire's (the engine's own), no host address: the bridge carries its gateway.
  EXPECT_TRUE(h1.tunnels.empty());
  EXPECT_FALSE(h1.namespaces[0].addresses.count("ls0"));
  EXPECT_EQ(h1.bridges[0].addresses.at(0).to_string(), "10.0.0.1/24");
  EXPECT_EQ(h1.bridges[0].vni, 500u);
  EXPECT_FALSE(h1.bridges[0].mtu);  // a logical switch has no MTU of its own
  // Geneve as OVN sends it: 1500 - 58.
  EXPECT_EQ(h1.veths.at(0).b.mtu, 1442u);
  // A generated MAC (locally administered, the same every time), or the file's (lower case).
  ASSERT_TRUE(h1.veths[0].b.mac);
  EXPECT_EQ(*h1.veths[0].b.mac, generated_mac("o/a/eth0"));
  EXPECT_EQ(h1.veths[0].b.mac->substr(0, 3), "02:");
  EXPECT_EQ(*flatten(lab_of(ovn), backend::catalog(), "h2").veths.at(0).b.mac, "02:aa:00:00:00:01");
}
