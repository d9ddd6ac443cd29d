// Desired vs live per object; see include/nswire/reconcile/status.h. Every verdict comes from
// the Judge, the same one the planner asks.
#include "nswire/reconcile/status.h"

#include <algorithm>

#include "judge.h"
#include "nswire/netlink/tc.h"
#include "nswire/netns/rules.h"
#include "switch_text.h"

namespace nswire::reconcile {
namespace {

std::string in(const std::string& ns) { return ns.empty() ? "host" : ns; }

class Viewer {
 public:
  Viewer(const Desired& d, const Observed& o) : d_(d), judge_(d, o) {}

  std::vector<ObjectStatus> rows() {
    bridges();
    mirrors();
    tunnels();
    namespaces();
    veths_and_ports();
    vlans();
    qdiscs();
    patches();
    addresses_and_routes();
    sysctls_and_dns();
    return std::move(rows_);
  }

 private:
  void row(std::string kind, std::string object, std::string wanted, std::string live, bool ok) {
    rows_.push_back({std::move(kind), std::move(object), std::move(wanted), std::move(live), ok});
  }

  static std::string gateway(const std::vector<IpPrefix>& addresses) {
    std::string out;
    for (const auto& a : addresses) out += (out.empty() ? ", gateway " : " ") + a.to_string();
    return out;
  }

  void bridges() {
    for (const auto& b : d_.bridges) {
      std::string wanted = b.backend + (b.stp ? ", STP on" : "") + (b.mtu ? ", MTU " + std::to_string(*b.mtu) : "") +
                           gateway(b.addresses) + (b.vni ? ", VNI " + std::to_string(*b.vni) : "");
      if (auto o = describe(fields(b.options)); !o.empty()) wanted += ", " + o;
      auto j = judge_.bridge(b);
      if (!j.live) {
        row("bridge", b.name, wanted, j.elsewhere.empty() ? "missing" : "on " + j.elsewhere, false);
        continue;
      }
      std::string live = b.backend + (j.live->stp ? ", STP on" : "") + ", " + std::to_string(j.live->ports.size()) +
                         " port(s)" + (j.ours ? "" : ", not owned by this lab");
      const auto* device = judge_.ns(kHost).link(b.name);
      if (!j.mtu_ok || !j.device_up) live += device ? "" : ", no device";
      if (device && !j.mtu_ok) live += ", MTU " + std::to_string(device->mtu);
      if (device && !j.device_up) live += ", device down";
      if (auto o = describe(fields(j.live->options)); !o.empty()) live += ", " + o;
      if (!j.addresses_ok) live += j.live->addresses.empty() ? ", no gateway" : gateway(j.live->addresses);
      if (!j.vni_ok) live += j.live->vni ? ", VNI " + std::to_string(*j.live->vni) : ", no VNI";
      row("bridge", b.name, wanted, live, j.as_wanted());
    }
  }

  void mirrors() {
    for (const auto& b : d_.bridges) {
      const auto* live = judge_.bridge_on(b.backend, b.name);
      for (const auto& m : b.mirrors) {
        const backend::MirrorSpec* have = nullptr;
        if (live)
          for (const auto& x : live->mirrors)
            if (x.name == m.name) have = &x;
        row("mirror", b.name + ":" + m.name, describe(m), have ? describe(*have) : "missing", have && *have == m);
      }
    }
  }

  void tunnels() {
    for (const auto& t : d_.tunnels) {
      auto j = judge_.tunnel(t);
      std::string object = t.bridge + " (" + t.backend + ")";
      if (!j.live) {
        row("tunnel", object, describe_tunnel(t), "missing", false);
        continue;
      }
      const auto& l = *j.live;
      std::string live = l.type + " VNI " + std::to_string(l.vni) + " from " + (l.local.empty() ? "any" : l.local) + " to ";
      for (size_t i = 0; i < l.remotes.size(); ++i) live += (i ? ", " : "") + l.remotes[i];
      if (l.remotes.empty()) live += "no peer";
      if (l.mtu) live += "; MTU " + std::to_string(*l.mtu);
      if (!j.ours) live += ", not owned by this lab";
      if (!j.split_horizon) live += ", without split horizon (a loop)";
      if (j.error) live += ", error: " + l.error;
      row("tunnel", object, describe_tunnel(t), live, j.as_wanted());
    }
  }

