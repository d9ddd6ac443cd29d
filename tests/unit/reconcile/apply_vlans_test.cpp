// The applier making VLAN subinterfaces against the recording fake (fake_system.h models VLAN
// devices on their parents): one batch per namespace after the parent veth is there, a failure at
// every step undone, and a VLAN the kernel refuses taking the ones made before it back with it.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "fake_system.h"
#include "nswire/reconcile/apply.h"
#include "nswire/reconcile/plan.h"

using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

namespace {

const std::string kStick = R"(name: stick
bridges:
  sw0: {}
nodes:
  router:
    interfaces:
      eth0: { bridge: sw0, trunks: [10, 20] }
      eth0.10: { parent: eth0, addresses: [10.40.10.1/24] }
      eth0.20: { parent: eth0, addresses: [10.40.20.1/24] }
  h10:
    interfaces: { eth0: { bridge: sw0, vlan: 10, addresses: [10.40.10.11/24] } }
)";

struct Applying {
  Desired desired = fake::desired(kStick);
  Plan plan = plan_up(desired, fake::empty_system());
  fake::FakeSystem system;

  std::string apply() {
    try {
      apply_plan(desired, plan, system, {.verb = "up", .overlap_ports = false});
    } catch (const nswire::Error& e) {
      return e.what();
    }
    return "";
  }
};

}  // namespace

TEST(ApplyVlans, MadeInOneBatchOnTheirParentAndMarked) {
  Applying r;
  ASSERT_EQ(r.apply(), "");
  using Vlans = decltype(r.system.state.vlans);
  EXPECT_EQ(r.system.state.vlans, (Vlans{{"router|eth0.10", {"router|eth0", 10}}, {"router|eth0.20", {"router|eth0", 20}}}));
  const auto& log = r.system.log;
  auto made = std::find(log.begin(), log.end(),
                        "send 4 in router: [create VLAN 10 device eth0.10] [create VLAN 20 device eth0.20] "
                        "[change link eth0.10] [change link eth0.20]");
  ASSERT_NE(made, log.end()) << "the VLANs and their marks are not one batch";
  auto veths = std::find_if(log.begin(), log.end(), [](const auto& l) { return l.find("create veth pair") != std::string::npos; });
  EXPECT_LT(veths, made);
  // Their addresses come after them, by the index the re-read link list gave.
  auto addressed = std::find_if(log.begin(), log.end(), [](const auto& l) {
    return l.rfind("send", 0) == 0 && l.find("in router:") != std::string::npos && l.find("add address 10.40.10.1/24") != std::string::npos;
  });
  EXPECT_LT(made, addressed);
  EXPECT_TRUE(r.system.state.addresses.count("router|10.40.20.1/24 on router:eth0.20"));
}

TEST(ApplyVlans, AFailureAtEveryStepUndoesExactlyWhatWasDoneBeforeIt) {
  Applying clean;
  ASSERT_EQ(clean.apply(), "");
  for (long n = 1; n <= clean.system.changes; ++n) {
    SCOPED_TRACE("refused step " + std::to_string(n) + ": " + clean.system.log[n - 1]);
    Applying r;
    r.system.fail_at = n;
    std::string error = r.apply();
    EXPECT_NE(error.find("rolled back"), std::string::npos) << error;
    EXPECT_EQ(error.find("rollback trouble"), std::string::npos) << error;
    EXPECT_EQ(r.system.state, fake::SystemState{});
  }
}

// The kernel makes eth0.10 and refuses eth0.20 in the same batch: the error names the refused
// device, and eth0.10 is deleted by the rollback (before its parent goes), not left to chance.
TEST(ApplyVlans, ARefusedVlanTakesTheOnesMadeBeforeItBack) {
  Applying r;
  r.system.refuse_request = "create VLAN 20 device eth0.20";
  r.system.refuse_errno = EOPNOTSUPP;
  std::string error = r.apply();
  EXPECT_NE(error.find("create VLAN 20 device eth0.20"), std::string::npos) << error;
  EXPECT_NE(error.find("in namespace router"), std::string::npos) << error;
  EXPECT_NE(error.find("rolled back"), std::string::npos) << error;
  const auto& log = r.system.log;
  auto undone = std::find(log.begin(), log.end(), "send 1 in router: [delete link eth0.10]");
  auto parent_gone = std::find_if(log.begin(), log.end(), [](const auto& l) { return l.find("[delete link router-eth0") != std::string::npos; });
  ASSERT_NE(undone, log.end()) << "the VLAN made before the refusal was not deleted";
  EXPECT_LT(undone, parent_gone);
  EXPECT_EQ(r.system.state, fake::SystemState{});
}
