// VLAN subinterfaces (`eth0.10: { parent: eth0 }`): parsed and flattened into DesiredVlan, made in
// phase 8 on their parents, in sync once made, made again when their parent veth is, replaced when
// the device of that name is not that VLAN, removed when the lab drops them, and their status rows.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "plan_text.h"
#include "nswire/error.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/status.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

using nswire::reconcile::plan_text::dump;
using nswire::reconcile::plan_text::changes_in;

namespace {

const std::string kStick = R"(name: stick
bridges:
  sw0: {}
nodes:
  router:
    interfaces:
      eth0: { bridge: sw0, trunks: [10, 20], mtu: 1400 }
      eth0.10: { parent: eth0, addresses: [10.40.10.1/24] }
      uplink: { parent: eth0, vlan: 20, mtu: 1300, mac: '02:AA:00:00:00:20', addresses: [10.40.20.1/24] }
    routes: [{ to: 10.9.0.0/16, via: 10.40.20.9, dev: uplink }]
  h10:
    interfaces: { eth0: { bridge: sw0, vlan: 10, addresses: [10.40.10.11/24] } }
)";

std::vector<std::string> vlans_made(const Plan& p, const std::string& node) {
  std::vector<std::string> out;
  if (const auto* c = changes_in(p, node))
    for (const auto& v : c->create_vlans) out.push_back(v.ifname);
  return out;
}

nswire::netlink::Link& link(Observed& o, const std::string& node, const std::string& name) {
  for (auto& l : o.namespaces[node].links)
    if (l.name == name) return l;
  throw std::runtime_error("no link " + name);
}

}  // namespace

TEST(Vlans, AreParsedApartFromTheVethsWithTheIdFromTheName) {
  auto lab = fake::lab(kStick);
  const auto& router = lab.nodes.at(0);
  ASSERT_EQ(router.interfaces.size(), 1u);
  ASSERT_EQ(router.subinterfaces.size(), 2u);
  EXPECT_EQ(router.subinterfaces[0].parent, "eth0");
  EXPECT_EQ(router.subinterfaces[0].vlan, 10);  // from "eth0.10"
  EXPECT_EQ(router.subinterfaces[1].vlan, 20);  // said
  auto d = fake::desired(kStick);
  ASSERT_EQ(d.vlans.size(), 2u);
  // No MTU of its own: its parent's 1400.
  EXPECT_EQ(d.vlans[0], (DesiredVlan{.ns = "router", .ifname = "eth0.10", .parent = "eth0", .id = 10, .mtu = 1400,
                                     .origin = "node router interface eth0.10"}));
  EXPECT_EQ(d.vlans[1].mtu, 1300u);
  EXPECT_EQ(d.vlans[1].mac, "02:aa:00:00:00:20");
  EXPECT_EQ(d.veths.size(), 2u);  // no veth for a subinterface
  EXPECT_EQ(d.find_namespace("router")->addresses.at("uplink").at(0).to_string(), "10.40.20.1/24");
}

TEST(Vlans, AFreshLabMakesThemInTheConfigurationOfTheirNodeAndSetsThemUp) {
  auto d = fake::desired(kStick);
  auto p = plan_up(d, fake::empty_system());
  EXPECT_EQ(vlans_made(p, "router"), (std::vector<std::string>{"eth0.10", "uplink"}));
  const auto* c = changes_in(p, "router");
  ASSERT_NE(c, nullptr);
  auto up = [&](const std::string& name) {
    return std::any_of(c->configure_links.begin(), c->configure_links.end(),
                       [&](const LinkConfig& l) { return l.ifname == name && l.up; });
  };
  EXPECT_TRUE(up("eth0.10"));
  EXPECT_TRUE(up("uplink"));
  EXPECT_EQ(c->add_addresses.size(), 2u);
  ASSERT_EQ(c->add_routes.size(), 1u);
  EXPECT_EQ(c->add_routes[0].dev, "uplink");
  EXPECT_NE(dump(p).find("create link router:eth0.10 (VLAN 10 on eth0)"), std::string::npos) << dump(p);
}

TEST(Vlans, AreInSyncOnceMade) {
  auto d = fake::desired(kStick);
  auto o = fake::after_up(d);
  auto p = plan_up(d, o);
  EXPECT_TRUE(p.empty()) << dump(p);
  for (const auto& row : object_status(d, o, p)) EXPECT_TRUE(row.ok) << row.kind << " " << row.object << ": " << row.live;
}

TEST(Vlans, AreMadeAgainWithTheirParentVeth) {
  auto d = fake::desired(kStick);
  auto o = fake::after_up(d);
  // The host end deleted by hand: the pair is made anew, and the kernel took the VLAN devices with the old one.
  auto& host = o.namespaces[kHost].links;
  host.erase(std::remove_if(host.begin(), host.end(), [](const auto& l) { return l.name.rfind("route-", 0) == 0; }), host.end());
  auto p = plan_up(d, o);
  EXPECT_EQ(vlans_made(p, "router"), (std::vector<std::string>{"eth0.10", "uplink"})) << dump(p);
}

