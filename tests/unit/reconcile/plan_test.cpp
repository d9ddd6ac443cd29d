// The planner, plan_up and plan_down, against fakes of the observed system (fake_observed.h):
// a fresh machine, the state a lab leaves after `up`, and that state edited, drifted, or
// sharing the machine with objects that are not the lab's. Pure: no privileges, no syscalls.
#include "nswire/reconcile/plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "plan_text.h"
#include "nswire/error.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

using nswire::reconcile::plan_text::dump;
using nswire::reconcile::plan_text::changes_in;

namespace {

std::string two_nodes(const std::string& backend) {
  return "name: lab1\nbackend: " + backend + R"(
bridges:
  br0: { addresses: [10.0.2.1/24, 'fd00:2::1/64'] }
  br1: {}
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24, 'fd00:2::100/64'], mtu: 1400 }
    routes:
      - { to: default, via: 10.0.2.1 }
      - { to: default, via: 'fd00:2::1' }
    dns: { nameservers: [10.0.2.1], search: [lab.test] }
    sysctls: { net.ipv4.ip_forward: 1 }
  red:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.101/24] }
)";
}

// Both backends, VLANs, native and veth patches, node-to-node and host links, an attached
// namespace, a route with a device, a MAC written in capitals.
const std::string kMixed = R"(name: mix
backend: ovs
bridges:
  o1: { addresses: [10.0.1.1/24] }
  o2: {}
  o3: {}
  l1: { backend: linux, stp: true, mtu: 9000 }
nodes:
  a:
    interfaces:
      eth0: { bridge: o1, vlan: 10, addresses: [10.0.1.10/24], mac: '02:AA:BB:CC:DD:0E' }
      eth1: { bridge: l1, addresses: [10.0.3.10/24], mtu: 9000 }
    routes:
      - { to: 10.9.0.0/16, via: 10.0.3.1, dev: eth1 }
  b:
    interfaces:
      eth0: { bridge: o2, vlan: 20, addresses: [10.0.1.11/24] }
  web:
    attach: { pid: 4242 }
    interfaces:
      eth0: { bridge: l1, addresses: [10.0.3.50/24] }
links:
  - endpoints: [o1, o2]
  - endpoints: [o1, o3]
    patch: veth
  - endpoints: [o2, l1]
  - endpoints: [a:p0, b:p0]
    addresses: [[10.7.0.1/30], [10.7.0.2/30]]
  - endpoints: [host:hv0, a:hv1]
    addresses: [[10.8.0.1/30], [10.8.0.2/30]]
)";

size_t count(const Plan& p, Action::Op op, const std::string& kind) {
  return std::count_if(p.actions.begin(), p.actions.end(), [&](const Action& a) { return a.op == op && to_string(a.kind) == kind; });
}

std::string host_end(const Desired& d, const std::string& node, const std::string& ifname) {
  for (const auto& v : d.veths)
    if (v.b.ns == node && v.b.ifname == ifname) return v.a.ifname;
  throw std::runtime_error("no veth for " + node + ":" + ifname);
}

nswire::IpPrefix pfx(const char* s) { return nswire::IpPrefix::from(s); }

