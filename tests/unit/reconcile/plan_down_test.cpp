// plan_down: everything the lab owns goes (by record and marks), nothing else does, and an
// attached namespace stays with only nswire's links taken out of it.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "nswire/reconcile/plan.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

namespace {

const std::string kLab = R"(name: lab1
backend: ovs
bridges:
  o1: { addresses: [10.0.1.1/24] }
  o2: {}
  l1: { backend: linux }
nodes:
  blue:
    interfaces:
      eth0: { bridge: o1, addresses: [10.0.1.10/24] }
    dns: { nameservers: [10.0.1.1] }
  red:
    interfaces:
      eth0: { bridge: l1, addresses: [10.0.3.10/24] }
  web:
    attach: { path: /run/netns/c1 }
    interfaces:
      eth0: { bridge: l1, addresses: [10.0.3.50/24] }
links:
  - endpoints: [o1, o2]
  - endpoints: [o2, l1]
)";

// The lab's state on a machine shared with a foreign Linux bridge (with a foreign port), a
// foreign OVS bridge, a foreign namespace and the attached namespace's own interface.
Observed shared_machine(const Desired& d) {
  auto o = fake::empty_system();
  auto& host = o.namespaces[kHost];
  fake::add_link(host, {.name = "docker0", .kind = "bridge", .up = true});
  fake::add_link(host, {.name = "vethdead", .kind = "veth", .up = true});
  o.bridges["linux"].push_back({.name = "docker0", .ports = {{.name = "vethdead"}}});
  o.bridges["ovs"].push_back({.name = "ovsbr", .owner = "other", .ports = {{.name = "x", .owner = "other"}}});
  o.namespaces["stranger"].exists = true;
  auto& web = o.namespaces["web"];
  web.exists = true;
  fake::add_link(web, {.name = "lo", .up = true});
  fake::add_link(web, {.name = "eth1", .kind = "veth", .up = true});  // the container's own
  return fake::after_up(d, o);
}


}  // namespace

TEST(PlanDown, RemovesOwnedBridgesRecordedNamespacesAndMarkedLinks) {
  auto d = fake::desired(kLab);
  auto p = plan_down("lab1", shared_machine(d), nswire::backend::catalog());
  EXPECT_EQ(p.removals["ovs"].remove_bridges, (std::vector<std::string>{"o1", "o2"}));
  EXPECT_EQ(p.removals["linux"].remove_bridges, std::vector<std::string>{"l1"});
  EXPECT_EQ(p.remove_namespaces, (std::vector<std::string>{"blue", "red"}));
  std::vector<std::pair<std::string, std::string>> want;
  for (const auto& v : d.veths)
    for (const auto* e : {&v.a, &v.b})
      if (e->ns == kHost || e->ns == "web") want.push_back({e->ns, e->ifname});
  auto got = p.delete_links;
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  // blue's resolv.conf goes with blue.
  ASSERT_EQ(p.configure.size(), 1u);
  EXPECT_EQ(p.configure[0].node, "blue");
  EXPECT_TRUE(p.configure[0].remove_resolv_conf);
  EXPECT_TRUE(p.bridges.empty());
  EXPECT_TRUE(p.create_namespaces.empty());
  EXPECT_TRUE(p.create_veths.empty());
  EXPECT_TRUE(p.ports.empty());
}

// An `up` killed while it wrote red's resolv.conf leaves only the temporary file: `down` still
// takes red's /etc/netns directory away (the crash test caught it left behind).
TEST(PlanDown, AResolvConfWriteCutShortGoesWithItsNamespace) {
  auto d = fake::desired(kLab);
  auto o = shared_machine(d);
  o.namespaces["red"].resolv_conf_cut_short = true;
  auto p = plan_down("lab1", o, nswire::backend::catalog());
  std::vector<std::string> cleared;
  for (const auto& c : p.configure)
    if (c.remove_resolv_conf) cleared.push_back(c.node);
  std::sort(cleared.begin(), cleared.end());
  EXPECT_EQ(cleared, (std::vector<std::string>{"blue", "red"}));
}

TEST(PlanDown, NeverTouchesForeignBridgesNamespacesOrLinks) {
  auto d = fake::desired(kLab);
  auto p = plan_down("lab1", shared_machine(d), nswire::backend::catalog());
  for (const auto& [backend, c] : p.removals) {
    for (const auto& b : c.remove_bridges) EXPECT_TRUE(b != "docker0" && b != "ovsbr") << b;
    for (const auto& port : c.detach_ports) EXPECT_TRUE(port.bridge != "docker0" && port.bridge != "ovsbr");
  }
  for (const auto& [ns, ifname] : p.delete_links) {
    EXPECT_NE(ifname, "vethdead");
    EXPECT_NE(where(ns, ifname), "eth0") << "the host's uplink";
    EXPECT_NE(where(ns, ifname), "web:eth1");
    EXPECT_NE(ns, "stranger");
  }
  EXPECT_EQ(std::count(p.remove_namespaces.begin(), p.remove_namespaces.end(), "stranger"), 0);
}

TEST(PlanDown, NeverRemovesAnAttachedNamespaceOnlyItsMarkedLinks) {
  auto d = fake::desired(kLab);
  auto p = plan_down("lab1", shared_machine(d), nswire::backend::catalog());
  EXPECT_EQ(std::count(p.remove_namespaces.begin(), p.remove_namespaces.end(), "web"), 0);
  std::vector<std::string> in_web;
  for (const auto& [ns, ifname] : p.delete_links)
    if (ns == "web") in_web.push_back(ifname);
  EXPECT_EQ(in_web, std::vector<std::string>{"eth0"});
}

TEST(PlanDown, OfALabNotUpIsEmptyAndOfAnotherLabTouchesNothingOfThisOne) {
  EXPECT_TRUE(plan_down("lab1", fake::empty_system(), nswire::backend::catalog()).empty());
  auto d = fake::desired(kLab);
  auto o = shared_machine(d);
  o.record.reset();  // `down` of lab2 reads lab2's (absent) record
  auto p = plan_down("lab2", o, nswire::backend::catalog());
  EXPECT_TRUE(p.empty());
  EXPECT_TRUE(p.delete_links.empty());
  EXPECT_TRUE(p.removals.empty());
}

TEST(PlanDown, RemovesExactlyTheBridgesAndNamespacesUpCreated) {
  auto d = fake::desired(kLab);
  auto up = plan_up(d, fake::empty_system());
  auto down = plan_down("lab1", fake::after_up(d), nswire::backend::catalog());
  size_t made_bridges = 0, gone_bridges = 0;
  for (const auto& [b, c] : up.bridges) made_bridges += c.ensure_bridges.size();
  for (const auto& [b, c] : down.removals) gone_bridges += c.remove_bridges.size();
  EXPECT_EQ(made_bridges, gone_bridges);
  EXPECT_EQ(up.create_namespaces, down.remove_namespaces);
}
