// The applier against a recording fake of the system (fake_system.h): the plan's phases in their
// order, rollback newest first, a failure at every single step undoing exactly what was done
// before it (the fake's state back to where it started), requests the kernel refuses inside a
// batch, and the one errno a deletion may meet. No privileges, no syscalls.
#include "nswire/reconcile/apply.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "fake_system.h"
#include "nswire/backend/registry.h"
#include "nswire/reconcile/plan.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

namespace {

// Both backends, bridge addresses (in the host), a native patch and a veth patch, a node-to-node
// link with addresses, routes, a sysctl and DNS: every phase of the applier has work.
const std::string kLab = R"(name: lab1
bridges:
  br0: { addresses: [10.0.2.1/24] }
  o1: { backend: ovs }
  o2: { backend: ovs }
links:
  - endpoints: [o1, o2]
  - endpoints: [br0, o1]
  - endpoints: [blue:p0, red:p0]
    addresses: [[10.7.0.1/30], [10.7.0.2/30]]
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
    routes:
      - { to: default, via: 10.0.2.1 }
    sysctls: { net.ipv4.ip_forward: 1 }
    dns: { nameservers: [10.0.2.1] }
  red:
    interfaces:
      eth0: { bridge: o1, addresses: [10.0.2.101/24] }
)";

struct Applying {
  Desired desired = fake::desired(kLab);
  Plan plan = plan_up(desired, fake::empty_system());
  fake::FakeSystem system;
  ApplyOptions options{.verb = "up", .overlap_ports = false};

  std::string apply() {
    try {
      apply_plan(desired, plan, system, options);
    } catch (const nswire::Error& e) {
      return e.what();
    }
    return "";
  }
};

}  // namespace

TEST(Apply, RunsThePhasesInOrderAndLeavesWhatThePlanWants) {
  Applying r;
  ASSERT_EQ(r.apply(), "");
  const auto& log = r.system.log;
  auto at = [&](const std::string& prefix) {
    auto it = std::find_if(log.begin(), log.end(), [&](const auto& l) { return l.rfind(prefix, 0) == 0; });
    EXPECT_NE(it, log.end()) << prefix;
    return it - log.begin();
  };
  // bridges < namespaces < veths < ports < configuration
  EXPECT_LT(at("apply linux: ensure br0"), at("create namespace blue"));
  EXPECT_LT(at("create namespace red"), at("send 8 in host: [create veth pair"));
  EXPECT_LT(at("send 8 in host"), at("apply linux: attach"));
  EXPECT_LT(at("apply ovs: attach"), at("sysctl blue|net.ipv4.ip_forward = 1"));
  EXPECT_EQ(r.system.state.namespaces, (std::set<std::string>{"blue", "red"}));
  EXPECT_EQ(r.system.state.peer.size(), 2 * r.desired.veths.size());
  EXPECT_EQ(r.system.state.bridges.at("ovs:o1").size(), 3u);  // red's port, the patch, the veth patch
  EXPECT_TRUE(r.system.state.resolv_confs.count("blue"));
  EXPECT_TRUE(r.system.state.routes.count("blue|default via 10.0.2.1"));
  EXPECT_TRUE(r.system.state.addresses.count("|10.0.2.1/24 on br0"));
}

TEST(Apply, AFailureAtEveryStepUndoesExactlyWhatWasDoneBeforeIt) {
  Applying clean;
  ASSERT_EQ(clean.apply(), "");
  const long steps = clean.system.changes;
  ASSERT_GT(steps, 10);
  for (long n = 1; n <= steps; ++n) {
    SCOPED_TRACE("refused step " + std::to_string(n) + ": " + clean.system.log[n - 1]);
    Applying r;
    r.system.fail_at = n;
    std::string error = r.apply();
    EXPECT_NE(error.find("up failed: fake: change " + std::to_string(n) + " refused"), std::string::npos) << error;
    EXPECT_NE(error.find("rolled back"), std::string::npos) << error;
    EXPECT_EQ(error.find("rollback trouble"), std::string::npos) << error;
    EXPECT_EQ(r.system.state, fake::SystemState{}) << "what was done before the refusal is not all undone";
  }
}

// A switch may commit a transaction and then report a failure (an interface ovs-vswitchd could
// not open): what committed is undone too.
TEST(Apply, ABackendChangeThatCommittedAndThenFailedIsUndone) {
  Applying clean;
  ASSERT_EQ(clean.apply(), "");
  int applies = 0;
  for (long n = 1; n <= clean.system.changes; ++n) {
    if (clean.system.log[n - 1].rfind("apply ", 0) != 0) continue;
    ++applies;
    SCOPED_TRACE(clean.system.log[n - 1]);
    Applying r;
    r.system.fail_after = n;
    EXPECT_NE(r.apply().find("committed, then failed"), std::string::npos);
    EXPECT_EQ(r.system.state, fake::SystemState{});
  }
  EXPECT_EQ(applies, 4);  // bridges and ports, on each backend
}