std::string error_of(const Desired& d, const Observed& o) {
  try {
    plan_up(d, o);
  } catch (const nswire::Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

// --- a fresh machine -------------------------------------------------------------------------

TEST(PlanUp, OnEmptySystemCreatesEveryObjectAndRemovesNothing) {
  for (std::string backend : {"linux", "ovs"}) {
    SCOPED_TRACE(backend);
    auto d = fake::desired(two_nodes(backend));
    auto p = plan_up(d, fake::empty_system());
    EXPECT_TRUE(p.removals.empty());
    EXPECT_TRUE(p.delete_links.empty());
    EXPECT_TRUE(p.remove_namespaces.empty());
    EXPECT_EQ(count(p, Action::Op::remove, "veth") + count(p, Action::Op::remove, "address"), 0u) << dump(p);
    ASSERT_EQ(p.bridges.size(), 1u);
    EXPECT_EQ(p.bridges[backend].ensure_bridges.size(), 2u);
    EXPECT_EQ(p.create_namespaces, (std::vector<std::string>{"blue", "red"}));
    EXPECT_EQ(p.create_veths, d.veths);
    ASSERT_EQ(p.ports[backend].attach_ports.size(), 2u);
    EXPECT_EQ(p.ports[backend].attach_ports[0], (nswire::backend::PortSpec{"br0", host_end(d, "blue", "eth0"), {}}));

    const auto* host = changes_in(p, kHost);
    ASSERT_NE(host, nullptr);
    EXPECT_EQ(host->add_addresses.size(), 2u);  // br0's gateway addresses
    EXPECT_EQ(host->add_addresses[0], std::make_pair(std::string("br0"), pfx("10.0.2.1/24")));
    const auto* blue = changes_in(p, "blue");
    ASSERT_NE(blue, nullptr);
    EXPECT_TRUE(blue->lo_up);
    EXPECT_EQ(blue->add_addresses.size(), 2u);
    EXPECT_EQ(blue->add_routes.size(), 2u);
    EXPECT_EQ(blue->add_routes[0].route.destination.length, 0);
    EXPECT_EQ(blue->sysctls.at("net.ipv4.ip_forward"), "1");
    ASSERT_TRUE(blue->resolv_conf);
    EXPECT_EQ(blue->resolv_conf->first, std::vector<std::string>{"10.0.2.1"});
    ASSERT_EQ(blue->configure_links.size(), 1u);
    EXPECT_EQ(blue->configure_links[0].mtu, 1400u);
    EXPECT_EQ(count(p, Action::Op::create, "dns"), 1u);
    EXPECT_EQ(p.record.namespaces, (std::vector<std::string>{"blue", "red"}));
    EXPECT_EQ(p.record.bridges.at("br0"), backend);
  }
}

TEST(PlanUp, MarksHostEndsWithTheLabAndTheirOrigin) {
  auto d = fake::desired(two_nodes("linux"));
  auto p = plan_up(d, fake::empty_system());
  const auto* host = changes_in(p, kHost);
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->configure_links.size(), 2u);
  // A host end this plan creates is marked with its veth (the applier does it in the creation
  // batch, before any backend checks ownership), so configuration does not mark it again.
  EXPECT_EQ(host->configure_links[0].alias, std::nullopt);
  EXPECT_EQ(changes_in(p, "blue")->configure_links[0].alias, std::nullopt);  // ours by the namespace
  // One that exists with a stale origin in its mark gets the right one.
  auto o = fake::after_up(d);
  for (auto& l : o.namespaces[kHost].links)
    if (l.alias == "nswire:lab1 node blue interface eth0") l.alias = "nswire:lab1 node blue interface eth9";
  auto again = plan_up(d, o);
  const auto* fix = changes_in(again, kHost);
  ASSERT_NE(fix, nullptr);
  ASSERT_EQ(fix->configure_links.size(), 1u);
  EXPECT_EQ(fix->configure_links[0].alias, "nswire:lab1 node blue interface eth0");
}

// --- idempotence -----------------------------------------------------------------------------

TEST(PlanUp, IsEmptyOnTheStateTheLabProduced) {
  for (std::string backend : {"linux", "ovs"}) {
    SCOPED_TRACE(backend);
    auto d = fake::desired(two_nodes(backend));
    auto p = plan_up(d, fake::after_up(d));
    EXPECT_TRUE(p.empty()) << dump(p);
    EXPECT_TRUE(p.configure.empty());
    EXPECT_EQ(p.record, *fake::after_up(d).record);
  }
}

TEST(PlanUp, IsEmptyWithVlansPatchesMixedBackendsAndAttachedNamespaces) {
  auto d = fake::desired(kMixed);
  ASSERT_EQ(d.patches.size(), 1u);
  auto p = plan_up(d, fake::after_up(d));
  EXPECT_TRUE(p.empty()) << dump(p);
}

TEST(PlanUp, IsEmptyWithSoftwareChecksumsOnceOffloadIsOff) {
  auto d = fake::desired(kMixed);
  d.software_checksums = true;
  EXPECT_TRUE(plan_up(d, fake::after_up(d)).empty());
  auto before = d;
  before.software_checksums = false;  // applied before the userspace datapath was noticed
  auto p = plan_up(d, fake::after_up(before));
  EXPECT_EQ(count(p, Action::Op::modify, "link"), 2 * d.veths.size()) << dump(p);
  for (const auto& c : p.configure)
    for (const auto& l : c.configure_links) EXPECT_TRUE(l.tx_checksum_off) << l.ifname;
}

TEST(PlanUp, IsEmptyOnALinuxPortWithVlanOne) {
  auto d = fake::desired(R"(name: v1
bridges: { br0: {} }
nodes: { a: { interfaces: { eth0: { bridge: br0, vlan: 1 } } } }
)");
  auto p = plan_up(d, fake::after_up(d));
  EXPECT_TRUE(p.empty()) << dump(p);
}

// --- edits -----------------------------------------------------------------------------------

TEST(PlanUp, AddingANodePlansOnlyThatNodesObjects) {
  auto before = fake::desired(two_nodes("ovs"));
  auto d = fake::desired(two_nodes("ovs") + "  green:\n    interfaces:\n      eth0: { bridge: br1, addresses: [10.0.5.1/24] }\n");
  auto p = plan_up(d, fake::after_up(before));
  EXPECT_EQ(p.create_namespaces, std::vector<std::string>{"green"});
  ASSERT_EQ(p.create_veths.size(), 1u);
  EXPECT_EQ(p.create_veths[0].b.ns, "green");
  EXPECT_EQ(p.ports["ovs"].attach_ports,
            (std::vector<nswire::backend::PortSpec>{{"br1", host_end(d, "green", "eth0"), {}}}));
  EXPECT_TRUE(p.bridges.empty());
  EXPECT_TRUE(p.removals.empty());
  EXPECT_TRUE(p.delete_links.empty());
  for (const auto& a : p.actions) EXPECT_NE(a.object.find("green"), std::string::npos) << dump(p);
  EXPECT_EQ(changes_in(p, "blue"), nullptr);
  EXPECT_EQ(changes_in(p, "red"), nullptr);
}

TEST(PlanUp, RemovingANodeRemovesItsNamespaceAndHostVethOnly) {
  auto before = fake::desired(two_nodes("linux"));
  std::string text = two_nodes("linux");
  auto d = fake::desired(text.substr(0, text.find("  red:")));
  auto p = plan_up(d, fake::after_up(before));
  std::string red_host = host_end(before, "red", "eth0");
  EXPECT_EQ(p.remove_namespaces, std::vector<std::string>{"red"});
  EXPECT_EQ(p.delete_links, (std::vector<std::pair<std::string, std::string>>{{kHost, red_host}}));
  EXPECT_EQ(p.actions.size(), 2u) << dump(p);
  EXPECT_TRUE(p.removals.empty());  // Linux releases a deleted port by itself
  EXPECT_TRUE(p.create_veths.empty());
  ASSERT_EQ(p.configure.size(), 0u);  // red had no resolv.conf
  EXPECT_EQ(p.record.namespaces, std::vector<std::string>{"blue"});
}

TEST(PlanUp, RemovingANodeOnOvsAlsoDetachesItsPortRow) {
  auto before = fake::desired(two_nodes("ovs"));
  std::string text = two_nodes("ovs");
  auto d = fake::desired(text.substr(0, text.find("  red:")));
  auto p = plan_up(d, fake::after_up(before));
  EXPECT_EQ(p.remove_namespaces, std::vector<std::string>{"red"});
  EXPECT_EQ(p.removals["ovs"].detach_ports,
            (std::vector<nswire::backend::PortRef>{{"br0", host_end(before, "red", "eth0")}}));
  EXPECT_EQ(p.actions.size(), 3u) << dump(p);
}

TEST(PlanUp, ChangingAnAddressPlansOneAddAndOneRemove) {
  auto before = fake::desired(two_nodes("linux"));
  std::string text = two_nodes("linux");
  text.replace(text.find("10.0.2.101/24"), 13, "10.0.2.102/24");
  auto p = plan_up(fake::desired(text), fake::after_up(before));
  ASSERT_EQ(p.actions.size(), 2u) << dump(p);
  const auto* red = changes_in(p, "red");
  ASSERT_NE(red, nullptr);
  EXPECT_EQ(red->add_addresses, (std::vector<std::pair<std::string, nswire::IpPrefix>>{{"eth0", pfx("10.0.2.102/24")}}));
  EXPECT_EQ(red->delete_addresses, (std::vector<std::pair<std::string, nswire::IpPrefix>>{{"eth0", pfx("10.0.2.101/24")}}));
}

TEST(PlanUp, MovingAnInterfaceToAnotherBridgeReattachesItsPort) {
  for (std::string backend : {"linux", "ovs"}) {
    SCOPED_TRACE(backend);
    auto before = fake::desired(two_nodes(backend));
    std::string text = two_nodes(backend);
    text.replace(text.find("bridge: br0, addresses: [10.0.2.101"), 11, "bridge: br1");
    auto d = fake::desired(text);
    auto p = plan_up(d, fake::after_up(before));
    std::string port = host_end(d, "red", "eth0");
    EXPECT_EQ(p.ports[backend].attach_ports, (std::vector<nswire::backend::PortSpec>{{"br1", port, {}}}));
    EXPECT_TRUE(p.create_veths.empty());
    if (backend == "ovs") {
      EXPECT_EQ(p.removals["ovs"].detach_ports, (std::vector<nswire::backend::PortRef>{{"br0", port}}));
      EXPECT_EQ(p.actions.size(), 2u) << dump(p);
    } else {
      EXPECT_TRUE(p.removals.empty());  // one IFLA_MASTER change
      EXPECT_EQ(p.actions.size(), 1u) << dump(p);
    }
  }
}

TEST(PlanUp, SwappingABridgeToOvsRecreatesItThereWithPortsAndAddresses) {
  auto before = fake::desired(two_nodes("linux"));
  std::string text = two_nodes("linux");
  text.replace(text.find("br0: { addresses"), 16, "br0: { backend: ovs, addresses");
  auto d = fake::desired(text);
  auto p = plan_up(d, fake::after_up(before));
  EXPECT_EQ(p.removals["linux"].remove_bridges, std::vector<std::string>{"br0"});
  ASSERT_EQ(p.bridges["ovs"].ensure_bridges.size(), 1u);
  EXPECT_EQ(p.bridges["ovs"].ensure_bridges[0].name, "br0");
  EXPECT_EQ(p.ports["ovs"].attach_ports.size(), 2u);
  EXPECT_EQ(p.ports.count("linux"), 0u);
  const auto* host = changes_in(p, kHost);
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->add_addresses.size(), 2u);
  EXPECT_TRUE(host->delete_addresses.empty());
  EXPECT_TRUE(p.create_veths.empty());
  EXPECT_TRUE(p.create_namespaces.empty());
  EXPECT_EQ(p.record.backends, (std::vector<std::string>{"linux", "ovs"}));
}