TEST(Vlans, AMissingOneIsMadeAndItsAddressesAdded) {
  auto d = fake::desired(kStick);
  auto o = fake::after_up(d);
  auto& links = o.namespaces["router"].links;
  links.erase(std::remove_if(links.begin(), links.end(), [](const auto& l) { return l.name == "eth0.10"; }), links.end());
  auto p = plan_up(d, o);
  EXPECT_EQ(vlans_made(p, "router"), std::vector<std::string>{"eth0.10"}) << dump(p);
  const auto* c = changes_in(p, "router");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->add_addresses.size(), 1u);
  EXPECT_EQ(c->add_addresses[0].first, "eth0.10");
  auto rows = object_status(d, o, p);
  auto row = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.kind == "link" && r.object == "router:eth0.10"; });
  ASSERT_NE(row, rows.end());
  EXPECT_FALSE(row->ok);
  EXPECT_EQ(row->live, "missing");
}

TEST(Vlans, TheWrongIdOrParentIsDeletedAndMadeAnew) {
  auto d = fake::desired(kStick);
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    auto o = fake::after_up(d);
    auto& l = link(o, "router", "eth0.10");
    if (variant == 0) l.vlan_id = 11;
    if (variant == 1) l.peer_index = fake::index_of(o.namespaces["router"], "lo");
    if (variant == 2) l.kind = "dummy";
    auto p = plan_up(d, o);
    EXPECT_EQ(p.delete_links, (std::vector<std::pair<std::string, std::string>>{{"router", "eth0.10"}})) << dump(p);
    EXPECT_EQ(vlans_made(p, "router"), std::vector<std::string>{"eth0.10"}) << dump(p);
    auto rows = object_status(d, o, p);
    auto row = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.object == "router:eth0.10"; });
    ASSERT_NE(row, rows.end());
    EXPECT_FALSE(row->ok);
    // The recreation shows on the object's own row, not as a removal of something unwanted.
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.object == "router:eth0.10"; }), 1);
  }
}

TEST(Vlans, ADownOrChangedOneIsSetRightInPlace) {
  auto d = fake::desired(kStick);
  auto o = fake::after_up(d);
  link(o, "router", "uplink").up = false;
  link(o, "router", "uplink").mtu = 1400;
  auto p = plan_up(d, o);
  EXPECT_TRUE(p.delete_links.empty());
  EXPECT_TRUE(vlans_made(p, "router").empty());
  const auto* c = changes_in(p, "router");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->configure_links.size(), 1u);
  EXPECT_EQ(c->configure_links[0].ifname, "uplink");
  EXPECT_TRUE(c->configure_links[0].up);
  EXPECT_EQ(c->configure_links[0].mtu, 1300u);
}

TEST(Vlans, OneTheLabNoLongerHasIsDeleted) {
  auto before = fake::desired(kStick);
  auto o = fake::after_up(before);
  std::string without = kStick;
  without.erase(without.find("      eth0.10:"), without.find("      uplink:") - without.find("      eth0.10:"));
  auto p = plan_up(fake::desired(without), o);
  EXPECT_EQ(p.delete_links, (std::vector<std::pair<std::string, std::string>>{{"router", "eth0.10"}})) << dump(p);
  EXPECT_NE(dump(p).find("remove link router:eth0.10 (no longer in the lab)"), std::string::npos) << dump(p);
  // Its address goes with it: deleting it by name after the device is gone would fail the run.
  if (const auto* c = changes_in(p, "router")) {
    EXPECT_TRUE(c->delete_addresses.empty()) << dump(p);
  }
}

TEST(Vlans, AForeignDeviceOfThatNameInAnAttachedNamespaceIsRefused) {
  std::string attached = kStick;
  attached.insert(attached.find("    interfaces:\n      eth0: { bridge: sw0, trunks"), "    attach: { pid: 4242 }\n");
  auto d = fake::desired(attached);
  auto o = fake::empty_system();
  auto& ns = o.namespaces["router"];
  ns.exists = true;
  fake::add_link(ns, {.name = "lo", .up = true});
  fake::add_link(ns, {.name = "eth0.10", .kind = "vlan", .up = true, .vlan_id = 10});
  try {
    plan_up(d, o);
    FAIL() << "planned over someone else's eth0.10";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"router:eth0.10\" (node router interface eth0.10) already exists and is not owned"),
              std::string::npos)
        << e.what();
  }
}

// The parent's MTU raised in the file: a subinterface without an MTU of its own follows it (the
// kernel would leave it at the old one), set after its parent in the same batch.
TEST(Vlans, ASubinterfaceWithoutItsOwnMtuFollowsItsParentUp) {
  auto o = fake::after_up(fake::desired(kStick));
  std::string raised = kStick;
  raised.replace(raised.find("mtu: 1400"), 9, "mtu: 9000");
  auto p = plan_up(fake::desired(raised), o);
  EXPECT_TRUE(vlans_made(p, "router").empty()) << dump(p);
  const auto* c = changes_in(p, "router");
  ASSERT_NE(c, nullptr) << dump(p);
  std::vector<std::pair<std::string, uint32_t>> mtus;
  for (const auto& l : c->configure_links)
    if (l.mtu) mtus.emplace_back(l.ifname, *l.mtu);
  EXPECT_EQ(mtus, (std::vector<std::pair<std::string, uint32_t>>{{"eth0", 9000}, {"eth0.10", 9000}})) << dump(p);
}
