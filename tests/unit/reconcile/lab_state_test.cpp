// A lab's one-word state (`nswire ls`) from the planner's drift, against fakes of the system:
// up after a clean `up`, partial when objects are missing, drifted when they only differ.
#include "nswire/reconcile/lab_state.h"

#include <gtest/gtest.h>

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
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
    sysctls: { net.ipv4.ip_forward: 1 }
  red:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.101/24] }
)";

}  // namespace

TEST(LabState, UpWhenNothingIsToDo) {
  auto d = fake::desired(kLab);
  EXPECT_EQ(state_of(plan_up(d, fake::after_up(d))), LabState::up);
}

TEST(LabState, PartialWhenNothingOrANamespaceIsMissing) {
  auto d = fake::desired(kLab);
  EXPECT_EQ(state_of(plan_up(d, fake::empty_system())), LabState::partial);
  auto o = fake::after_up(d);
  o.namespaces.erase("red");
  EXPECT_EQ(state_of(plan_up(d, o)), LabState::partial);
}

TEST(LabState, DriftedWhenObjectsExistButDiffer) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  o.namespaces["blue"].sysctls["net.ipv4.ip_forward"] = "0";
  EXPECT_EQ(state_of(plan_up(d, o)), LabState::drifted);
  o = fake::after_up(d);
  for (auto& a : o.namespaces["red"].addresses)
    if (a.prefix.to_string() == "10.0.2.101/24") a.prefix = nswire::IpPrefix::from("10.0.2.199/24");
  EXPECT_EQ(state_of(plan_up(d, o)), LabState::drifted);
}

TEST(LabState, EveryStateHasItsWord) {
  EXPECT_STREQ(to_string(LabState::up), "up");
  EXPECT_STREQ(to_string(LabState::partial), "partial");
  EXPECT_STREQ(to_string(LabState::drifted), "drifted");
  EXPECT_STREQ(to_string(LabState::busy), "busy");
  EXPECT_STREQ(to_string(LabState::orphaned), "orphaned");
  EXPECT_STREQ(to_string(LabState::unknown), "unknown");
}
