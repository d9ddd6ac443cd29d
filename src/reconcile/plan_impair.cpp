// Planning the root qdiscs of veth ends: the egress impairment the lab (or an override) wants on
// each end, set where the live root is not exactly it (the kernel's default, nswire's configured
// otherwise, or one set by hand), and nswire's own taken away where none is wanted (a root
// someone else set on an end that wants none is theirs, and stays).
#include "nswire/netlink/tc.h"
#include "planner.h"

namespace nswire::reconcile {
namespace {

std::string qdisc_text(const netlink::Impairment& imp) {
  return std::string(imp.rate_only() ? "tbf " : "netem ") + netlink::describe(imp);
}

}  // namespace

void Planner::plan_qdiscs(const DesiredNamespace& n, NamespaceChanges& c) {
  for (const auto& [veth, e] : ends_in(n.node)) {
      if (!focused(e->ns, e->ifname)) continue;
      Action::Ref ref{e->ns, e->ifname};
      std::string object = where(e->ns, e->ifname) + " egress";
      std::string why = e->impairment_overridden ? " (override)" : "";
      if (created_.count({e->ns, e->ifname})) {  // a new end starts with the kernel's default
        if (e->impairment.empty()) continue;
        c.qdiscs.push_back({e->ifname, e->impairment, std::nullopt});
        add(Op::create, Kind::qdisc, ref, object, qdisc_text(e->impairment) + why);
        continue;
      }
      auto j = judge_.qdisc(*e);
      if (j.as_wanted || !ns(e->ns).link(e->ifname)) continue;
      std::optional<netlink::RootQdisc> before;
      if (j.live && !j.live->is_default()) before = *j.live;
      if (e->impairment.empty()) {
        c.qdiscs.push_back({e->ifname, {}, before});
        add(Op::remove, Kind::qdisc, ref, object, "no impairment wanted" + why);
      } else {
        c.qdiscs.push_back({e->ifname, e->impairment, before});
        std::string was = !before            ? ""
                          : !j.ours          ? " (replaces " + before->kind + " set by hand)"
                          : before->impairment ? " (was " + netlink::describe(*before->impairment) + ")"
                                               : "";
        add(before ? Op::modify : Op::create, Kind::qdisc, ref, object, qdisc_text(e->impairment) + why + was);
      }
    }
}

}  // namespace nswire::reconcile
