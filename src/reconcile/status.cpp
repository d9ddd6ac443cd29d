// Desired vs live per object; see include/nswire/reconcile/status.h.
#include "nswire/reconcile/status.h"

#include <linux/rtnetlink.h>

#include <algorithm>

#include "nswire/backend/bridge_backend.h"

namespace nswire::reconcile {
namespace {

std::string in(const std::string& ns) { return ns.empty() ? "host" : ns; }

class Viewer {
 public:
  Viewer(const Desired& d, const Observed& o) : d_(d), o_(o) {}

  std::vector<ObjectStatus> rows() {
    bridges();
    namespaces();
    veths_and_ports();
    patches();
    addresses_and_routes();
    return std::move(rows_);
  }

 private:
  void row(std::string kind, std::string object, std::string wanted, std::string live, bool ok) {
    rows_.push_back({std::move(kind), std::move(object), std::move(wanted), std::move(live), ok});
  }

  const ObservedNamespace* ns(const std::string& node) const {
    auto it = o_.namespaces.find(node);
    return it == o_.namespaces.end() || !it->second.exists ? nullptr : &it->second;
  }

  // Where a bridge is now: (backend, bridge) or nullptr.
  const backend::ObservedBridge* bridge_on(const std::string& backend, const std::string& name) const {
    auto it = o_.bridges.find(backend);
    if (it == o_.bridges.end()) return nullptr;
    for (const auto& b : it->second)
      if (b.name == name) return &b;
    return nullptr;
  }

  void bridges() {
    for (const auto& b : d_.bridges) {
      std::string wanted = b.backend + (b.stp ? ", STP on" : "");
      const auto* here = bridge_on(b.backend, b.name);
      if (here) {
        bool ours = here->owner == d_.lab;
        std::string live = b.backend + (here->stp ? ", STP on" : "") + ", " + std::to_string(here->ports.size()) +
                           " port(s)" + (ours ? "" : ", not owned by this lab");
        row("bridge", b.name, wanted, live, ours && here->stp == b.stp);
        continue;
      }
      std::string elsewhere;
      for (const auto& [backend, list] : o_.bridges)
        if (backend != b.backend && bridge_on(backend, b.name)) elsewhere = "on " + backend;
      row("bridge", b.name, wanted, elsewhere.empty() ? "missing" : elsewhere, false);
    }
  }

  void namespaces() {
    for (const auto& n : d_.namespaces) {
      if (n.node.empty()) continue;
      std::string wanted = n.attached ? "attached (" + n.attach_path + ")" : "created by the lab";
      const auto* live = ns(n.node);
      row("namespace", n.node, wanted, live ? "exists" : "missing", live != nullptr);
    }
  }

  std::string end_state(const VethEnd& e, const netlink::Link* l) const {
    if (!l) return where(e.ns, e.ifname) + " missing";
    return where(e.ns, e.ifname) + (l->up ? " up" : " down");
  }

