// flatten(): a validated lab -> the objects it wants. Host-side names (length, determinism,
// uniqueness, traceability), how bridge-to-bridge links are made, where addresses and routes
// land, and attached namespaces.
#include "nswire/model/desired.h"

#include <gtest/gtest.h>

#include <set>

#include "fixture.h"
#include "nswire/backend/bridge_backend.h"

using namespace nswire::model;
namespace fake = nswire::model::fixture;

namespace {

using nswire::IpPrefix;

// Every name nswire generates or uses in the host namespace.
std::vector<std::string> host_names(const Desired& d) {
  std::vector<std::string> out;
  for (const auto& v : d.veths)
    for (const auto* e : {&v.a, &v.b})
      if (e->ns == kHost) out.push_back(e->ifname);
  for (const auto& p : d.patches) out.insert(out.end(), {p.port_a, p.port_b});
  return out;
}

const DesiredVeth& veth_of(const Desired& d, const std::string& origin) {
  for (const auto& v : d.veths)
    if (v.origin == origin) return v;
  throw std::runtime_error("no veth from " + origin);
}

std::string bridges_lab(const std::string& b0, const std::string& b1, const std::string& patch = "") {
  return "name: lab1\nbridges:\n  b0: { backend: " + b0 + " }\n  b1: { backend: " + b1 +
         " }\nlinks:\n  - endpoints: [b0, b1]\n" + (patch.empty() ? "" : "    patch: " + patch + "\n");
}

}  // namespace

TEST(Flatten, HostNamesFitInFifteenBytesForLongNodeAndInterfaceNames) {
  auto d = fake::desired(R"(name: a-rather-long-lab-name-0123456
bridges:
  bridge-number-1: { backend: linux }
  bridge-number-2: { backend: linux }
nodes:
  averyveryverylongnodename:
    interfaces:
      interface-00001: { bridge: bridge-number-1 }
      interface-00002: { bridge: bridge-number-2 }
links:
  - endpoints: [bridge-number-1, bridge-number-2]
  - endpoints: [bridge-number-1, averyveryverylongnodename:x123456789abcde]
)");
  auto names = host_names(d);
  ASSERT_EQ(names.size(), 5u);  // 2 node interfaces, a bridge-to-bridge pair, a bridge end
  for (const auto& n : names) {
    EXPECT_LE(n.size(), 15u) << n;
    EXPECT_FALSE(n.empty());
  }
}

TEST(Flatten, IsDeterministic) {
  const std::string text = "name: lab1\nbridges: { br0: {} }\nnodes:\n"
                           "  blue: { interfaces: { eth0: { bridge: br0 } } }\n"
                           "  red: { interfaces: { eth0: { bridge: br0 } } }\n";
  auto a = fake::desired(text);
  auto b = fake::desired(text);
  EXPECT_EQ(a.veths, b.veths);
  EXPECT_EQ(a.namespaces, b.namespaces);
  EXPECT_EQ(host_names(a), host_names(b));
  // The same lab/node/interface gives the same name in any lab file; another lab, another name.
  EXPECT_EQ(host_ifname("lab1", "blue", "eth0"), host_names(a)[0]);
  EXPECT_NE(host_ifname("lab2", "blue", "eth0"), host_ifname("lab1", "blue", "eth0"));
}

TEST(Flatten, HostNamesAreUniqueWhenNodeAndInterfaceNamesSharePrefixes) {
  auto d = fake::desired(R"(name: lab1
bridges: { br0: {} }
nodes:
  alpha1: { interfaces: { ethernet0: { bridge: br0 }, ethernet1: { bridge: br0 } } }
  alpha2: { interfaces: { ethernet0: { bridge: br0 }, ethernet1: { bridge: br0 } } }
)");
  auto names = host_names(d);
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 4u);
  for (const auto& n : names) EXPECT_EQ(n.substr(0, 11), "alpha-ethe-");
}

TEST(Flatten, HostNamesStayUniqueWhenTheShortHashCollides) {
  // Find two nodes sharing the first five bytes whose 16-bit hashes collide (birthday bound:
  // a few hundred tries), then check that the salted retry keeps their names apart.
  std::map<std::string, std::string> seen;  // unsalted name -> node
  std::string first, second;
  for (int i = 0; i < 100000 && second.empty(); ++i) {
    std::string node = "nodes" + std::to_string(i);
    auto [it, fresh] = seen.emplace(host_ifname("lab1", node, "eth0"), node);
    if (!fresh) first = it->second, second = node;
  }
  ASSERT_FALSE(second.empty());
  auto d = fake::desired("name: lab1\nbridges: { br0: {} }\nnodes:\n  " + first +
                         ": { interfaces: { eth0: { bridge: br0 } } }\n  " + second +
                         ": { interfaces: { eth0: { bridge: br0 } } }\n");
  auto names = host_names(d);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], host_ifname("lab1", first, "eth0"));
  EXPECT_EQ(names[1], host_ifname("lab1", second, "eth0", 1));
  EXPECT_NE(names[0], names[1]);
  EXPECT_LE(names[1].size(), 15u);
}

