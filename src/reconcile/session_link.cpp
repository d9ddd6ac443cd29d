// One link at run time, for `nswire link` and the fault steps of sequences: the override is
// recorded in the lab's state record and only that link's two ends are planned and applied
// (plan_link), through the same applier (journal, rollback, fault hook) as `up`. See session.h.
#include <chrono>
#include <thread>

#include "backends.h"
#include "judge.h"
#include "nswire/error.h"
#include "nswire/reconcile/apply.h"
#include "nswire/reconcile/overrides.h"
#include "nswire/reconcile/record.h"
#include "nswire/reconcile/session.h"
#include "observe.h"

namespace nswire::reconcile {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kCarrierBound{5};

// Both ends of a veth report a carrier (operstate UP). veth sends its carrier events at once
// (linkwatch treats them as urgent), so this is a short wait; it is bounded all the same.
void wait_for_carrier(System& system, const DesiredVeth& v) {
  auto carrier = [&](const VethEnd& e) {
    for (const auto& l : system.links(e.ns))
      if (l.name == e.ifname) return l.operstate == "UP";
    return false;
  };
  for (auto deadline = Clock::now() + kCarrierBound;;) {
    if (carrier(v.a) && carrier(v.b)) return;
    if (Clock::now() > deadline)
      throw Error("link " + where(v.a.ns, v.a.ifname) + " <-> " + where(v.b.ns, v.b.ifname) + ": no carrier after " +
                  std::to_string(kCarrierBound.count()) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Plan Session::change_link(
    const std::string& name, const std::string& verb,
    const std::function<void(std::vector<LinkOverride>&, const DesiredVeth&, const NamedVeth&)>& edit) {
  LabLock lock(lab_.name, options_.wait_for_lock);
  auto before = load_record(lab_.name);
  if (!before) throw Error(verb + " " + name + ": lab \"" + lab_.name + "\" is not up (no state record; run `nswire up` first)");
  auto named = find_veth(desired_, lab_, name);
  if (!named)
    throw Error(verb + " " + name + ": names no interface or link of lab \"" + lab_.name +
                "\" (NODE:IF, host:IF or BRIDGE:BRIDGE of a veth link; a native patch has no device)");
  StateRecord record = *before;
  edit(record.overrides, desired_.veths[named->veth], *named);
  Desired wanted = with_overrides(desired_, record.overrides);
  Observed observed = observe(wanted, before, *backends_);
  Plan p = plan_link(wanted, observed, wanted.veths[named->veth]);
  check_kernel_support(p, verb, lab_.name);
  {
    auto system = with_fault_hook(make_real_system(wanted, *backends_));
    apply_plan(wanted, p, *system, {.verb = verb, .progress = options_.progress});
    const auto& v = wanted.veths[named->veth];
    if (!v.a.down && !v.b.down && (judge_down(observed, v.a) || judge_down(observed, v.b))) wait_for_carrier(*system, v);
  }
  p.record = record;
  if (!(record == *before)) save_record(record);
  return p;
}

bool Session::judge_down(const Observed& observed, const VethEnd& e) {
  auto it = observed.namespaces.find(e.ns);
  if (it == observed.namespaces.end()) return false;
  const auto* l = it->second.link(e.ifname);
  return l && !l->up;
}

Plan Session::impair_link(const std::string& name, Direction direction, const netlink::Impairment& impairment) {
  return change_link(name, "link " + name + " set", [&](auto& overrides, const DesiredVeth& v, const NamedVeth& n) {
    override_impairment(overrides, name, v, n.named_a, direction, impairment);
  });
}

Plan Session::reset_link(const std::string& name) {
  return change_link(name, "link " + name + " reset",
                     [&](auto& overrides, const DesiredVeth& v, const NamedVeth&) { clear_overrides(overrides, v); });
}

Plan Session::link_down(const std::string& name) {
  return change_link(name, "link " + name + " down", [&](auto& overrides, const DesiredVeth& v, const NamedVeth& n) {
    override_down(overrides, name, v, n.fault_a);
  });
}

Plan Session::link_up(const std::string& name) {
  return change_link(name, "link " + name + " up",
                     [&](auto& overrides, const DesiredVeth& v, const NamedVeth&) { clear_down(overrides, v); });
}

Session::LinkView Session::show_link(const std::string& name) {
  auto named = find_veth(desired_, lab_, name);
  if (!named)
    throw Error("link " + name + ": names no interface or link of lab \"" + lab_.name +
                "\" (NODE:IF, host:IF or BRIDGE:BRIDGE of a veth link; a native patch has no device)");
  auto record = load_record(lab_.name);
  Desired wanted = with_overrides(desired_, record ? record->overrides : std::vector<LinkOverride>{});
  Observed observed = observe(wanted, record, *backends_);
  Judge judge(wanted, observed);
  const auto& file = desired_.veths[named->veth];
  const auto& v = wanted.veths[named->veth];
  LinkView view{name, v.origin, {}};
  for (bool a : {named->named_a, !named->named_a}) {
    const VethEnd& e = a ? v.a : v.b;
    LinkEnd end{.end = where(e.ns, e.ifname), .toward = a == named->named_a ? "out" : "in",
                .file = (a ? file.a : file.b).impairment, .wanted = e.impairment,
                .overridden = e.impairment_overridden, .wanted_down = e.down};
    auto j = judge.end(v, e);
    if (j.link) end.link = *j.link;
    auto q = judge.qdisc(e);
    if (q.live) end.qdisc = *q.live;
    end.as_wanted = j.link && j.down == j.wanted_down && q.as_wanted;
    view.ends.push_back(std::move(end));
  }
  return view;
}

}  // namespace nswire::reconcile
