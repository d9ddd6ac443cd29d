// Planning the objects themselves: bridges, the tunnels joining them across hosts, namespaces,
// veth pairs, ports and native patches.
#include "planner.h"
#include "switch_text.h"

namespace nswire::reconcile {
namespace {

std::string addresses_text(const std::vector<IpPrefix>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : " ") + a.to_string();
  return out;
}

std::string peers_text(const DesiredTunnel& t) {
  std::string out;
  for (const auto& p : t.peers) out += (out.empty() ? "" : ", ") + p.host + " " + p.address;
  return out;
}

}  // namespace

// What a tunnel is, for people: "vxlan VNI 5001 from 192.168.100.11 to h2 192.168.100.12; MTU
// 1450 (1500 - 50)".
std::string describe_tunnel(const DesiredTunnel& t) {
  return t.type + " VNI " + std::to_string(t.vni) + " from " + t.local + " to " + peers_text(t) + "; MTU " +
         std::to_string(t.mtu) + " (" + std::to_string(t.underlay_mtu) + " - " + std::to_string(t.overhead) + ")";
}

void Planner::plan_bridges() {
  for (const auto& b : d_.bridges) {
    auto j = judge_.bridge(b);
    Action::Ref ref{.name = b.name, .backend = b.backend};
    backend::BridgeSpec spec{b.name, b.stp, b.mtu, b.options, b.addresses, b.vni};
    std::string options = describe(fields(b.options));
    std::string across = b.hosts.empty() ? "" : ", across hosts";
    for (size_t i = 0; i < b.hosts.size(); ++i) across += (i ? ", " : " ") + b.hosts[i];
    if (!j.live) {
      plan_.bridges[b.backend].ensure_bridges.push_back(spec);
      add(Op::create, Kind::bridge, ref, b.name,
          b.backend + (b.stp ? ", STP on" : "") + (options.empty() ? "" : ", " + options) +
              (b.addresses.empty() ? "" : ", gateway " + addresses_text(b.addresses)) + across);
      // A bridge made anew (also when it changes backend) starts with no addresses.
      created_.insert({kHost, b.name});
    } else if (!j.stp_ok || !j.mtu_ok || !j.device_up || !j.options_ok || !j.addresses_ok || !j.vni_ok) {
      plan_.bridges[b.backend].ensure_bridges.push_back(spec);
      std::string detail = j.stp_ok ? "" : std::string("STP ") + (b.stp ? "on" : "off");
      auto more = [&](const std::string& what) { detail += (detail.empty() ? "" : ", ") + what; };
      if (!j.mtu_ok) more("MTU " + std::to_string(*b.mtu));
      if (!j.device_up) more("device up");
      if (!j.addresses_ok) more(b.addresses.empty() ? "no gateway" : "gateway " + addresses_text(b.addresses));
      if (!j.vni_ok) more("VNI " + std::to_string(*b.vni));
      if (!j.options_ok) {
        more(change(fields(b.options), fields(j.live->options)));
        plan_.restore[b.backend].ensure_bridges.push_back(
            {b.name, j.live->stp, std::nullopt, j.live->options, j.live->addresses, j.live->vni});
      }
      add(Op::modify, Kind::bridge, ref, b.name, detail);
    }
  }
}

// The tunnel of each spanning bridge, with the bridges (phase 4): a fresh bridge gets it before
// any node is plugged in.
void Planner::plan_tunnels() {
  for (const auto& t : d_.tunnels) {
    auto j = judge_.tunnel(t);
    if (j.as_wanted()) continue;
    backend::TunnelSpec spec{.bridge = t.bridge, .type = t.type, .vni = t.vni, .local = t.local, .peers = {}, .mtu = t.mtu};
    for (const auto& p : t.peers) spec.peers.push_back({p.host, p.address});
    plan_.bridges[t.backend].ensure_tunnels.push_back(spec);
    add(j.live && j.ours ? Op::modify : Op::create, Kind::tunnel, {.name = t.bridge, .backend = t.backend},
        t.bridge + " (" + t.backend + ")", describe_tunnel(t));
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

// A VLAN subinterface is made (in phase 8, on its parent) when it is missing, was deleted as the
// wrong device, or its parent veth is made anew (the kernel deletes a VLAN device with its parent).
void Planner::plan_vlans() {
  for (const auto& v : d_.vlans) {
    auto j = judge_.vlan(v);
    bool parent_new = created_.count({v.ns, v.parent}) > 0;
    if (j.link && j.right && !parent_new && !deleted_.count({v.ns, v.ifname})) continue;
    created_.insert({v.ns, v.ifname});
    add(Op::create, Kind::link, {v.ns, v.ifname}, where(v.ns, v.ifname), "VLAN " + std::to_string(v.id) + " on " + v.parent);
  }
}

void Planner::plan_ports() {
  for (const auto& v : d_.veths)
    for (const auto* e : {&v.a, &v.b}) {
      if (e->bridge.empty() || !focused(e->ns, e->ifname)) continue;
      const std::string& backend = judge_.backend_of(e->bridge);
      auto j = judge_.port(*e);
      bool fresh = created_.count({e->ns, e->ifname}) > 0;
      if (!fresh && j.at && j.right_place && j.vlan_ok && j.options_ok && j.qdisc_ok && j.addresses_ok &&
          !reattached_.count(e->ifname))
        continue;
      bool keep_qdisc = !e->impairment.empty();
      // A backend that holds the far end's addresses (OVN) gets them; the others need none.
      backend::PortSpec spec = traits(backend).port_addresses ? judge_.port_spec(v, *e)
                                                              : backend::PortSpec{e->bridge, e->ifname, e->vlan, e->port};
      spec.keep_qdisc = keep_qdisc;
      plan_.ports[backend].attach_ports.push_back(spec);
      attached_.insert(e->ifname);
      // The switch must have let go of the device's qdisc before nswire sets it (plan.h).
      if (!fresh && j.at && j.right_place && !j.qdisc_ok) plan_.ports_first = true;
      std::string detail = e->vlan ? "access VLAN " + std::to_string(*e->vlan) : std::string();
      if (!fresh && j.at && !j.right_place && !j.qdisc_ok) detail += (detail.empty() ? "" : ", ") + std::string("leave its qdisc to nswire");
      bool moved = !fresh && j.at && !j.right_place;
      bool changed = !fresh && j.at && j.right_place && !reattached_.count(e->ifname);
      if (changed) {
        // Only its settings change: say which, and keep what it had for the undo.
        std::string what = j.vlan_ok ? "" : "access VLAN " + (e->vlan ? std::to_string(*e->vlan) : std::string("none"));
        if (!j.options_ok) what += (what.empty() ? "" : ", ") + change(fields(e->port), fields(j.at->port->options));
        if (!j.qdisc_ok) what += (what.empty() ? "" : ", ") + std::string("leave its qdisc to nswire");
        // The undo attaches it again as it was (not detached: it was there before this run).
        const auto& live = *j.at->port;
        backend::PortSpec before = spec;
        before.vlan = live.vlan;
        before.options = live.options;
        before.keep_qdisc = live.keeps_qdisc;
        before.peer_mac = live.peer_mac;
        before.peer_addresses = live.peer_addresses;
        plan_.restore[backend].attach_ports.push_back(before);
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
