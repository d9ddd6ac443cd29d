// Planning the objects themselves: bridges, namespaces, veth pairs, ports and native patches.
#include "planner.h"

namespace nswire::reconcile {

void Planner::plan_bridges() {
  for (const auto& b : d_.bridges) {
    auto j = judge_.bridge(b);
    Action::Ref ref{.name = b.name, .backend = b.backend};
    if (!j.live) {
      plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu});
      add(Op::create, Kind::bridge, ref, b.name, b.backend + (b.stp ? ", STP on" : ""));
      // A bridge made anew (also when it changes backend) starts with no addresses.
      created_.insert({kHost, b.name});
    } else if (!j.stp_ok || !j.mtu_ok) {
      plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu});
      std::string detail = j.stp_ok ? "" : std::string("STP ") + (b.stp ? "on" : "off");
      if (!j.mtu_ok) detail += (detail.empty() ? "" : ", ") + std::string("MTU ") + std::to_string(*b.mtu);
      add(Op::modify, Kind::bridge, ref, b.name, detail);
    }
  }
}

void Planner::plan_namespaces() {
  for (const auto& n : d_.namespaces) {
    if (n.node.empty() || n.attached || ns(n.node).exists) continue;
    plan_.create_namespaces.push_back(n.node);
    add(Op::create, Kind::namespace_, {.name = n.node}, n.node);
  }
}

void Planner::plan_veths() {
  for (const auto& v : d_.veths) {
    if (judge_.paired(v) && !deleted_.count({v.a.ns, v.a.ifname})) continue;
    plan_.create_veths.push_back(v);
    created_.insert({v.a.ns, v.a.ifname});
    created_.insert({v.b.ns, v.b.ifname});
    add(Op::create, Kind::veth, {v.a.ns, v.a.ifname}, where(v.a.ns, v.a.ifname) + " <-> " + where(v.b.ns, v.b.ifname),
        v.origin);
  }
}

void Planner::plan_ports() {
  for (const auto& v : d_.veths)
    for (const auto* e : {&v.a, &v.b}) {
      if (e->bridge.empty() || !focused(e->ns, e->ifname)) continue;
      const std::string& backend = judge_.backend_of(e->bridge);
      auto j = judge_.port(*e);
      bool fresh = created_.count({e->ns, e->ifname}) > 0;
      if (!fresh && j.at && j.right_place && j.vlan_ok && j.qdisc_ok && !reattached_.count(e->ifname)) continue;
      bool keep_qdisc = !e->impairment.empty();
      plan_.ports[backend].attach_ports.push_back({e->bridge, e->ifname, e->vlan, keep_qdisc});
      // The switch must have let go of the device's qdisc before nswire sets it (plan.h).
      if (!fresh && j.at && j.right_place && !j.qdisc_ok) plan_.ports_first = true;
      if (!fresh && j.at && j.right_place && !reattached_.count(e->ifname))
        plan_.ports_before[backend].push_back({e->bridge, e->ifname, j.at->port->vlan, j.at->port->keeps_qdisc});
      std::string detail = e->vlan ? "access VLAN " + std::to_string(*e->vlan) : std::string();
      if (!fresh && j.at && !j.qdisc_ok) detail += (detail.empty() ? "" : ", ") + std::string("leave its qdisc to nswire");
      bool moved = !fresh && j.at && !j.right_place;
      add(fresh || !j.at ? Op::create : Op::modify, Kind::port, {.name = e->ifname, .backend = backend},
          e->bridge + ":" + e->ifname,
          moved ? "from " + j.at->bridge + " (" + j.at->backend + ")" + (detail.empty() ? "" : ", " + detail) : detail);
    }
}

// Native patches: both bridges are on one backend (validation saw to it), which makes them.
void Planner::plan_patches() {
  for (const auto& p : d_.patches) {
    if (judge_.patched(p)) continue;
    const std::string& backend = judge_.backend_of(p.bridge_a);
    plan_.ports[backend].add_patches.push_back({p.bridge_a, p.port_a, p.bridge_b, p.port_b});
    add(Op::create, Kind::patch, {.name = p.port_a, .backend = backend},
        p.bridge_a + ":" + p.port_a + " <-> " + p.bridge_b + ":" + p.port_b, "native patch (" + backend + ")");
  }
}

}  // namespace nswire::reconcile