  void namespaces() {
    for (const auto& n : d_.namespaces) {
      if (n.node.empty()) continue;
      std::string wanted = n.attached ? "attached (" + n.attach_path + ")" : "created by the lab";
      bool live = judge_.ns(n.node).exists;
      row("namespace", n.node, wanted, live ? "exists" : "missing", live);
    }
  }

  std::string end_state(const VethEnd& e, const EndJudgement& j) const {
    std::string s = where(e.ns, e.ifname);
    if (!j.link) return s + " missing";
    s += j.down ? " down" : " up";
    if (j.mtu) s += ", MTU " + std::to_string(j.link->mtu);
    if (j.mac) s += ", MAC " + j.link->mac;
    if (j.alias) s += ", mark \"" + j.link->alias + "\"";
    if (j.checksum_offload) s += ", checksum offload on";
    return s;
  }

  void veths_and_ports() {
    for (const auto& v : d_.veths) {
      auto a = judge_.end(v, v.a), b = judge_.end(v, v.b);
      bool paired = judge_.paired(v);
      std::string live = end_state(v.a, a) + ", " + end_state(v.b, b);
      if (a.link && b.link && !paired) live += ", not each other's peer";
      std::string wanted = v.origin + (v.a.down   ? ", " + where(v.a.ns, v.a.ifname) + " down (override)"
                                       : v.b.down ? ", " + where(v.b.ns, v.b.ifname) + " down (override)"
                                                  : ", both ends up");
      row("veth", where(v.a.ns, v.a.ifname) + " <-> " + where(v.b.ns, v.b.ifname), wanted, live,
          paired && a.as_wanted() && b.as_wanted());
      for (const auto* e : {&v.a, &v.b})
        if (!e->bridge.empty()) port(*e);
    }
  }

  void vlans() {
    for (const auto& v : d_.vlans) {
      auto j = judge_.vlan(v);
      std::string wanted = "VLAN " + std::to_string(v.id) + " on " + v.parent + ", up";
      std::string live = "missing";
      if (j.link) {
        const auto* parent = judge_.ns(v.ns).link(j.link->peer_index);
        live = j.link->kind != "vlan" ? "a " + (j.link->kind.empty() ? std::string("device") : j.link->kind) + ", not a VLAN device"
               : std::string(j.link->vlan_8021ad ? "802.1ad " : "") + "VLAN " + std::to_string(j.link->vlan_id) + " on " +
                     (parent && j.link->peer_netnsid < 0 ? parent->name : std::string("another device"));
        live += j.down ? ", down" : ", up";
        if (j.mtu) live += ", MTU " + std::to_string(j.link->mtu);
        if (j.mac) live += ", MAC " + j.link->mac;
        if (j.alias) live += ", mark \"" + j.link->alias + "\"";
      }
      row("link", where(v.ns, v.ifname), wanted, live, j.as_wanted());
    }
  }

  void port(const VethEnd& e) {
    std::string wanted = e.bridge + " (" + judge_.backend_of(e.bridge) + ")" + (e.vlan ? ", VLAN " + std::to_string(*e.vlan) : "");
    if (auto o = describe(fields(e.port)); !o.empty()) wanted += ", " + o;
    auto j = judge_.port(e);
    if (!j.at) {
      row("port", e.ifname, wanted, "on no bridge", false);
      return;
    }
    std::string live = j.at->bridge + " (" + j.at->backend + ")" +
                       (j.at->port->vlan ? ", VLAN " + std::to_string(*j.at->port->vlan) : "");
    if (auto o = describe(fields(j.at->port->options)); !o.empty()) live += ", " + o;
    if (j.error) live += ", error: " + j.at->port->error;
    if (!j.addresses_ok) {
      live += ", far end " + j.at->port->peer_mac.value_or("(no MAC)");
      for (const auto& a : j.at->port->peer_addresses) live += " " + a.to_string();
    }
    if (!j.qdisc_ok) live += ", the switch manages its qdisc";
    if (!j.device) live += ", device missing";  // OVS keeps a port's row when its device is deleted behind its back
    row("port", e.ifname, wanted, live, j.as_wanted());
  }

  static std::string qdisc_text(const netlink::Impairment& imp) {
    if (imp.empty()) return "none";
    return std::string(imp.rate_only() ? "tbf " : "netem ") + netlink::describe(imp);
  }

