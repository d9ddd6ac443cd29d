// Desired vs live per object (object_status) against fakes of the observed system: every object
// as wanted after `up`, then one thing broken at a time, each showing on its own row only.
#include "nswire/reconcile/status.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

namespace {

const std::string kLab = R"(name: lab1
backend: ovs
bridges:
  br0: { addresses: [10.0.2.1/24] }
  br1: {}
links:
  - endpoints: [br0, br1]
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
    routes:
      - { to: default, via: 10.0.2.1 }
  red:
    interfaces:
      eth0: { bridge: br0, vlan: 20, addresses: [10.0.2.101/24] }
)";

std::vector<ObjectStatus> drifting(const std::vector<ObjectStatus>& rows) {
  std::vector<ObjectStatus> out;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(out), [](const auto& r) { return !r.ok; });
  return out;
}

const ObjectStatus* find(const std::vector<ObjectStatus>& rows, const std::string& kind, const std::string& object) {
  for (const auto& r : rows)
    if (r.kind == kind && r.object == object) return &r;
  return nullptr;
}

std::string blue_host(const Desired& d) {
  for (const auto& v : d.veths)
    if (v.b.ns == "blue") return v.a.ifname;
  return "";
}

}  // namespace

TEST(Status, EveryWantedObjectHasARowAndAllAreAsWantedAfterUp) {
  auto d = fake::desired(kLab);
  auto rows = object_status(d, fake::after_up(d));
  // 2 bridges, 2 namespaces, 2 veths, 2 ports, 1 patch, 3 addresses, 1 route.
  EXPECT_EQ(rows.size(), 13u);
  EXPECT_TRUE(drifting(rows).empty()) << drifting(rows)[0].object << ": " << drifting(rows)[0].live;
  ASSERT_TRUE(find(rows, "route", "default via 10.0.2.1 in blue"));
  ASSERT_TRUE(find(rows, "patch", "br0:" + d.patches.at(0).port_a + " <-> br1:" + d.patches.at(0).port_b));
}

TEST(Status, NothingUpShowsEveryObjectMissing) {
  auto d = fake::desired(kLab);
  auto rows = object_status(d, fake::empty_system());
  EXPECT_EQ(drifting(rows).size(), rows.size());
  EXPECT_EQ(find(rows, "bridge", "br0")->live, "missing");
  EXPECT_EQ(find(rows, "namespace", "blue")->live, "missing");
}

TEST(Status, AVethDeletedByHandShowsOnItsVethPortAndAddressRows) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::string host = blue_host(d);
  auto& links = o.namespaces[kHost].links;
  links.erase(std::remove_if(links.begin(), links.end(), [&](const auto& l) { return l.name == host; }), links.end());
  auto& inside = o.namespaces["blue"].links;
  inside.erase(std::remove_if(inside.begin(), inside.end(), [](const auto& l) { return l.name == "eth0"; }), inside.end());
  o.namespaces["blue"].routes.clear();  // the kernel drops a deleted device's routes
  o.namespaces["blue"].addresses.clear();
  auto bad = drifting(object_status(d, o));
  ASSERT_EQ(bad.size(), 4u);  // veth, port (OVS keeps the row), address, route (no device)
  EXPECT_EQ(bad[0].kind, "veth");
  EXPECT_EQ(bad[0].live, host + " missing, blue:eth0 missing");
  EXPECT_EQ(bad[1].kind, "port");
  EXPECT_EQ(bad[1].live, "br0 (ovs), device missing");
  EXPECT_EQ(bad[2].kind, "address");
  EXPECT_EQ(bad[2].live, "no interface");
  EXPECT_EQ(bad[3].kind, "route");
}

TEST(Status, APortOnTheWrongBridgeOrVlanIsNamedWithWhereItIs) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::string host = blue_host(d);
  auto& br0 = fake::bridge(o, "ovs", "br0");
  auto it = std::find_if(br0.ports.begin(), br0.ports.end(), [&](const auto& p) { return p.name == host; });
  ASSERT_NE(it, br0.ports.end());
  auto moved = *it;
  br0.ports.erase(it);
  fake::bridge(o, "ovs", "br1").ports.push_back(moved);
  for (auto& p : br0.ports)
    if (p.vlan) p.vlan = 30;
  auto bad = drifting(object_status(d, o));
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].live, "br1 (ovs)");
  EXPECT_EQ(bad[0].wanted, "br0 (ovs)");
  EXPECT_EQ(bad[1].wanted, "br0 (ovs), VLAN 20");
  EXPECT_EQ(bad[1].live, "br0 (ovs), VLAN 30");
}

TEST(Status, AnAddressChangedAndALinkDownAreTheirOwnRows) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  auto& red = o.namespaces["red"];
  for (auto& a : red.addresses)
    if (a.prefix.to_string() == "10.0.2.101/24") a.prefix = nswire::IpPrefix::from("10.0.2.199/24");
  for (auto& l : red.links)
    if (l.name == "eth0") l.up = false;
  auto bad = drifting(object_status(d, o));
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].kind, "veth");
  EXPECT_NE(bad[0].live.find("red:eth0 down"), std::string::npos) << bad[0].live;
  EXPECT_EQ(bad[1].object, "10.0.2.101/24 on red:eth0");
  EXPECT_EQ(bad[1].live, "missing");
}

TEST(Status, ABridgeOnTheOtherBackendSaysSo) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  auto br1 = fake::bridge(o, "ovs", "br1");
  auto& ovs = o.bridges["ovs"];
  ovs.erase(std::remove_if(ovs.begin(), ovs.end(), [](const auto& b) { return b.name == "br1"; }), ovs.end());
  br1.ports.clear();
  o.bridges["linux"].push_back(br1);
  auto rows = object_status(d, o);
  const auto* row = find(rows, "bridge", "br1");
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->ok);
  EXPECT_EQ(row->live, "on linux");
}