  void veths_and_ports() {
    std::map<std::string, std::pair<std::string, const backend::ObservedPort*>> port_at;  // port -> (bridge, port)
    std::map<std::string, std::string> backend_at;
    for (const auto& [backend, list] : o_.bridges)
      for (const auto& b : list)
        for (const auto& p : b.ports) {
          port_at[p.name] = {b.name, &p};
          backend_at[p.name] = backend;
        }
    std::map<std::string, std::string> backend_of;
    for (const auto& b : d_.bridges) backend_of[b.name] = b.backend;

    for (const auto& v : d_.veths) {
      const auto* na = ns(v.a.ns);
      const auto* nb = ns(v.b.ns);
      const auto* a = na ? na->link(v.a.ifname) : nullptr;
      const auto* b = nb ? nb->link(v.b.ifname) : nullptr;
      bool paired = a && b && a->kind == "veth" && b->kind == "veth" && a->peer_index == b->index && b->peer_index == a->index;
      std::string live = end_state(v.a, a) + ", " + end_state(v.b, b);
      if (a && b && !paired) live += ", not each other's peer";
      if (v.a.mtu && a && a->mtu != *v.a.mtu) live += ", MTU " + std::to_string(a->mtu);
      bool ok = paired && a->up && b->up && (!v.a.mtu || a->mtu == *v.a.mtu);
      row("veth", where(v.a.ns, v.a.ifname) + " <-> " + where(v.b.ns, v.b.ifname), v.origin + ", both ends up", live, ok);

      for (const auto* e : {&v.a, &v.b}) {
        if (e->bridge.empty()) continue;
        std::string wanted = e->bridge + " (" + backend_of[e->bridge] + ")" + (e->vlan ? ", VLAN " + std::to_string(*e->vlan) : "");
        auto it = port_at.find(e->ifname);
        if (it == port_at.end()) {
          row("port", e->ifname, wanted, "on no bridge", false);
          continue;
        }
        const auto& [bridge, port] = it->second;
        std::string live_port = bridge + " (" + backend_at[e->ifname] + ")" + (port->vlan ? ", VLAN " + std::to_string(*port->vlan) : "");
        if (!port->error.empty()) live_port += ", error: " + port->error;
        // OVS keeps a port's row when its device is deleted behind its back.
        const auto* device = ns(e->ns) ? ns(e->ns)->link(e->ifname) : nullptr;
        if (!device) live_port += ", device missing";
        bool port_ok = bridge == e->bridge && backend_at[e->ifname] == backend_of[e->bridge] &&
                       port->vlan.value_or(0) == e->vlan.value_or(0) && port->error.empty() && device;
        row("port", e->ifname, wanted, live_port, port_ok);
      }
    }
  }

  void patches() {
    for (const auto& p : d_.patches) {
      const auto* a = bridge_on("ovs", p.bridge_a);
      const auto* b = bridge_on("ovs", p.bridge_b);
      auto peer_of = [](const backend::ObservedBridge* br, const std::string& port) -> std::string {
        if (!br) return "";
        for (const auto& x : br->ports)
          if (x.name == port) return x.patch_peer;
        return "";
      };
      std::string pa = peer_of(a, p.port_a), pb = peer_of(b, p.port_b);
      bool ok = pa == p.port_b && pb == p.port_a;
      std::string live = ok ? "patched" : (pa.empty() && pb.empty() ? "missing" : "half: " + (pa.empty() ? p.port_b : p.port_a) + " only");
      row("patch", p.bridge_a + ":" + p.port_a + " <-> " + p.bridge_b + ":" + p.port_b, "OVS patch pair", live, ok);
    }
  }

  void addresses_and_routes() {
    for (const auto& n : d_.namespaces) {
      const auto* live_ns = ns(n.node);
      for (const auto& [ifname, prefixes] : n.addresses) {
        const auto* l = live_ns ? live_ns->link(ifname) : nullptr;
        for (const auto& p : prefixes) {
          bool present = l && std::any_of(live_ns->addresses.begin(), live_ns->addresses.end(), [&](const netlink::Address& a) {
                           return a.index == l->index && a.prefix == p;
                         });
          row("address", p.to_string() + " on " + where(n.node, ifname), "present", present ? "present" : l ? "missing" : "no interface",
              present);
        }
      }
      for (size_t i = 0; i < n.routes.size(); ++i) {
        const auto& r = n.routes[i];
        const auto& dev = n.route_dev[i];
        bool present = live_ns && std::any_of(live_ns->routes.begin(), live_ns->routes.end(),
                                              [&](const netlink::Route& h) { return route_matches(r, dev, h, *live_ns); });
        row("route", netlink::describe(r) + (dev.empty() ? "" : " dev " + dev) + " in " + in(n.node), "present",
            present ? "present" : "missing", present);
      }
    }
  }

  const Desired& d_;
  const Observed& o_;
  std::vector<ObjectStatus> rows_;
};

}  // namespace

bool route_matches(const netlink::Route& want, const std::string& dev, const netlink::Route& have,
                   const ObservedNamespace& ns) {
  if (want.destination.family != have.destination.family || want.destination.length != have.destination.length)
    return false;
  if (want.destination.network().bytes != have.destination.network().bytes) return false;
  if (want.gateway != have.gateway) return false;
  if (!dev.empty()) {
    const auto* l = ns.link(have.oif);
    if (!l || l->name != dev) return false;
  }
  return true;
}

std::vector<ObjectStatus> object_status(const Desired& desired, const Observed& observed) {
  return Viewer(desired, observed).rows();
}

}  // namespace nswire::reconcile