// --- drift -----------------------------------------------------------------------------------

TEST(PlanUp, MissingHostVethRecreatesThePairWithPortAddressesAndRoutes) {
  for (std::string backend : {"linux", "ovs"}) {
    SCOPED_TRACE(backend);
    auto d = fake::desired(two_nodes(backend));
    auto o = fake::after_up(d);
    std::string port = host_end(d, "blue", "eth0");
    auto& links = o.namespaces[kHost].links;
    links.erase(std::find_if(links.begin(), links.end(), [&](const auto& l) { return l.name == port; }));
    auto& ports = fake::bridge(o, backend, "br0").ports;
    if (backend == "linux")  // the kernel releases the port; an OVS Port row stays
      ports.erase(std::find_if(ports.begin(), ports.end(), [&](const auto& x) { return x.name == port; }));
    auto p = plan_up(d, o);
    EXPECT_EQ(p.delete_links, (std::vector<std::pair<std::string, std::string>>{{"blue", "eth0"}}));
    ASSERT_EQ(p.create_veths.size(), 1u);
    EXPECT_EQ(p.create_veths[0].a.ifname, port);
    EXPECT_EQ(p.ports[backend].attach_ports, (std::vector<nswire::backend::PortSpec>{{"br0", port, {}}}));
    if (backend == "ovs") {
      EXPECT_EQ(p.removals["ovs"].detach_ports, (std::vector<nswire::backend::PortRef>{{"br0", port}}));
    }
    const auto* blue = changes_in(p, "blue");
    ASSERT_NE(blue, nullptr);
    EXPECT_EQ(blue->add_addresses.size(), 2u);
    // Deleting eth0 takes the kernel's routes through it along: they are added again.
    EXPECT_EQ(blue->add_routes.size(), 2u) << dump(p);
    EXPECT_EQ(changes_in(p, "red"), nullptr);
  }
}

