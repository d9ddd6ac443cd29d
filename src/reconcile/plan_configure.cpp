// Planning inside each namespace: links up with their MTU, MAC and marks (and software
// checksums where a backend needs them), addresses, routes, sysctls and resolv.conf; and the
// state record the plan leaves.
#include <linux/rtnetlink.h>

#include <algorithm>
#include <map>

#include "nswire/netns/rules.h"
#include "planner.h"

namespace nswire::reconcile {

void Planner::plan_configuration() {
  for (const auto& n : d_.namespaces) {
    if (!focus_.empty() && std::none_of(focus_.begin(), focus_.end(), [&](const LinkKey& k) { return k.first == n.node; }))
      continue;
    NamespaceChanges c{.node = n.node};
    const auto& o = ns(n.node);
    bool fresh_ns = !n.node.empty() && !n.attached && !o.exists;
    if (!n.node.empty() && focus_.empty()) {
      const auto* lo = o.link("lo");
      if (fresh_ns || !lo || !lo->up) c.lo_up = true;
    }
    plan_links(n, c);
    plan_vlan_links(n, c);
    plan_addresses(n, c);
    plan_routes(n, c, fresh_ns);
    plan_qdiscs(n, c);
    if (focus_.empty()) plan_sysctls_and_dns(n, c);
    if (!c.empty()) plan_.configure.push_back(std::move(c));
  }
  if (!focus_.empty()) return;
  plan_etc_of_removed_namespaces();
}

void Planner::plan_etc_of_removed_namespaces() {
  for (const auto& node : plan_.remove_namespaces)
    if (ns(node).resolv_conf || ns(node).resolv_conf_cut_short)
      plan_.configure.push_back({.node = node, .remove_resolv_conf = true});
}

void Planner::plan_links(const DesiredNamespace& n, NamespaceChanges& c) {
  for (const auto& [veth, e] : ends_in(n.node)) {
      const auto& v = *veth;
      if (!focused(e->ns, e->ifname)) continue;
      bool fresh = created_.count({e->ns, e->ifname}) > 0;
      LinkConfig lc{.ifname = e->ifname, .up = !e->down};
      if (fresh) {
        // A new end: up, with its MTU, MAC and mark. The applier marks a host end it creates in
        // the same batch as the veth (before any backend checks ownership): not again here.
        lc.mtu = e->mtu;
        lc.mac = e->mac;
        if (!e->ns.empty()) lc.alias = judge_.wanted_alias(v, *e);
        lc.tx_checksum_off = d_.software_checksums;
        c.configure_links.push_back(lc);
        continue;
      }
      auto j = judge_.end(v, *e);
      if (j.as_wanted()) continue;
      lc.mtu = j.mtu;
      lc.mac = j.mac;
      lc.alias = j.alias;
      lc.tx_checksum_off = j.checksum_offload;
      c.configure_links.push_back(lc);
      std::string detail = !j.link                     ? "configure"
                           : j.down != j.wanted_down ? (e->down ? "down (override)" : "up")
                                                     : "MTU/MAC/mark";
      add(Op::modify, Kind::link, {e->ns, e->ifname}, where(n.node, e->ifname), detail);
    }
}

void Planner::plan_vlan_links(const DesiredNamespace& n, NamespaceChanges& c) {
  for (const auto* v : vlans_in(n.node)) {
    if (!focused(v->ns, v->ifname)) continue;
    if (created_.count({v->ns, v->ifname})) {
      // Made with its MAC and mark (plan_vlans said so); its MTU is set with the rest, after its
      // parent's (the kernel refuses a VLAN larger than its parent, and the parent's MTU may be
      // raised in this same run).
      c.create_vlans.push_back(*v);
      c.configure_links.push_back({.ifname = v->ifname, .mtu = v->mtu});
      continue;
    }
    auto j = judge_.vlan(*v);
    if (j.as_wanted()) continue;
    c.configure_links.push_back({.ifname = v->ifname, .mtu = j.mtu, .mac = j.mac, .alias = j.alias});
    add(Op::modify, Kind::link, {v->ns, v->ifname}, where(n.node, v->ifname), j.down ? "up" : "MTU/MAC/mark");
  }
}

void Planner::plan_addresses(const DesiredNamespace& n, NamespaceChanges& c) {
  const auto& o = ns(n.node);
  auto global_addresses = [&](int index) {  // the kernel's own link-local ones are not ours
    std::vector<IpPrefix> out;
    for (const auto& a : o.addresses)
      if (a.index == index && a.scope == RT_SCOPE_UNIVERSE) out.push_back(a.prefix);
    return out;
  };
  for (const auto& [ifname, wanted] : n.addresses) {
    if (!focused(n.node, ifname)) continue;
    bool fresh = created_.count({n.node, ifname}) > 0;
    for (const auto& p : wanted)
      if (fresh || !judge_.address_as_wanted(n.node, ifname, p)) {
        c.add_addresses.push_back({ifname, p});
        add(Op::create, Kind::address, {n.node, ifname}, p.to_string() + " on " + where(n.node, ifname));
      }
    const auto* l = fresh ? nullptr : o.link(ifname);
    if (!l) continue;
    for (const auto& p : global_addresses(l->index))
      if (std::find(wanted.begin(), wanted.end(), p) == wanted.end()) {
        c.delete_addresses.push_back({ifname, p});
        add(Op::remove, Kind::address, {n.node, ifname}, p.to_string() + " on " + where(n.node, ifname), "no longer in the lab");
      }
  }
  // Interfaces of ours that should carry no address at all.
  for (const auto& l : o.links) {
    // A link this plan deletes takes its addresses with it (a subinterface dropped from the file).
    if (n.addresses.count(l.name) || !judge_.owned_link(n.node, l) || created_.count({n.node, l.name}) ||
        deleted_.count({n.node, l.name}) || !focused(n.node, l.name))
      continue;
    for (const auto& p : global_addresses(l.index)) {
      c.delete_addresses.push_back({l.name, p});
      add(Op::remove, Kind::address, {n.node, l.name}, p.to_string() + " on " + where(n.node, l.name), "no longer in the lab");
    }
  }
}

// A route through a link this plan deletes (or deletes and makes anew) is gone with it: the
// kernel drops a device's routes when the device goes.
bool Planner::route_goes(const std::string& node, const netlink::Route& h) const {
  const auto* l = ns(node).link(h.oif);
  return l && (created_.count({node, l->name}) || deleted_.count({node, l->name}));
}

void Planner::plan_routes(const DesiredNamespace& n, NamespaceChanges& c, bool fresh_ns) {
  const auto& o = ns(n.node);
  std::string in = n.node.empty() ? "host" : n.node;
  for (size_t i = 0; i < n.routes.size(); ++i) {
    const auto& r = n.routes[i];
    const auto& dev = n.route_dev[i];
    if (!focus_.empty() && std::none_of(focus_.begin(), focus_.end(), [&](const LinkKey& k) {
          return k.first == n.node && judge_.route_through(n, i, k.second);
        }))
      continue;
    bool present = !fresh_ns && std::any_of(o.routes.begin(), o.routes.end(), [&](const netlink::Route& h) {
      return route_matches(r, dev, h, o) && !route_goes(n.node, h);
    });
    // Through an end held down: the kernel took it with the link, and gives it back to no one.
    if (present || judge_.route_waits(n, i)) continue;
    c.add_routes.push_back({r, dev});
    add(Op::create, Kind::route, {n.node, dev}, describe(r) + (dev.empty() ? "" : " dev " + dev) + " in " + in);
  }
  // Routes nswire added (protocol boot) that the lab no longer lists, in its own namespaces.
  if (n.node.empty() || !judge_.recorded(n.node) || !focus_.empty()) return;
  for (const auto& h : o.routes) {
    if (h.protocol != RTPROT_BOOT || route_goes(n.node, h)) continue;
    bool wanted = false;
    for (size_t i = 0; i < n.routes.size(); ++i) wanted |= route_matches(n.routes[i], n.route_dev[i], h, o);
    if (wanted) continue;
    c.delete_routes.push_back({h, ""});
    add(Op::remove, Kind::route, {n.node, ""}, describe(h) + " in " + n.node, "no longer in the lab");
  }
}

void Planner::plan_sysctls_and_dns(const DesiredNamespace& n, NamespaceChanges& c) {
  for (const auto& [key, value] : n.sysctls) {
    if (judge_.sysctl_as_wanted(n, key)) continue;
    c.sysctls[key] = value;
    add(Op::modify, Kind::sysctl, {n.node, key}, where(n.node, key), "= " + value);
  }
  if (n.node.empty() || judge_.dns_as_wanted(n)) return;
  const auto& conf = ns(n.node).resolv_conf;
  if (!n.nameservers.empty() || !n.search.empty()) {
    c.resolv_conf = {n.nameservers, n.search};
    add(conf ? Op::modify : Op::create, Kind::dns, {n.node, "resolv.conf"}, netns::resolv_conf_path(n.node));
  } else {
    c.remove_resolv_conf = true;
    add(Op::remove, Kind::dns, {n.node, "resolv.conf"}, netns::resolv_conf_path(n.node));
  }
}

void Planner::plan_configuration_removals_only() {
  plan_etc_of_removed_namespaces();
  // Attached namespaces stay, but the resolv.conf nswire wrote for them goes.
  if (obs_.record)
    for (const auto& [node, path] : obs_.record->attached) {
      const auto& conf = ns(node).resolv_conf;
      if (conf && netns::written_by_nswire(*conf)) {
        plan_.configure.push_back({.node = node, .remove_resolv_conf = true});
        add(Op::remove, Kind::dns, {node, "resolv.conf"}, netns::resolv_conf_path(node));
      }
    }
}

void Planner::finish_record() {
  auto& r = plan_.record;
  r.host = d_.host;
  for (const auto& n : d_.namespaces) {
    if (n.node.empty()) continue;
    if (n.attached) r.attached[n.node] = n.attach_path;
    else r.namespaces.push_back(n.node);
  }
  std::set<std::string> backends;
  for (const auto& b : d_.bridges) {
    r.bridges[b.name] = b.backend;
    backends.insert(b.backend);
  }
  r.backends.assign(backends.begin(), backends.end());
}

}  // namespace nswire::reconcile