TEST(Flatten, GeneratedNamesAvoidBridgesAndHostLinksOfTheLab) {
  std::string taken = host_ifname("lab1", "blue", "eth0");
  auto d = fake::desired("name: lab1\nbridges: { br0: {} }\nnodes:\n"
                         "  blue: { interfaces: { eth0: { bridge: br0 } } }\n"
                         "links:\n  - endpoints: [host:" + taken + ", blue:eth9]\n");
  auto names = host_names(d);
  EXPECT_EQ(std::count(names.begin(), names.end(), taken), 1);  // the user's host link keeps it
}

TEST(Flatten, HostEndsAreTraceableToTheirLabNodeAndInterface) {
  auto d = fake::desired("name: lab1\nbridges: { br0: {} }\nnodes:\n"
                         "  alpha1: { interfaces: { ethernet0: { bridge: br0, vlan: 7, mtu: 1400 } } }\n");
  ASSERT_EQ(d.veths.size(), 1u);
  const auto& v = d.veths[0];
  EXPECT_EQ(v.origin, "node alpha1 interface ethernet0");
  EXPECT_EQ(v.a, (VethEnd{.ns = kHost, .ifname = v.a.ifname, .bridge = "br0", .vlan = 7, .mtu = 1400}));
  EXPECT_EQ(v.b, (VethEnd{.ns = "alpha1", .ifname = "ethernet0", .mtu = 1400}));
  std::string alias = link_alias("lab1", v.origin);
  EXPECT_EQ(alias, "nswire:lab1 node alpha1 interface ethernet0");
  EXPECT_EQ(nswire::backend::lab_of_linux_mark(alias), "lab1");
}

TEST(Flatten, BridgeToBridgeLinkIsAVethUnlessBothAreOvs) {
  for (auto [b0, b1] : {std::pair{"linux", "linux"}, {"linux", "ovs"}, {"ovs", "linux"}}) {
    SCOPED_TRACE(std::string(b0) + "-" + b1);
    auto d = fake::desired(bridges_lab(b0, b1));
    EXPECT_TRUE(d.patches.empty());
    ASSERT_EQ(d.veths.size(), 1u);
    const auto& v = d.veths[0];
    EXPECT_EQ(v.origin, "link b0 <-> b1");
    EXPECT_EQ(v.a.ns, kHost);
    EXPECT_EQ(v.b.ns, kHost);
    EXPECT_EQ(v.a.bridge, "b0");
    EXPECT_EQ(v.b.bridge, "b1");
    EXPECT_NE(v.a.ifname, v.b.ifname);
    EXPECT_EQ(v.a.ifname, patch_ifname("lab1", "b0", "b1"));
  }
}

TEST(Flatten, BridgeToBridgeLinkBetweenOvsBridgesIsAPatchUnlessVethIsAsked) {
  auto d = fake::desired(bridges_lab("ovs", "ovs"));
  EXPECT_TRUE(d.veths.empty());
  ASSERT_EQ(d.patches.size(), 1u);
  EXPECT_EQ(d.patches[0], (DesiredPatch{"b0", patch_ifname("lab1", "b0", "b1"), "b1", patch_ifname("lab1", "b1", "b0")}));
  EXPECT_EQ(fake::desired(bridges_lab("ovs", "ovs", "ovs")).patches.size(), 1u);

  auto v = fake::desired(bridges_lab("ovs", "ovs", "veth"));
  EXPECT_TRUE(v.patches.empty());
  ASSERT_EQ(v.veths.size(), 1u);
  EXPECT_EQ(v.veths[0].a.bridge, "b0");
  EXPECT_EQ(v.veths[0].b.bridge, "b1");
}

TEST(Flatten, AddressesLandInTheNamespaceOfTheirInterface) {
  auto d = fake::desired(R"(name: lab1
bridges:
  br0: { addresses: [10.0.2.1/24, 'fd00::1/64'] }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
  red:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.101/24] }