TEST(PlanUp, AddressRemovedByHandIsAddedAgain) {
  auto d = fake::desired(two_nodes("linux"));
  auto o = fake::after_up(d);
  auto& addrs = o.namespaces["red"].addresses;
  addrs.erase(std::find_if(addrs.begin(), addrs.end(), [](const auto& a) { return a.prefix == pfx("10.0.2.101/24"); }));
  auto p = plan_up(d, o);
  ASSERT_EQ(p.actions.size(), 1u) << dump(p);
  EXPECT_EQ(p.actions[0],
            (Action{Action::Op::create, Action::Kind::address, {"red", "eth0"}, "10.0.2.101/24 on red:eth0", ""}));
}

// --- foreign objects -------------------------------------------------------------------------

TEST(PlanUp, RefusesANamespaceTheLabDidNotCreate) {
  auto d = fake::desired(two_nodes("linux"));
  auto o = fake::empty_system();
  o.namespaces["red"].exists = true;
  EXPECT_EQ(error_of(d, o),
            "namespace \"red\" already exists and was not created by lab \"lab1\"; nswire leaves it untouched "
            "(use `attach:` to use an existing namespace)");
  auto mine = fake::after_up(d);
  mine.record->namespaces = {"blue"};  // red is not in the record
  EXPECT_NE(error_of(d, mine).find("namespace \"red\""), std::string::npos);
}

