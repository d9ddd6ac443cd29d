// The applier and root qdiscs, against the recording fake (fake_system.h, which reads each qdisc
// request back the way the kernel's dump reports it): impairments set in each namespace's one
// configuration batch, a refusal at every step undone, and the inverse of each kind of change
// (nswire's own put back as it was; the kernel's default, or a root set by hand, as the default).
#include <gtest/gtest.h>

#include "fake_observed.h"
#include "fake_system.h"
#include "nswire/netlink/units.h"
#include "nswire/reconcile/apply.h"
#include "nswire/reconcile/plan.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;
namespace netlink = nswire::netlink;

namespace {

const std::string kLab = R"(name: lab1
bridges:
  br0: {}
nodes:
  a:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.0.1/24], rate: 50mbit }
  b:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.0.2/24], netem: { delay: 20ms, loss: 1%, direction: out } }
)";

std::string apply(const Desired& d, const Plan& p, fake::FakeSystem& s) {
  try {
    apply_plan(d, p, s, {.verb = "up", .overlap_ports = false});
  } catch (const nswire::Error& e) {
    return e.what();
  }
  return "";
}

std::string host_end(const Desired& d, const std::string& node) {
  for (const auto& v : d.veths)
    if (v.b.ns == node) return v.a.ifname;
  throw std::runtime_error("no veth of " + node);
}

std::string text(const netlink::RootQdisc& q) {
  return q.kind + (q.impairment ? " " + netlink::describe(*q.impairment) : "") + (q.is_ours() ? "" : " (not ours)");
}

// A system the lab was applied on, its state and the fake ready for the next run.
struct Up {
  Desired desired = fake::desired(kLab);
  fake::FakeSystem system;
  Up() {
    EXPECT_EQ(apply(desired, plan_up(desired, fake::empty_system()), system), "");
    system.changes = 0;
    system.log.clear();
  }
};

}  // namespace

TEST(ApplyImpair, ImpairmentsAreSetInEachNamespacesConfigurationBatch) {
  Up up;
  const auto& q = up.system.state.qdiscs;
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(text(q.at("a|eth0")), "tbf rate 50mbit");
  EXPECT_EQ(text(q.at("|" + host_end(up.desired, "a"))), "tbf rate 50mbit");
  EXPECT_EQ(text(q.at("b|eth0")), "netem delay 20ms loss 1% limit 1000");
  EXPECT_FALSE(q.count("|" + host_end(up.desired, "b"))) << "direction out: what b receives is not impaired";
}

TEST(ApplyImpair, ARefusalAtEveryStepLeavesNoQdiscBehind) {
  auto d = fake::desired(kLab);
  auto plan = plan_up(d, fake::empty_system());
  fake::FakeSystem clean;
  ASSERT_EQ(apply(d, plan, clean), "");
  for (long n = 1; n <= clean.changes; ++n) {
    SCOPED_TRACE("refused step " + std::to_string(n) + ": " + clean.log[n - 1]);
    fake::FakeSystem s;
    s.fail_at = n;
    EXPECT_NE(apply(d, plan, s).find("rolled back"), std::string::npos);
    EXPECT_EQ(s.state, fake::SystemState{});
  }
  // A qdisc the kernel refuses (netem where sch_netem is missing) fails the run; all is undone.
  fake::FakeSystem s;
  s.refuse_request = "set root qdisc netem";
  s.refuse_errno = ENOENT;
  auto error = apply(d, plan, s);
  EXPECT_NE(error.find("up failed: set root qdisc netem on eth0: No such file or directory"), std::string::npos) << error;
  EXPECT_EQ(s.state, fake::SystemState{});
}

