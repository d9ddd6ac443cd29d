// Test helpers for the planner: labs from YAML, and a fake of Observed that says what the
// system looks like after a successful `up` of a Desired (the objects the applier makes, read
// back the way observe() and the backends read them). Pure values, no system access.
#pragma once

#include <linux/rtnetlink.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "nswire/netns/rules.h"
#include "nswire/model/desired.h"
#include "nswire/reconcile/observed.h"
#include "../model/fixture.h"

namespace nswire::reconcile::fake {
using namespace nswire::model;

using fixture::lab;
using fixture::desired;

// A machine with no lab on it: the host namespace (lo, an uplink), no bridges.
inline Observed empty_system() {
  Observed o;
  auto& host = o.namespaces[kHost];
  host.exists = true;
  host.links.push_back({.index = 1, .name = "lo", .mtu = 65536, .up = true});
  host.links.push_back({.index = 2, .name = "eth0", .mtu = 1500, .mac = "52:54:00:12:34:56", .up = true});
  o.bridges["linux"];
  return o;
}

inline int add_link(ObservedNamespace& ns, netlink::Link l) {
  l.index = 1;
  for (const auto& x : ns.links) l.index = std::max(l.index, x.index + 1);
  ns.links.push_back(l);
  return l.index;
}

inline int index_of(const ObservedNamespace& ns, const std::string& name) {
  const auto* l = ns.link(name);
  if (!l) throw std::runtime_error("fake: no link " + name);
  return l->index;
}

inline backend::ObservedBridge& bridge(Observed& o, const std::string& backend, const std::string& name) {
  for (auto& b : o.bridges[backend])
    if (b.name == name) return b;
  throw std::runtime_error("fake: no bridge " + name + " on " + backend);
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What `base` looks like once `d` is applied on it with success.
inline Observed after_up(const Desired& d, Observed o = empty_system()) {
  StateRecord record{.lab = d.lab};
  std::map<std::string, std::string> backend_of;
  std::set<std::string> backends;
  auto& host = o.namespaces[kHost];
  host.exists = true;
  for (const auto& b : d.bridges) {
    backend_of[b.name] = b.backend;
    backends.insert(b.backend);
    record.bridges[b.name] = b.backend;
    bool linux = b.backend == "linux";
    if (d.traits(b.backend).bridge_is_device)
      add_link(host, {.name = b.name, .kind = linux ? "bridge" : "openvswitch", .mtu = b.mtu.value_or(1500),
                      .up = true, .alias = linux ? backend::link_mark(d.lab) : "", .stp = linux && b.stp});
    // A bridge that is no device (OVN) holds its gateway addresses and VNI itself.
    o.bridges[b.backend].push_back({.name = b.name, .owner = d.lab, .stp = b.stp, .options = b.options,
                                    .mirrors = b.mirrors, .addresses = b.addresses, .vni = b.vni});
    for (const auto& m : b.mirrors) o.bridges[b.backend].back().mirror_owner[m.name] = d.lab;
  }
  for (const auto& t : d.tunnels) {
    backend::ObservedTunnel live{.name = "t-" + t.bridge, .type = t.type, .vni = t.vni, .local = t.local};
    for (const auto& p : t.peers) live.remotes.push_back(p.address);
    if (t.backend == "linux") live.mtu = t.mtu;  // a VXLAN device has one; OVS tunnel ports do not
    live.owner = d.lab;
    bridge(o, t.backend, t.bridge).tunnels.push_back(live);
  }
  record.backends.assign(backends.begin(), backends.end());

  for (const auto& n : d.namespaces) {
    if (n.node.empty()) continue;
    auto& ns = o.namespaces[n.node];
    ns.exists = true;
    if (!ns.link("lo")) add_link(ns, {.name = "lo", .mtu = 65536, .up = true});
    ns.sysctls = n.sysctls;
    // observe() reads /etc/netns/NODE/resolv.conf for named namespaces only.
    if (!n.attached && (!n.nameservers.empty() || !n.search.empty()))
      ns.resolv_conf = netns::resolv_conf_text(n.nameservers, n.search);
    if (n.attached) record.attached[n.node] = n.attach_path;
    else record.namespaces.push_back(n.node);
  }
  o.record = record;

  auto attached = [&](const std::string& node) {
    const auto* n = d.find_namespace(node);
    return n && n->attached;
  };
  for (const auto& v : d.veths) {
    int idx[2];
    const VethEnd* ends[2] = {&v.a, &v.b};
    for (int k = 0; k < 2; ++k) {
      const auto& e = *ends[k];
      auto& ns = o.namespaces[e.ns];
      bool mark = e.ns.empty() || attached(e.ns);
      std::string mac = e.mac ? lower(*e.mac) : "02:00:00:00:" + std::to_string(10 + k) + ":01";
      idx[k] = add_link(ns, {.name = e.ifname, .kind = "veth",
                             .master = e.bridge.empty() || !host.link(e.bridge) ? 0 : index_of(host, e.bridge),
                             .mtu = e.mtu.value_or(1500),
                             .mac = mac, .up = true, .operstate = "UP", .alias = mark ? link_alias(d.lab, v.origin) : "",
                             .peer_netnsid = v.a.ns == v.b.ns ? -1 : 0});
      ns.tx_checksum[e.ifname] = !d.software_checksums;
      // Every link has a root qdisc: the kernel's default (noqueue on a veth), or nswire's own
      // where the lab wants an impairment, read back the way dump_root_qdiscs reports it.
      netlink::RootQdisc q{.ifindex = idx[k], .kind = "noqueue"};
      if (!e.impairment.empty()) {
        bool tbf = e.impairment.rate_only();
        q = {.ifindex = idx[k], .kind = tbf ? "tbf" : "netem", .handle = tbf ? netlink::kTbfHandle : netlink::kNetemHandle,
             .impairment = e.impairment.normalized()};
      }
      ns.qdiscs.push_back(q);
      // The kernel gives every veth an IPv6 link-local address; the planner must ignore it.
      ns.addresses.push_back({.index = idx[k], .prefix = IpPrefix::from("fe80::1/64"), .scope = RT_SCOPE_LINK});
      if (!e.bridge.empty()) {
        std::optional<uint16_t> vlan = e.vlan;
        // The Linux backend reports VLAN 1 (the bridge default) as no access VLAN.
        if (d.traits(backend_of[e.bridge]).vlan1_is_untagged && vlan == 1) vlan.reset();
        backend::ObservedPort port{.name = e.ifname, .vlan = vlan, .owner = d.lab, .options = e.port,
                                   // A Linux bridge leaves every port's qdisc alone; OVS those nswire
                                   // impairs (a linux-noop QoS).
                                   .keeps_qdisc = backend_of[e.bridge] == "linux" || !e.impairment.empty()};
        if (d.traits(backend_of[e.bridge]).port_addresses) {  // OVN: the far end's MAC and addresses
          const auto& far = k == 0 ? v.b : v.a;
          port.peer_mac = far.mac;
          if (const auto* n = d.find_namespace(far.ns); n && n->addresses.count(far.ifname))
            for (const auto& a : n->addresses.at(far.ifname)) port.peer_addresses.push_back(a.address());
        }
        bridge(o, backend_of[e.bridge], e.bridge).ports.push_back(port);
      }
    }
    for (auto& l : o.namespaces[v.a.ns].links)
      if (l.name == v.a.ifname) l.peer_index = idx[1];
    for (auto& l : o.namespaces[v.b.ns].links)
      if (l.name == v.b.ifname) l.peer_index = idx[0];
  }
  // VLAN subinterfaces on their parents, marked (the applier marks every one it makes).
  for (const auto& v : d.vlans) {
    auto& ns = o.namespaces[v.ns];
    const auto* parent = ns.link(v.parent);
    int idx = add_link(ns, {.name = v.ifname, .kind = "vlan", .mtu = v.mtu.value_or(parent ? parent->mtu : 1500),
                            .mac = v.mac ? lower(*v.mac) : (parent ? parent->mac : ""), .up = true, .operstate = "UP",
                            .alias = link_alias(d.lab, v.origin), .peer_index = index_of(ns, v.parent), .vlan_id = v.id});
    ns.qdiscs.push_back({.ifindex = idx, .kind = "noqueue"});
    ns.addresses.push_back({.index = idx, .prefix = IpPrefix::from("fe80::2/64"), .scope = RT_SCOPE_LINK});
  }
  for (const auto& p : d.patches) {
    bridge(o, "ovs", p.bridge_a).ports.push_back({.name = p.port_a, .owner = d.lab, .patch_peer = p.port_b});
    bridge(o, "ovs", p.bridge_b).ports.push_back({.name = p.port_b, .owner = d.lab, .patch_peer = p.port_a});
  }

  for (const auto& n : d.namespaces) {
    auto& ns = o.namespaces[n.node];
    for (const auto& [ifname, prefixes] : n.addresses)
      for (const auto& p : prefixes) {
        int index = index_of(ns, ifname);
        ns.addresses.push_back({.index = index, .prefix = p, .scope = RT_SCOPE_UNIVERSE});
        // The connected route the kernel adds with an address (protocol kernel: not ours).
        ns.routes.push_back({.destination = p.network(), .oif = index, .protocol = RTPROT_KERNEL, .scope = RT_SCOPE_LINK});
      }
    for (size_t i = 0; i < n.routes.size(); ++i) {
      netlink::Route r = n.routes[i];
      r.protocol = RTPROT_BOOT;
      if (!n.route_dev[i].empty()) r.oif = index_of(ns, n.route_dev[i]);
      else
        for (const auto& a : ns.addresses)  // the kernel resolves the device by the gateway
          if (r.gateway && a.scope == RT_SCOPE_UNIVERSE && a.prefix.network().contains(*r.gateway)) r.oif = a.index;
      ns.routes.push_back(r);
    }
  }
  return o;
}

}  // namespace nswire::reconcile::fake
