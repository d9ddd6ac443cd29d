// Impairments and run-time overrides in the judgement: the planner and status against fakes of
// the observed system (fake_observed.h). Root qdiscs set on a fresh lab, in sync after `up`,
// changed by an edit or by hand (drift), nswire's own removed where none is wanted, someone
// else's left alone; overrides judged as wanted (and restored by plan_up from the file); one
// link planned alone (plan_link), with what the kernel drops when a link goes down. Pure.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_observed.h"
#include "plan_text.h"
#include "nswire/error.h"
#include "nswire/netlink/units.h"
#include "nswire/reconcile/overrides.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/status.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;
namespace netlink = nswire::netlink;

using nswire::reconcile::plan_text::dump;

namespace {

const std::string kLab = R"(name: imp
bridges:
  br0: {}
nodes:
  a:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.0.1/24, 'fd00::1/64'], rate: 50mbit }
    routes:
      - { to: 10.5.0.0/16, via: 10.9.0.2 }
      - { to: 'fd05::/64', via: 'fd09::2' }
  b:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.0.2/24], netem: { delay: 20ms, loss: 1%, direction: out } }
links:
  - endpoints: [a:p0, b:p0]
    addresses: [[10.9.0.1/30, 'fd09::1/64'], [10.9.0.2/30, 'fd09::2/64']]
)";

std::vector<std::string> lines(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& a : p.actions)
    out.push_back(std::string(to_string(a.op)) + " " + to_string(a.kind) + " " + a.object + (a.detail.empty() ? "" : " (" + a.detail + ")"));
  return out;
}

std::vector<QdiscChange> qdiscs(const Plan& p) {
  std::vector<QdiscChange> out;
  for (const auto& c : p.configure) out.insert(out.end(), c.qdiscs.begin(), c.qdiscs.end());
  return out;
}

const DesiredVeth& veth(const Desired& d, const std::string& ns, const std::string& ifname) {
  for (const auto& v : d.veths)
    if ((v.a.ns == ns && v.a.ifname == ifname) || (v.b.ns == ns && v.b.ifname == ifname)) return v;
  throw std::runtime_error("no veth " + ns + ":" + ifname);
}

netlink::RootQdisc& root_of(Observed& o, const std::string& ns, const std::string& ifname) {
  auto& n = o.namespaces[ns];
  int index = fake::index_of(n, ifname);
  for (auto& q : n.qdiscs)
    if (q.ifindex == index) return q;
  throw std::runtime_error("no qdisc on " + ifname);
}

netlink::Impairment rate(const char* r) {
  netlink::Impairment i;
  i.rate_bps = netlink::parse_rate(r).value;
  return i;
}

std::vector<ObjectStatus> bad_rows(const std::vector<ObjectStatus>& rows) {
  std::vector<ObjectStatus> out;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(out), [](const auto& r) { return !r.ok; });
  return out;
}

}  // namespace

TEST(PlanImpair, AFreshLabSetsEveryImpairmentOnItsEnd) {
  auto d = fake::desired(kLab);
  auto p = plan_up(d, fake::empty_system());
  const std::string a_host = veth(d, "a", "eth0").a.ifname, b_host = veth(d, "b", "eth0").a.ifname;
  auto l = lines(p);
  for (const auto& want : {"create qdisc " + a_host + " egress (tbf rate 50mbit)", std::string("create qdisc a:eth0 egress (tbf rate 50mbit)"),
                           std::string("create qdisc b:eth0 egress (netem delay 20ms loss 1%)")})
    EXPECT_NE(std::find(l.begin(), l.end(), want), l.end()) << want << dump(p);
  EXPECT_EQ(std::count_if(l.begin(), l.end(), [](const auto& s) { return s.find(" qdisc ") != std::string::npos; }), 3)
      << "b's host end (what b receives) and the p0 link want none" << dump(p);
  for (const auto& q : qdiscs(p)) EXPECT_FALSE(q.before) << q.ifname << ": a new end starts with the kernel's default";
}

TEST(PlanImpair, InSyncAfterUpAndStatusAgrees) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  auto p = plan_up(d, o);
  EXPECT_TRUE(p.empty()) << dump(p);
  auto rows = object_status(d, o, p);
  EXPECT_TRUE(bad_rows(rows).empty());
  size_t qdisc_rows = std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.kind == "qdisc"; });
  EXPECT_EQ(qdisc_rows, 3u);
  auto row = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.object == "b:eth0 egress"; });
  ASSERT_NE(row, rows.end());
  EXPECT_EQ(row->wanted, "netem delay 20ms loss 1%");
  EXPECT_EQ(row->live, "netem delay 20ms loss 1% limit 1000") << "the kernel's default queue limit, read back";
}