TEST(ApplyImpair, TheInverseOfEachChangeIsWhatWasThere) {
  Up up;
  const auto before = up.system.state;
  // An edit: a's rate 50 -> 10 mbit, b's netem dropped; plus a sysctl, refused after the batch.
  std::string edited = kLab;
  edited.replace(edited.find("rate: 50mbit"), 12, "rate: 10mbit");
  const std::string netem = ", netem: { delay: 20ms, loss: 1%, direction: out }";
  edited.replace(edited.find(netem), netem.size(), "");
  edited += "    sysctls: { net.ipv4.ip_forward: 1 }\n";
  auto d2 = fake::desired(edited);
  auto p = plan_up(d2, fake::after_up(up.desired));
  size_t changes = 0;
  for (const auto& c : p.configure) changes += c.qdiscs.size();
  ASSERT_EQ(changes, 3u);
  // Applied: the new rate on both ends of a's, b's netem gone (the kernel's default back).
  {
    fake::FakeSystem s;
    s.state = up.system.state;
    ASSERT_EQ(apply(d2, p, s), "");
    EXPECT_EQ(text(s.state.qdiscs.at("a|eth0")), "tbf rate 10mbit");
    EXPECT_FALSE(s.state.qdiscs.count("b|eth0"));
  }
  // Refused at the sysctl: the old rate and b's netem are back exactly.
  long sysctl_step = 0;
  {
    fake::FakeSystem probe;
    probe.state = up.system.state;
    apply(d2, p, probe);
    for (size_t i = 0; i < probe.log.size(); ++i)
      if (probe.log[i].rfind("sysctl", 0) == 0) sysctl_step = static_cast<long>(i) + 1;
  }
  ASSERT_GT(sysctl_step, 0);
  up.system.fail_at = sysctl_step;
  EXPECT_NE(apply(d2, p, up.system).find("rolled back"), std::string::npos);
  EXPECT_EQ(up.system.state, before);
}

TEST(ApplyImpair, ARootSetByHandIsReplacedAndTheRollbackPutsTheDefaultBack) {
  Up up;
  auto observed = fake::after_up(up.desired);
  // Someone replaced a's tbf by an htb of theirs; the lab wants its tbf back.
  up.system.state.qdiscs["a|eth0"] = {.kind = "htb", .handle = 0x10000};
  auto& a = observed.namespaces["a"];
  for (auto& q : a.qdiscs)
    if (q.ifindex == fake::index_of(a, "eth0")) q = {.ifindex = q.ifindex, .kind = "htb", .handle = 0x10000};
  std::string edited = kLab + "    sysctls: { net.ipv4.ip_forward: 1 }\n";
  auto d2 = fake::desired(edited);
  auto p = plan_up(d2, observed);
  up.system.fail_at = 2;  // the sysctl after a's batch
  auto error = apply(d2, p, up.system);
  ASSERT_NE(error.find("rolled back"), std::string::npos) << error;
  EXPECT_FALSE(up.system.state.qdiscs.count("a|eth0")) << "nswire cannot rebuild someone's htb: the default is back";
  // Without the refusal, nswire's tbf is there.
  Up again;
  again.system.state.qdiscs["a|eth0"] = {.kind = "htb", .handle = 0x10000};
  ASSERT_EQ(apply(d2, p, again.system), "");
  EXPECT_EQ(text(again.system.state.qdiscs.at("a|eth0")), "tbf rate 50mbit");
}

TEST(ApplyImpair, AnOvsPortToldToLeaveItsQdiscStaysAttachedWhenTheRunRollsBack) {
  const std::string lab = "name: lab1\nbridges:\n  o1: { backend: ovs }\nnodes:\n  a:\n    interfaces:\n"
                          "      eth0: { bridge: o1, addresses: [10.0.0.1/24] }\n";
  auto d = fake::desired(lab);
  fake::FakeSystem s;
  ASSERT_EQ(apply(d, plan_up(d, fake::empty_system()), s), "");
  const auto before = s.state;
  // An edit impairs a's interface both ways: its host end is an OVS port, which must first let
  // go of the device's qdisc (the port changed in place), then nswire sets the qdiscs.
  std::string edited = lab;
  edited.replace(edited.find(" }\n", edited.find("eth0")), 3, ", rate: 10mbit }\n");
  auto d2 = fake::desired(edited);
  auto p = plan_up(d2, fake::after_up(d));
  EXPECT_TRUE(p.ports_first);
  ASSERT_EQ(p.ports.at("ovs").attach_ports.size(), 1u);
  EXPECT_TRUE(p.ports.at("ovs").attach_ports[0].keep_qdisc);
  ASSERT_EQ(p.restore.at("ovs").attach_ports.size(), 1u);
  EXPECT_FALSE(p.restore.at("ovs").attach_ports[0].keep_qdisc);
  s.changes = 0;
  s.log.clear();
  s.refuse_request = "set root qdisc tbf on eth0";  // a's own batch, after the port and the host end
  auto error = apply(d2, p, s);
  ASSERT_NE(error.find("rolled back"), std::string::npos) << error;
  EXPECT_EQ(s.state, before) << "the port is attached again as it was, not detached";
  EXPECT_EQ(s.log.front().rfind("apply ovs: attach o1:", 0), 0u) << "the port first: " << s.log.front();
}