  // Each end's egress impairment: where the lab wants one, or nswire's own is there.
  void qdiscs() {
    for (const auto& v : d_.veths)
      for (const auto* e : {&v.a, &v.b}) {
        auto j = judge_.qdisc(*e);
        if (e->impairment.empty() && !j.ours) continue;
        std::string live = !j.live || j.live->is_default() ? "none"
                           : j.live->impairment           ? j.live->kind + " " + netlink::describe(*j.live->impairment)
                                                          : j.live->kind;
        if (j.live && !j.live->unlike_ours.empty()) live += " (" + j.live->unlike_ours + ")";
        if (j.live && !j.live->is_default() && !j.ours) live += ", set by hand";
        row("qdisc", where(e->ns, e->ifname) + " egress",
            qdisc_text(e->impairment) + (e->impairment_overridden ? " (override)" : ""), live, j.as_wanted);
      }
  }

  void patches() {
    for (const auto& p : d_.patches) {
      bool ok = judge_.patched(p);
      const auto* a = judge_.port_at(p.port_a);
      const auto* b = judge_.port_at(p.port_b);
      bool half_a = a && a->port->patch_peer == p.port_b, half_b = b && b->port->patch_peer == p.port_a;
      std::string live = ok ? "patched" : !half_a && !half_b ? "missing" : "half: " + (half_a ? p.port_a : p.port_b) + " only";
      row("patch", p.bridge_a + ":" + p.port_a + " <-> " + p.bridge_b + ":" + p.port_b,
          "native patch (" + judge_.backend_of(p.bridge_a) + ")", live, ok);
    }
  }

  void addresses_and_routes() {
    for (const auto& n : d_.namespaces) {
      const auto& live_ns = judge_.ns(n.node);
      for (const auto& [ifname, prefixes] : n.addresses) {
        bool device = (n.node.empty() || live_ns.exists) && live_ns.link(ifname);
        for (const auto& p : prefixes) {
          bool present = judge_.address_present(n.node, ifname, p);
          bool waits = !present && judge_.address_as_wanted(n.node, ifname, p);
          row("address", p.to_string() + " on " + where(n.node, ifname), "present",
              present ? "present" : waits ? "gone with the link (held down)" : device ? "missing" : "no interface",
              present || waits);
        }
      }
      for (size_t i = 0; i < n.routes.size(); ++i) {
        bool present = judge_.route_present(n, i);
        bool waits = !present && judge_.route_waits(n, i);
        const auto& dev = n.route_dev[i];
        row("route", netlink::describe(n.routes[i]) + (dev.empty() ? "" : " dev " + dev) + " in " + in(n.node), "present",
            present ? "present" : waits ? "gone with the link (held down)" : "missing", present || waits);
      }
    }
  }

  void sysctls_and_dns() {
    for (const auto& n : d_.namespaces) {
      const auto& live_ns = judge_.ns(n.node);
      for (const auto& [key, value] : n.sysctls) {
        auto it = live_ns.sysctls.find(key);
        row("sysctl", where(n.node, key), value, it == live_ns.sysctls.end() ? "unknown" : it->second,
            judge_.sysctl_as_wanted(n, key));
      }
      if (n.node.empty() || (n.nameservers.empty() && n.search.empty())) continue;
      bool ok = judge_.dns_as_wanted(n);
      row("dns", netns::resolv_conf_path(n.node), "written by nswire",
          ok ? "as wanted" : live_ns.resolv_conf ? "different" : "missing", ok);
    }
  }

  const Desired& d_;
  Judge judge_;
  std::vector<ObjectStatus> rows_;
};

}  // namespace

std::vector<ObjectStatus> object_status(const Desired& desired, const Observed& observed) {
  return Viewer(desired, observed).rows();
}

std::vector<ObjectStatus> object_status(const Desired& desired, const Observed& observed, const Plan& drift) {
  auto rows = object_status(desired, observed);
  // A removal of what the lab wants in another shape (a broken veth, a port that moves) shows on
  // that object's own row; what the lab owns but no longer wants has none: the removal is its row.
  auto wanted_link = [&](const Action::Ref& r) {
    for (const auto& v : desired.veths)
      for (const auto* e : {&v.a, &v.b})
        if (e->ns == r.ns && e->ifname == r.name) return true;
    for (const auto& v : desired.vlans)
      if (v.ns == r.ns && v.ifname == r.name) return true;
    return false;
  };
  for (const auto& a : drift.actions) {
    if (a.op != Action::Op::remove) continue;
    if ((a.kind == Action::Kind::veth || a.kind == Action::Kind::port || a.kind == Action::Kind::link) && wanted_link(a.ref))
      continue;
    rows.push_back({to_string(a.kind), a.object, "absent", "present (" + a.detail + ")", false});
  }
  return rows;
}

}  // namespace nswire::reconcile