TEST(PlanUp, RefusesABridgeOwnedByAnotherLabOrByNobody) {
  auto d = fake::desired(two_nodes("ovs"));
  auto o = fake::empty_system();
  o.bridges["ovs"].push_back({.name = "br1", .owner = "other"});
  EXPECT_EQ(error_of(d, o),
            "bridge \"br1\" already exists (ovs) and is not owned by lab \"lab1\" (it belongs to lab \"other\"); "
            "nswire leaves it untouched");
  o.bridges["ovs"].back().owner = "";
  EXPECT_EQ(error_of(d, o), "bridge \"br1\" already exists (ovs) and is not owned by lab \"lab1\"; nswire leaves it untouched");
  auto l = fake::empty_system();  // a Linux bridge of that name while the lab wants OVS
  l.bridges["linux"].push_back({.name = "br0"});
  EXPECT_NE(error_of(d, l).find("bridge \"br0\" already exists (linux)"), std::string::npos);
  auto dev = fake::empty_system();  // not a bridge at all
  fake::add_link(dev.namespaces[kHost], {.name = "br0", .kind = "dummy"});
  EXPECT_NE(error_of(d, dev).find("bridge \"br0\": a network device of that name already exists"), std::string::npos);
}

TEST(PlanUp, RefusesAnUnownedHostInterfaceWithAGeneratedName) {
  auto d = fake::desired(two_nodes("linux"));
  std::string name = host_end(d, "red", "eth0");
  auto o = fake::empty_system();
  fake::add_link(o.namespaces[kHost], {.name = name, .kind = "veth"});
  EXPECT_EQ(error_of(d, o), "interface \"" + name + "\" (node red interface eth0) already exists and is not owned by lab "
                            "\"lab1\"; nswire leaves it untouched");
  o.namespaces[kHost].links.back().alias = "nswire:other node red interface eth0";
  EXPECT_NE(error_of(d, o), "<no error>");
}

