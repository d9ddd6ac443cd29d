// Planning what is not the lab's to touch (refused before anything is planned) and what the lab
// owns but no longer wants (removed): broken veths, links, namespaces, ports, patches, bridges.
#include <algorithm>
#include <map>

#include "nswire/error.h"
#include "planner.h"

namespace nswire::reconcile {

// Objects the lab needs that exist but are someone else's: refuse before planning anything.
void Planner::check_foreign() {
  for (const auto& n : d_.namespaces) {
    if (n.node.empty() || n.attached) continue;
    if (ns(n.node).exists && !judge_.recorded(n.node))
      throw Error("namespace \"" + n.node + "\" already exists and was not created by lab \"" + d_.lab +
                  "\"; nswire leaves it untouched (use `attach:` to use an existing namespace)");
  }
  for (const auto& b : d_.bridges) {
    bool is_bridge_device = false;
    for (const auto& [backend, bridges] : obs_.bridges) {
      const auto* ob = judge_.bridge_on(backend, b.name);
      if (!ob) continue;
      is_bridge_device = true;
      if (ob->owner != d_.lab)
        throw Error("bridge \"" + b.name + "\" already exists (" + backend + ") and is not owned by lab \"" + d_.lab +
                    "\"" + (ob->owner.empty() ? "" : " (it belongs to lab \"" + ob->owner + "\")") +
                    "; nswire leaves it untouched");
    }
    const auto* l = traits(b.backend).bridge_is_device ? ns(kHost).link(b.name) : nullptr;
    if (l && !is_bridge_device && backend::lab_of_link_mark(l->alias) != d_.lab)
      throw Error("bridge \"" + b.name + "\": a network device of that name already exists and is not owned by lab \"" +
                  d_.lab + "\"; nswire leaves it untouched");
  }
  for (const auto& v : d_.veths)
    for (int k = 0; k < 2; ++k) {
      const VethEnd& e = k == 0 ? v.a : v.b;
      const VethEnd& other = k == 0 ? v.b : v.a;
      if (!e.ns.empty() && (!ns(e.ns).exists || judge_.recorded(e.ns))) continue;
      const auto* l = ns(e.ns).link(e.ifname);
      if (!l || backend::lab_of_link_mark(l->alias) == d_.lab) continue;
      // An end in an attached namespace is marked only when it is configured; until then (a run
      // killed in between) it is ours when its peer is: the pair is the lab's veth.
      const auto* peer = ns(other.ns).link(other.ifname);
      if (judge_.paired(v) && peer && judge_.owned_link(other.ns, *peer)) continue;
      throw Error("interface \"" + where(e.ns, e.ifname) + "\" (" + v.origin +
                  ") already exists and is not owned by lab \"" + d_.lab + "\"; nswire leaves it untouched");
    }
  for (const auto& v : d_.vlans) {
    if (!ns(v.ns).exists || judge_.recorded(v.ns)) continue;
    const auto* l = ns(v.ns).link(v.ifname);
    if (l && backend::lab_of_link_mark(l->alias) != d_.lab)
      throw Error("interface \"" + where(v.ns, v.ifname) + "\" (" + v.origin + ") already exists and is not owned by lab \"" +
                  d_.lab + "\"; nswire leaves it untouched");
  }
}

void Planner::plan_removals() {
  std::set<LinkKey> wanted_links;
  for (const auto& v : d_.veths) {
    wanted_links.insert({v.a.ns, v.a.ifname});
    wanted_links.insert({v.b.ns, v.b.ifname});
  }
  for (const auto& v : d_.vlans) wanted_links.insert({v.ns, v.ifname});
  std::set<std::string> wanted_ns;
  for (const auto& n : d_.namespaces) wanted_ns.insert(n.node);

  // Broken veths (one end gone, or no longer peers) are deleted and made again.
  for (const auto& v : d_.veths) {
    if (judge_.paired(v)) continue;
    for (const auto* e : {&v.a, &v.b}) {
      rebuilt_.insert({e->ns, e->ifname});
      const auto* l = ns(e->ns).link(e->ifname);
      if (l && (e->ns.empty() || ns(e->ns).exists) && judge_.owned_link(e->ns, *l)) {
        plan_.delete_links.push_back({e->ns, e->ifname});
        add(Op::remove, Kind::veth, {e->ns, e->ifname}, where(e->ns, e->ifname), "broken pair (" + v.origin + "): recreated");
        deleted_.insert({e->ns, e->ifname});
      }
    }
  }
  // A link of a VLAN subinterface's name that is not that VLAN device is made anew (ours only:
  // check_foreign refused a foreign one).
  for (const auto& v : d_.vlans) {
    auto j = judge_.vlan(v);
    if (!j.link || j.right || !judge_.owned_link(v.ns, *j.link)) continue;
    plan_.delete_links.push_back({v.ns, v.ifname});
    deleted_.insert({v.ns, v.ifname});
    add(Op::remove, Kind::link, {v.ns, v.ifname}, where(v.ns, v.ifname),
        "not VLAN " + std::to_string(v.id) + " on " + v.parent + ": recreated");
  }
  // Namespaces the lab created and no longer wants; their veths go with them.
  std::map<int, std::string> removed_nsid;
  if (obs_.record)
    for (const auto& node : obs_.record->namespaces)
      if (!wanted_ns.count(node) && ns(node).exists && ns(node).nsid >= 0) removed_nsid[ns(node).nsid] = node;
  // Owned links that are no longer wanted, in the host and in namespaces that stay.
  for (const auto& [node, o] : obs_.namespaces) {
    if (!o.exists) continue;
    bool ns_goes = !node.empty() && judge_.recorded(node) && !wanted_ns.count(node);
    if (ns_goes) continue;  // goes with its namespace
    for (const auto& l : o.links) {
      if ((l.kind != "veth" && l.kind != "vlan") || !judge_.owned_link(node, l) || wanted_links.count({node, l.name}) ||
          deleted_.count({node, l.name}))
        continue;
      deleted_.insert({node, l.name});
      auto with = node.empty() && l.peer_netnsid >= 0 ? removed_nsid.find(l.peer_netnsid) : removed_nsid.end();
      if (with != removed_nsid.end()) {
        plan_.vanishing_links.push_back(l.name);
        add(Op::remove, Kind::veth, {node, l.name}, l.name, "goes with namespace " + with->second);
        continue;
      }
      // A veth's peer goes with it: delete each pair once.
      plan_.delete_links.push_back({node, l.name});
      add(Op::remove, l.kind == "vlan" ? Kind::link : Kind::veth, {node, l.name}, where(node, l.name), "no longer in the lab");
    }
  }
  plan_leftover_devices();
  plan_backend_removals();
  // Namespaces the lab created and no longer wants.
  if (obs_.record)
    for (const auto& node : obs_.record->namespaces)
      if (!wanted_ns.count(node) && ns(node).exists) {
        plan_.remove_namespaces.push_back(node);
        add(Op::remove, Kind::namespace_, {.name = node}, node, "no longer in the lab");
      }
}

// A tun device in the host carrying the lab's mark that no backend shows as a bridge: the device a
// userspace datapath (OVS netdev) made for one of the lab's bridges, left when its switch died
// without cleaning up (a SIGKILLed ovs-vswitchd). Ours: it goes, unless a bridge of that name is
// wanted (then the backend that makes the bridge finishes it off).
void Planner::plan_leftover_devices() {
  for (const auto& l : ns(kHost).links) {
    if (l.kind != "tun" || backend::lab_of_link_mark(l.alias) != d_.lab || deleted_.count({kHost, l.name})) continue;
    bool claimed = false;
    for (const auto& [backend, bridges] : obs_.bridges) claimed |= judge_.bridge_on(backend, l.name) != nullptr;
    for (const auto& b : d_.bridges) claimed |= b.name == l.name;
    if (claimed) continue;
    deleted_.insert({kHost, l.name});
    plan_.delete_links.push_back({kHost, l.name});
    add(Op::remove, Kind::link, {kHost, l.name}, l.name, "a datapath device of the lab's bridge, left by a switch that died");
  }
}

// Ports that leave their bridge, patches and bridges no longer wanted, per backend.
void Planner::plan_backend_removals() {
  struct Wanted {
    std::string backend, bridge;
  };
  std::map<std::string, Wanted> wanted_ports;
  for (const auto& v : d_.veths)
    for (const auto* e : {&v.a, &v.b})
      if (!e->bridge.empty()) wanted_ports[e->ifname] = {judge_.backend_of(e->bridge), e->bridge};
  std::set<std::string> wanted_patch_ports;
  for (const auto& p : d_.patches) {
    wanted_patch_ports.insert(p.port_a);
    wanted_patch_ports.insert(p.port_b);
  }
  for (const auto& [backend_name, bridges] : obs_.bridges) {
    const std::string& backend = backend_name;  // clang 14 cannot capture structured bindings
    const auto& how = traits(backend);
    for (const auto& b : bridges) {
      bool bridge_wanted = std::any_of(d_.bridges.begin(), d_.bridges.end(),
                                       [&](const auto& x) { return x.name == b.name && x.backend == backend; });
      // A bridge one engine holds for every host (an OVN logical switch) that the lab still has
      // on other hosts is theirs to keep: only this host's ports on it go.
      bool others = how.span == backend::Span::engine &&
                    std::find(d_.elsewhere.begin(), d_.elsewhere.end(), b.name) != d_.elsewhere.end();
      if (b.owner == d_.lab && !bridge_wanted && !others) {
        plan_.removals[backend].remove_bridges.push_back(b.name);
        add(Op::remove, Kind::bridge, {.name = b.name, .backend = backend}, b.name + " (" + backend + ")",
            "no longer in the lab on this backend");
        continue;
      }
      // Tunnels of the lab on a bridge that stays but no longer spans hosts (with its bridge, a
      // tunnel goes too).
      bool tunnel_wanted = std::any_of(d_.tunnels.begin(), d_.tunnels.end(),
                                       [&](const auto& t) { return t.bridge == b.name && t.backend == backend; });
      for (const auto& t : b.tunnels)
        if (t.owner == d_.lab && !tunnel_wanted) {
          plan_.removals[backend].remove_tunnels.push_back(b.name);
          add(Op::remove, Kind::tunnel, {.name = b.name, .backend = backend}, b.name + " (" + backend + ")",
              t.type + " VNI " + std::to_string(t.vni) + ": the bridge no longer spans hosts");
          break;
        }
      for (const auto& p : b.ports) {
        if (p.owner != d_.lab) continue;
        Action::Ref ref{.name = p.name, .backend = backend};
        if (!p.patch_peer.empty()) {
          if (!wanted_patch_ports.count(p.name)) {
            plan_.removals[backend].remove_patches.push_back({b.name, p.name});
            add(Op::remove, Kind::patch, ref, b.name + ":" + p.name, "no longer in the lab");
          }
          continue;
        }
        auto w = wanted_ports.find(p.name);
        bool wanted = w != wanted_ports.end();
        bool rebuilt = rebuilt_.count({kHost, p.name}) > 0;
        bool failing = !p.error.empty();
        // A port whose veth is made anew, or that the switch reports an error on, leaves first:
        // OVS only reopens a device on a change.
        bool stays = wanted && w->second.backend == backend && w->second.bridge == b.name && !rebuilt && !failing;
        if (stays) continue;
        // Where the kernel releases a port with its device, a port that goes with its veth needs
        // nothing; where attaching moves a port between this backend's bridges, neither does a move.
        if (!how.ports_outlive_devices && !wanted) continue;
        if (how.attach_moves_ports && wanted && w->second.backend == backend && !rebuilt && !failing) continue;
        plan_.removals[backend].detach_ports.push_back({b.name, p.name});
        if (wanted && failing) reattached_.insert(p.name);
        add(Op::remove, Kind::port, ref, b.name + ":" + p.name,
            rebuilt   ? "its veth is made anew"
            : failing ? "the switch reports: " + p.error + "; attached again"
            : wanted  ? "moves to another bridge"
                      : "no longer in the lab");
      }
    }
  }
}

}  // namespace nswire::reconcile
