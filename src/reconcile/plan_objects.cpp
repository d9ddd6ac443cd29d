// Planning the objects themselves: bridges, namespaces, veth pairs, ports and native patches.
#include "planner.h"
#include "switch_text.h"

namespace nswire::reconcile {

void Planner::plan_bridges() {
  for (const auto& b : d_.bridges) {
    auto j = judge_.bridge(b);
    Action::Ref ref{.name = b.name, .backend = b.backend};
    std::string options = describe(fields(b.options));
    if (!j.live) {
      plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu, b.options});
      add(Op::create, Kind::bridge, ref, b.name,
          b.backend + (b.stp ? ", STP on" : "") + (options.empty() ? "" : ", " + options));
      // A bridge made anew (also when it changes backend) starts with no addresses.
      created_.insert({kHost, b.name});
    } else if (!j.stp_ok || !j.mtu_ok || !j.options_ok) {
      plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu, b.options});
      std::string detail = j.stp_ok ? "" : std::string("STP ") + (b.stp ? "on" : "off");
      if (!j.mtu_ok) detail += (detail.empty() ? "" : ", ") + std::string("MTU ") + std::to_string(*b.mtu);
      if (!j.options_ok) {
        detail += (detail.empty() ? "" : ", ") + change(fields(b.options), fields(j.live->options));
        plan_.restore[b.backend].ensure_bridges.push_back({b.name, j.live->stp, std::nullopt, j.live->options});
      }
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
      if (e->bridge.empty()) continue;
      const std::string& backend = judge_.backend_of(e->bridge);
      auto j = judge_.port(*e);
      bool fresh = created_.count({e->ns, e->ifname}) > 0;
      if (!fresh && j.at && j.right_place && j.vlan_ok && j.options_ok && !reattached_.count(e->ifname)) continue;
      plan_.ports[backend].attach_ports.push_back({e->bridge, e->ifname, e->vlan, e->port});
      attached_.insert(e->ifname);
      std::string detail = e->vlan ? "access VLAN " + std::to_string(*e->vlan) : std::string();
      bool moved = !fresh && j.at && !j.right_place;
      bool changed = !fresh && j.at && j.right_place && !reattached_.count(e->ifname);
      if (changed) {
        // Only its settings change: say which, and keep what it had for the undo.
        std::string what = j.vlan_ok ? "" : "access VLAN " + (e->vlan ? std::to_string(*e->vlan) : std::string("none"));
        if (!j.options_ok) {
          what += (what.empty() ? "" : ", ") + change(fields(e->port), fields(j.at->port->options));
          plan_.restore[backend].attach_ports.push_back({e->bridge, e->ifname, j.at->port->vlan, j.at->port->options});
        }
        if (!what.empty()) detail = what;
      } else if (auto options = describe(fields(e->port)); !options.empty()) {
        detail += (detail.empty() ? "" : ", ") + options;
      }
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