// A lab across hosts: each host plans its part, the tunnels of its spanning bridges with the
// bridges (phase 4, before any node is plugged in), said with their MTU; in sync afterwards.
TEST(Plan, ALabAcrossHostsPlansEachHostsTunnelsWithTheBridges) {
  const std::string lab = R"(name: mh
hosts:
  h1: { address: 192.168.100.11 }
  h2: { address: 192.168.100.12 }
  h3: { address: 192.168.100.13 }
bridges:
  lan: { addresses: [10.0.0.1/24], vni: 5001 }
  wan: { backend: ovs, vni: 5002 }
nodes:
  a: { host: h1, interfaces: { eth0: { bridge: lan, addresses: [10.0.0.11/24] } } }
  b: { host: h2, interfaces: { eth0: { bridge: lan, addresses: [10.0.0.12/24] }, eth1: { bridge: wan } } }
  c: { host: h3, interfaces: { eth0: { bridge: lan, addresses: [10.0.0.13/24] }, eth1: { bridge: wan } } }
)";
  auto h2 = fake::desired(lab, "h2");
  auto plan = plan_up(h2, fake::empty_system());
  ASSERT_EQ(plan.bridges["linux"].ensure_tunnels.size(), 1u);
  const auto& t = plan.bridges["linux"].ensure_tunnels[0];
  EXPECT_EQ(t.bridge, "lan");
  EXPECT_EQ(t.vni, 5001u);
  EXPECT_EQ(t.local, "192.168.100.12");
  EXPECT_EQ(t.peers, (std::vector<nswire::backend::TunnelPeer>{{"h1", "192.168.100.11"}, {"h3", "192.168.100.13"}}));
  EXPECT_EQ(t.mtu, 1450u);
  ASSERT_EQ(plan.bridges["ovs"].ensure_tunnels.size(), 1u);
  EXPECT_EQ(plan.bridges["ovs"].ensure_tunnels[0].peers.size(), 1u);  // wan is on h2 and h3 only
  EXPECT_TRUE(plan.ports["linux"].ensure_tunnels.empty());
  auto it = std::find_if(plan.actions.begin(), plan.actions.end(), [](const Action& a) { return a.kind == Action::Kind::tunnel; });
  ASSERT_NE(it, plan.actions.end());
  EXPECT_EQ(it->object, "lan (linux)");
  EXPECT_EQ(it->detail, "vxlan VNI 5001 from 192.168.100.12 to h1 192.168.100.11, h3 192.168.100.13; MTU 1450 (1500 - 50)");
  // The gateway address is on h1 (the first host, lan's home), not here; the lab's MTU is.
  EXPECT_FALSE(h2.namespaces[0].addresses.count("lan"));
  EXPECT_EQ(plan.bridges["linux"].ensure_bridges.at(0).mtu, 1450u);
  EXPECT_EQ(plan.record.host, "h2");
  EXPECT_TRUE(plan_up(h2, fake::after_up(h2)).empty());
  // Down takes the tunnels with their bridges.
  auto down = plan_down("mh", fake::after_up(h2), h2.backends);
  EXPECT_EQ(down.removals["linux"].remove_bridges, std::vector<std::string>{"lan"});
  EXPECT_TRUE(down.removals["linux"].remove_tunnels.empty());
}