links:
  - endpoints: [blue:p0, red:p0]
    addresses: [[10.9.0.1/30], [10.9.0.2/30]]
  - endpoints: [host:hv0, blue:hv1]
    addresses: [[10.8.0.1/30], [10.8.0.2/30]]
  - endpoints: [br0, red:up0]
    addresses: [[], [10.0.2.7/24]]
)");
  using Map = std::map<std::string, std::vector<IpPrefix>>;
  auto p = [](const char* s) { return IpPrefix::from(s); };
  ASSERT_EQ(d.namespaces.size(), 3u);
  EXPECT_EQ(d.namespaces[0].node, kHost);
  EXPECT_EQ(d.find_namespace(kHost)->addresses, (Map{{"br0", {p("10.0.2.1/24"), p("fd00::1/64")}}, {"hv0", {p("10.8.0.1/30")}}}));
  EXPECT_EQ(d.find_namespace("blue")->addresses,
            (Map{{"eth0", {p("10.0.2.100/24")}}, {"p0", {p("10.9.0.1/30")}}, {"hv1", {p("10.8.0.2/30")}}}));
  EXPECT_EQ(d.find_namespace("red")->addresses,
            (Map{{"eth0", {p("10.0.2.101/24")}}, {"p0", {p("10.9.0.2/30")}}, {"up0", {p("10.0.2.7/24")}}}));
  const auto& hv = veth_of(d, "link host:hv0 <-> blue:hv1");
  EXPECT_EQ(hv.a, (VethEnd{.ns = kHost, .ifname = "hv0"}));
  EXPECT_EQ(hv.b, (VethEnd{.ns = "blue", .ifname = "hv1"}));
  const auto& up = veth_of(d, "link br0 <-> red:up0");
  EXPECT_EQ(up.a.bridge, "br0");
  EXPECT_EQ(up.a.ns, kHost);
  EXPECT_EQ(up.b, (VethEnd{.ns = "red", .ifname = "up0"}));
}

TEST(Flatten, DefaultRoutesHaveAnEmptyPrefixOfTheGatewaysFamily) {
  auto d = fake::desired(R"(name: lab1
bridges: { br0: {} }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24, 'fd00::100/64'] }
    routes:
      - { to: default, via: 10.0.2.1 }
      - { to: default, via: 'fd00::1' }
      - { to: 10.9.0.0/16, via: 10.0.2.9, dev: eth0 }
)");
  const auto& n = *d.find_namespace("blue");
  ASSERT_EQ(n.routes.size(), 3u);
  EXPECT_EQ(n.routes[0].destination.family, AF_INET);
  EXPECT_EQ(n.routes[0].destination.length, 0);
  EXPECT_EQ(n.routes[0].gateway, IpPrefix::from("10.0.2.1"));
  EXPECT_EQ(n.routes[1].destination.family, AF_INET6);
  EXPECT_EQ(n.routes[1].destination.length, 0);
  EXPECT_EQ(n.routes[1].gateway, IpPrefix::from("fd00::1"));
  EXPECT_EQ(n.routes[2].destination, IpPrefix::from("10.9.0.0/16"));
  EXPECT_EQ(n.route_dev, (std::vector<std::string>{"", "", "eth0"}));
}

TEST(Flatten, AttachedNodesEnterAnExistingNamespace) {
  auto d = fake::desired(R"(name: lab1
bridges: { br0: {} }
nodes:
  web: { attach: { pid: 4242 }, interfaces: { eth0: { bridge: br0 } } }
  db: { attach: { path: /run/netns/c1 }, interfaces: { eth0: { bridge: br0 } } }
  blue: { interfaces: { eth0: { bridge: br0 } }, dns: { nameservers: [10.0.2.1], search: [lab.test] } }
)");
  EXPECT_TRUE(d.find_namespace("web")->attached);
  EXPECT_EQ(d.find_namespace("web")->attach_path, "/proc/4242/ns/net");
  EXPECT_TRUE(d.find_namespace("db")->attached);
  EXPECT_EQ(d.find_namespace("db")->attach_path, "/run/netns/c1");
  EXPECT_FALSE(d.find_namespace("blue")->attached);
  EXPECT_EQ(d.find_namespace("blue")->attach_path, "");
  EXPECT_EQ(d.find_namespace("blue")->nameservers, std::vector<std::string>{"10.0.2.1"});
  EXPECT_EQ(d.find_namespace("blue")->search, std::vector<std::string>{"lab.test"});
  EXPECT_EQ(d.find_namespace("nowhere"), nullptr);
}

TEST(Flatten, BridgesKeepTheirBackendStpAndMtu) {
  auto d = fake::desired("name: lab1\nbackend: ovs\novs: { datapath: netdev }\nbridges:\n"
                         "  a: {}\n  b: { backend: linux, stp: true, mtu: 9000 }\n");
  EXPECT_EQ(d.lab, "lab1");
  EXPECT_EQ(d.ovs_datapath, "netdev");
  EXPECT_EQ(d.bridges, (std::vector<DesiredBridge>{{"a", "ovs", false, {}}, {"b", "linux", true, 9000}}));
}

TEST(Flatten, MacAddressesAreLowerCaseAsTheKernelReportsThem) {
  auto d = fake::desired("name: lab1\nbridges: { br0: {} }\nnodes:\n"
                         "  a: { interfaces: { eth0: { bridge: br0, mac: '02:AA:BB:CC:DD:0E' } } }\n");
  EXPECT_EQ(d.veths[0].b.mac, "02:aa:bb:cc:dd:0e");
}