TEST(PlanImpair, AnEditOrAHandChangeIsReplacedAndTheRollbackKnowsWhatWasThere) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  // Changed by hand: `tc qdisc change dev eth0 root handle 5e01: netem delay 50ms` in b.
  root_of(o, "b", "eth0").impairment->delay = std::chrono::milliseconds(50);
  auto p = plan_up(d, o);
  auto q = qdiscs(p);
  ASSERT_EQ(q.size(), 1u) << dump(p);
  EXPECT_EQ(q[0].ifname, "eth0");
  ASSERT_TRUE(q[0].before);
  EXPECT_EQ(q[0].before->impairment->delay, std::chrono::milliseconds(50));
  EXPECT_EQ(lines(p).at(0), "modify qdisc b:eth0 egress (netem delay 20ms loss 1% (was delay 50ms loss 1% limit 1000))");
  auto rows = bad_rows(object_status(d, o, p));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].live, "netem delay 50ms loss 1% limit 1000");
  // A root someone set in nswire's place (another handle): replaced, and said so.
  auto o2 = fake::after_up(d);
  root_of(o2, "a", "eth0") = {.ifindex = root_of(o2, "a", "eth0").ifindex, .kind = "htb", .handle = 0x10000};
  auto p2 = plan_up(d, o2);
  ASSERT_EQ(qdiscs(p2).size(), 1u) << dump(p2);
  EXPECT_EQ(lines(p2).at(0), "modify qdisc a:eth0 egress (tbf rate 50mbit (replaces htb set by hand))");
  EXPECT_EQ(bad_rows(object_status(d, o2, p2)).at(0).live, "htb, set by hand");
  // Deleted by hand: the kernel's default is back; set again, as if new.
  auto o3 = fake::after_up(d);
  root_of(o3, "a", "eth0") = {.ifindex = root_of(o3, "a", "eth0").ifindex, .kind = "noqueue"};
  auto p3 = plan_up(d, o3);
  ASSERT_EQ(qdiscs(p3).size(), 1u);
  EXPECT_FALSE(qdiscs(p3)[0].before);
  EXPECT_EQ(lines(p3).at(0), "create qdisc a:eth0 egress (tbf rate 50mbit)");
}

TEST(PlanImpair, NswiresOwnGoesWhenNoLongerWantedAndSomeoneElsesStays) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::string edited = kLab;
  edited.replace(edited.find(", rate: 50mbit"), 14, "");
  auto d2 = fake::desired(edited);
  auto p = plan_up(d2, o);
  auto q = qdiscs(p);
  ASSERT_EQ(q.size(), 2u) << dump(p);  // both ends of a's eth0
  for (const auto& c : q) {
    EXPECT_TRUE(c.impairment.empty());
    ASSERT_TRUE(c.before);
    EXPECT_EQ(c.before->handle, netlink::kTbfHandle) << "deleted by its own handle: the kernel refuses another one's";
  }
  // A root set by hand on an end that wants none is not the lab's business.
  auto o2 = fake::after_up(d);
  root_of(o2, "a", "p0") = {.ifindex = root_of(o2, "a", "p0").ifindex, .kind = "fq_codel", .handle = 0x80010000};
  EXPECT_TRUE(plan_up(d, o2).empty());
  EXPECT_TRUE(bad_rows(object_status(d, o2, plan_up(d, o2))).empty());
}

TEST(PlanImpair, OverridesAreAsWantedAndUpRestoresTheFile) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  // `nswire link a:eth0 set --rate 10mbit --direction out`, as applied.
  std::vector<LinkOverride> overrides;
  const auto& v = veth(d, "a", "eth0");
  override_impairment(overrides, "a:eth0", v, false, Direction::out, rate("10mbit"));
  ASSERT_EQ(overrides.size(), 1u);
  EXPECT_EQ(overrides[0].ns, "a");
  EXPECT_EQ(describe(overrides[0]), "a:eth0: a:eth0 egress rate 10mbit");
  auto wanted = with_overrides(d, overrides);
  root_of(o, "a", "eth0").impairment = rate("10mbit");
  EXPECT_TRUE(plan_up(wanted, o).empty()) << dump(plan_up(wanted, o));
  auto rows = object_status(wanted, o, plan_up(wanted, o));
  EXPECT_TRUE(bad_rows(rows).empty());
  auto row = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.object == "a:eth0 egress"; });
  EXPECT_EQ(row->wanted, "tbf rate 10mbit (override)");
  // `up` plans from the file: the override ends.
  auto up = plan_up(d, o);
  ASSERT_EQ(qdiscs(up).size(), 1u) << dump(up);
  EXPECT_EQ(qdiscs(up)[0].impairment, rate("50mbit"));
  // reset drops every override of the veth; in/both reach the peer end.
  override_impairment(overrides, "a:eth0", v, false, Direction::in, rate("1mbit"));
  EXPECT_EQ(overrides.size(), 2u);
  clear_overrides(overrides, v);
  EXPECT_TRUE(overrides.empty());
}

