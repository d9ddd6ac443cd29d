// Bridges and nodes as one live state each (the colours of `nswire graph`), against fakes of the
// system: all as wanted after `up`, all missing before it, and one broken thing marking only
// the node and bridge it belongs to.
#include "nswire/reconcile/live_status.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "nswire/reconcile/plan.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

namespace {

const std::string kLab = R"(name: lab1
backend: linux
bridges:
  br0: { addresses: [10.0.2.1/24] }
  br1: {}
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
  red:
    interfaces:
      eth0: { bridge: br1, addresses: [10.0.3.101/24] }
    sysctls: { net.ipv4.ip_forward: 1 }
)";

LiveStatus judge(const Desired& d, const Observed& o) {
  Plan drift = plan_up(d, o);
  return live_status(d, object_status(d, o, drift), drift);
}

}  // namespace

TEST(LiveStatus, EverythingAsWantedAfterUp) {
  auto d = fake::desired(kLab);
  auto live = judge(d, fake::after_up(d));
  EXPECT_EQ(live.bridges, (std::map<std::string, LiveState>{{"br0", LiveState::as_wanted}, {"br1", LiveState::as_wanted}}));
  EXPECT_EQ(live.nodes, (std::map<std::string, LiveState>{{"blue", LiveState::as_wanted}, {"red", LiveState::as_wanted}}));
}

TEST(LiveStatus, EverythingMissingBeforeUp) {
  auto d = fake::desired(kLab);
  auto live = judge(d, fake::empty_system());
  EXPECT_EQ(live.bridges.at("br0"), LiveState::missing);
  EXPECT_EQ(live.nodes.at("blue"), LiveState::missing);
  EXPECT_EQ(live.nodes.at("red"), LiveState::missing);
}

TEST(LiveStatus, ADeletedVethMarksItsNodeAndBridgeOnly) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::string host;
  for (const auto& v : d.veths)
    if (v.b.ns == "blue") host = v.a.ifname;
  auto& links = o.namespaces[kHost].links;
  links.erase(std::remove_if(links.begin(), links.end(), [&](const auto& l) { return l.name == host; }), links.end());
  auto& inside = o.namespaces["blue"].links;
  inside.erase(std::remove_if(inside.begin(), inside.end(), [](const auto& l) { return l.name == "eth0"; }), inside.end());
  o.namespaces["blue"].addresses.clear();
  auto& ports = fake::bridge(o, "linux", "br0").ports;
  ports.clear();
  auto live = judge(d, o);
  EXPECT_EQ(live.nodes.at("blue"), LiveState::drifting);
  EXPECT_EQ(live.bridges.at("br0"), LiveState::drifting);
  EXPECT_EQ(live.nodes.at("red"), LiveState::as_wanted);
  EXPECT_EQ(live.bridges.at("br1"), LiveState::as_wanted);
}

TEST(LiveStatus, ASysctlMarksItsNodeOnly) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  o.namespaces["red"].sysctls["net.ipv4.ip_forward"] = "0";
  auto live = judge(d, o);
  EXPECT_EQ(live.nodes.at("red"), LiveState::drifting);
  EXPECT_EQ(live.nodes.at("blue"), LiveState::as_wanted);
  EXPECT_EQ(live.bridges.at("br1"), LiveState::as_wanted);
}