TEST(Apply, RollbackUndoesNewestFirst) {
  Applying r;
  r.system.refuse_request = "add address 10.0.2.101/24";  // the kernel refuses one request of the last batch
  std::string error = r.apply();
  ASSERT_NE(error.find("up failed: add address 10.0.2.101/24 on red:eth0: Invalid argument (kernel: fake refusal) in "
                       "namespace red; rolled back 15 changes"),
            std::string::npos)
      << error;
  const auto& log = r.system.log;
  auto failed = std::find_if(log.begin(), log.end(), [](const auto& l) { return l.rfind("send 5 in red:", 0) == 0; });
  ASSERT_NE(failed, log.end());
  std::vector<std::string> undone(failed + 1, log.end());
  // Every inverse, newest first: the other request of the refused batch, DNS, the sysctl, the
  // node and host addresses, the ports (OVS attached last, so detached first), the veths, the
  // namespaces, the bridges.
  std::vector<std::string> expected = {
      "send 1 in red: [delete address 10.7.0.2/30 on p0]",
      "remove /etc/netns/blue",
      "sysctl blue|net.ipv4.ip_forward = 0",
      "send 3 in blue: [delete route default via 10.0.2.1] [delete address 10.0.2.100/24 on eth0] [delete address 10.7.0.1/30 on p0]",
      "send 1 in host: [delete address 10.0.2.1/24 on br0]",
      "apply ovs: detach o1:red-eth0-1899 detach o1:po1-br0-1334 unpatch po1-o2-450d unpatch po2-o1-cbcb",
      "apply linux: detach br0:blue-eth0-9f38 detach br0:pbr0-o1-7842",
      "send 1 in blue: [delete link p0]",
      "send 1 in host: [delete link pbr0-o1-7842]",
      "send 1 in host: [delete link red-eth0-1899]",
      "send 1 in host: [delete link blue-eth0-9f38]",
      "remove namespace red",
      "remove namespace blue",
      "apply ovs: remove o1 remove o2",
      "apply linux: remove br0",
  };
  EXPECT_EQ(undone, expected);
  EXPECT_EQ(r.system.state, fake::SystemState{});
}

TEST(Apply, PortsOnAHelperThreadAreUndoneToo) {
  for (long n = 1;; ++n) {
    Applying probe;
    ASSERT_EQ(probe.apply(), "");
    if (n > probe.system.changes) break;
    Applying r;
    r.options.overlap_ports = true;
    r.system.fail_at = n;
    r.apply();
    EXPECT_EQ(r.system.state, fake::SystemState{}) << "refused step " << n;
  }
}

TEST(Apply, DownRemovesEverythingTheLabMadeAndAGoneLinkIsNoFailure) {
  Applying up;
  ASSERT_EQ(up.apply(), "");
  auto observed = fake::after_up(up.desired);
  Desired none;
  none.lab = "lab1";
  none.backends = nswire::backend::catalog();
  none.namespaces.push_back({.node = kHost});
  auto down = plan_down("lab1", observed, none.backends);
  fake::FakeSystem& system = up.system;
  system.log.clear();
  // A host veth vanished already (its namespace went first): ENODEV on its deletion is fine.
  apply_plan(none, down, system, {.verb = "down", .overlap_ports = false});
  EXPECT_TRUE(system.state.namespaces.empty());
  EXPECT_TRUE(system.state.peer.empty());
  EXPECT_TRUE(system.state.bridges.empty());
  EXPECT_TRUE(system.state.resolv_confs.empty());
}

TEST(Apply, OnlyAGoneLinkIsForgivenWhenDeleting) {
  Applying up;
  ASSERT_EQ(up.apply(), "");
  auto observed = fake::after_up(up.desired);
  auto down = plan_down("lab1", observed, nswire::backend::catalog());
  ASSERT_FALSE(down.delete_links.empty() && down.vanishing_links.empty());
  up.system.refuse_request = "delete link";
  up.system.refuse_errno = EPERM;
  Desired none;
  none.lab = "lab1";
  none.backends = nswire::backend::catalog();
  none.namespaces.push_back({.node = kHost});
  bool threw = false;
  try {
    apply_plan(none, down, up.system, {.verb = "down", .overlap_ports = false});
  } catch (const nswire::Error& e) {
    threw = true;
    EXPECT_NE(std::string(e.what()).find("delete link"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Operation not permitted"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(threw);
}

// A lab across hosts: the tunnels are made with the bridges and undone with them.
TEST(Apply, TunnelsOfALabAcrossHostsAreMadeWithTheBridgesAndUndoneOnFailure) {
  const std::string lab = R"(name: mh
hosts:
  h1: { address: 192.168.100.11 }
  h2: { address: 192.168.100.12 }
bridges:
  lan: { addresses: [10.0.0.1/24] }
  wan: { backend: ovs }
nodes:
  a: { host: h1, interfaces: { eth0: { bridge: lan, addresses: [10.0.0.11/24] }, eth1: { bridge: wan } } }
  b: { host: h2, interfaces: { eth0: { bridge: lan, addresses: [10.0.0.12/24] }, eth1: { bridge: wan } } }
)";
  struct Run {
    std::string error;
    fake::SystemState state;
    std::vector<std::string> log;
    long changes = 0;
  };
  auto run = [&](long fail_at) {
    Applying r;
    r.desired = fake::desired(lab, "h1");
    r.plan = plan_up(r.desired, fake::empty_system());
    r.system.fail_at = fail_at;
    Run out{r.apply(), {}, {}, 0};
    out.state = r.system.state;
    out.log = r.system.log;
    out.changes = r.system.changes;
    return out;
  };
  Run done = run(0);
  ASSERT_EQ(done.error, "");
  EXPECT_EQ(done.state.tunnels, (std::set<std::string>{"linux:lan", "ovs:wan"}));
  // The bridges' phase makes the tunnels in the same change as the bridges.
  EXPECT_NE(std::find(done.log.begin(), done.log.end(), "apply linux: ensure lan tunnel lan"), done.log.end());
  for (long n = 1; n <= done.changes; ++n) {
    SCOPED_TRACE("refused step " + std::to_string(n) + ": " + done.log[n - 1]);
    Run r = run(n);
    EXPECT_NE(r.error.find("rolled back"), std::string::npos) << r.error;
    EXPECT_EQ(r.state, fake::SystemState{});
  }
}