TEST(PlanImpair, ALinkHeldDownKeepsItsLostAddressesAndRoutesAsWanted) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::vector<LinkOverride> overrides;
  const auto& p0 = veth(d, "a", "p0");
  override_down(overrides, "a:p0", p0, true);
  auto wanted = with_overrides(d, overrides);
  // The link, as `nswire link a:p0 down` left it: planned alone, only the end goes down.
  auto p = plan_link(wanted, o, veth(wanted, "a", "p0"));
  ASSERT_EQ(p.actions.size(), 1u) << dump(p);
  EXPECT_EQ(lines(p)[0], "modify link a:p0 (down (override))");
  ASSERT_EQ(p.configure.size(), 1u);
  EXPECT_FALSE(p.configure[0].configure_links.at(0).up);
  // What the kernel does then: a:p0 down, its IPv6 addresses and its routes gone.
  auto& a = o.namespaces["a"];
  int p0_index = fake::index_of(a, "p0");
  for (auto& l : a.links)
    if (l.name == "p0") l.up = false;
  std::erase_if(a.addresses, [&](const auto& x) { return x.index == p0_index && x.prefix.family == AF_INET6; });
  std::erase_if(a.routes, [&](const auto& r) { return r.oif == p0_index; });
  auto drift = plan_up(wanted, o);
  EXPECT_TRUE(drift.empty()) << "held down: not drift" << dump(drift);
  auto rows = object_status(wanted, o, drift);
  EXPECT_TRUE(bad_rows(rows).empty()) << bad_rows(rows).at(0).object << ": " << bad_rows(rows).at(0).live;
  auto route = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.object == "10.5.0.0/16 via 10.9.0.2 in a"; });
  ASSERT_NE(route, rows.end());
  EXPECT_EQ(route->live, "gone with the link (held down)");
  // `link up`: the end up again, its IPv6 address and both routes back; nothing else of the lab.
  clear_down(overrides, p0);
  EXPECT_TRUE(overrides.empty());
  auto back = plan_link(d, o, veth(d, "a", "p0"));
  auto l = lines(back);
  std::sort(l.begin(), l.end());
  EXPECT_EQ(l, (std::vector<std::string>{"create address fd09::1/64 on a:p0", "create route 10.5.0.0/16 via 10.9.0.2 in a",
                                         "create route fd05::/64 via fd09::2 in a", "modify link a:p0 (up)"}))
      << dump(back);
  // The whole-lab plan (`up`) does the same.
  EXPECT_EQ(plan_up(d, o).actions.size(), 4u) << dump(plan_up(d, o));
}

TEST(PlanImpair, PlanLinkTouchesOnlyThatLinkAndRefusesABrokenOne) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  // Drift elsewhere (a's eth0 qdisc, b's address) is not plan_link's business.
  root_of(o, "a", "eth0").impairment = rate("1mbit");
  std::erase_if(o.namespaces["b"].addresses, [](const auto& x) { return x.prefix.to_string() == "10.0.0.2/24"; });
  std::vector<LinkOverride> overrides;
  override_impairment(overrides, "b:p0", veth(d, "b", "p0"), false, Direction::both, rate("5mbit"));
  auto wanted = with_overrides(d, overrides);
  auto p = plan_link(wanted, o, veth(wanted, "b", "p0"));
  auto l = lines(p);
  std::sort(l.begin(), l.end());
  EXPECT_EQ(l, (std::vector<std::string>{"create qdisc a:p0 egress (tbf rate 5mbit (override))",
                                         "create qdisc b:p0 egress (tbf rate 5mbit (override))"}))
      << dump(p);
  EXPECT_TRUE(p.create_veths.empty());
  EXPECT_TRUE(p.ports.empty());
  // A broken pair is `up`'s to make again.
  std::erase_if(o.namespaces["b"].links, [](const auto& x) { return x.name == "p0"; });
  try {
    plan_link(wanted, o, veth(wanted, "b", "p0"));
    FAIL() << "planned a link whose veth is gone";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is missing or broken; `nswire up` makes it again"), std::string::npos) << e.what();
  }
}

TEST(PlanImpair, AnEndHeldDownThatIsUpIsDriftOnItsRowAndInThePlan) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);  // everything up
  std::vector<LinkOverride> overrides;
  override_down(overrides, "a:eth0", veth(d, "a", "eth0"), true);  // the host end, as `link a:eth0 down` does
  auto wanted = with_overrides(d, overrides);
  auto p = plan_up(wanted, o);
  ASSERT_EQ(p.actions.size(), 1u) << dump(p);
  EXPECT_EQ(lines(p)[0], "modify link " + veth(d, "a", "eth0").a.ifname + " (down (override))");
  auto rows = bad_rows(object_status(wanted, o, p));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "veth");
  EXPECT_NE(rows[0].wanted.find(" down (override)"), std::string::npos) << rows[0].wanted;
}
