// The planner: Desired x Observed -> Plan, with no I/O. See include/nswire/reconcile/plan.h.
#include "nswire/reconcile/plan.h"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <set>

#include "nswire/error.h"
#include "nswire/netns/namespace.h"
#include "nswire/reconcile/status.h"

namespace nswire::reconcile {

const char* to_string(Action::Op op) {
  switch (op) {
    case Action::Op::create: return "create";
    case Action::Op::modify: return "modify";
    case Action::Op::remove: return "remove";
  }
  return "?";
}

const netlink::Link* ObservedNamespace::link(const std::string& name) const {
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

const netlink::Link* ObservedNamespace::link(int index) const {
  for (const auto& l : links)
    if (l.index == index) return &l;
  return nullptr;
}

namespace {

using backend::ObservedBridge;
using backend::ObservedPort;

std::string lab_of_alias(const std::string& alias) { return backend::lab_of_linux_mark(alias); }

// Where a port is plugged in now, across the consulted backends.
struct PortLocation {
  std::string backend, bridge;
  const ObservedPort* port = nullptr;
};

class Planner {
 public:
  Planner(const std::string& lab, const Observed& observed) : lab_(lab), obs_(observed) {
    for (const auto& [backend, bridges] : obs_.bridges)
      for (const auto& b : bridges)
        for (const auto& p : b.ports) ports_[p.name] = {backend, b.name, &p};
  }

  Plan up(const Desired& d) {
    plan_.record.lab = lab_;
    if (obs_.record) plan_.record.file = obs_.record->file;
    check_foreign(d);
    plan_removals(d);
    plan_bridges(d);
    plan_namespaces(d);
    plan_veths(d);
    plan_ports(d);
    plan_configuration(d);
    finish_record(d);
    return std::move(plan_);
  }

  Plan down() {
    plan_.record.lab = lab_;
    Desired nothing;
    nothing.lab = lab_;
    nothing.namespaces.push_back({.node = kHost});
    plan_removals(nothing);
    plan_configuration_removals_only();
    return std::move(plan_);
  }

 private:
  void add(Action::Op op, std::string kind, std::string object, std::string detail = {}) {
    plan_.actions.push_back({op, std::move(kind), std::move(object), std::move(detail)});
  }

  const ObservedNamespace& ns(const std::string& node) const {
    static const ObservedNamespace missing;
    auto it = obs_.namespaces.find(node);
    return it == obs_.namespaces.end() ? missing : it->second;
  }

  bool recorded_namespace(const std::string& node) const {
    return obs_.record && std::count(obs_.record->namespaces.begin(), obs_.record->namespaces.end(), node);
  }

  // Links nswire may touch in a namespace: everything in one the lab created (but lo), only
  // marked links elsewhere.
  bool owned_link(const std::string& node, const netlink::Link& l) const {
    if (l.name == "lo") return false;
    if (!node.empty() && recorded_namespace(node)) return true;
    return lab_of_alias(l.alias) == lab_;
  }

  const ObservedBridge* observed_bridge(const std::string& backend, const std::string& name) const {
    auto it = obs_.bridges.find(backend);
    if (it == obs_.bridges.end()) return nullptr;
    for (const auto& b : it->second)
      if (b.name == name) return &b;
    return nullptr;
  }

  // Objects the lab needs that exist but are someone else's: refuse before planning anything.
  void check_foreign(const Desired& d) {
    for (const auto& n : d.namespaces) {
      if (n.node.empty() || n.attached) continue;
      if (ns(n.node).exists && !recorded_namespace(n.node))
        throw Error("namespace \"" + n.node + "\" already exists and was not created by lab \"" + lab_ +
                    "\"; nswire leaves it untouched (use `attach:` to use an existing namespace)");
    }
    for (const auto& b : d.bridges) {
      for (const auto& [backend, bridges] : obs_.bridges) {
        const auto* ob = observed_bridge(backend, b.name);
        if (ob && ob->owner != lab_)
          throw Error("bridge \"" + b.name + "\" already exists (" + backend + ") and is not owned by lab \"" + lab_ +
                      "\"" + (ob->owner.empty() ? "" : " (it belongs to lab \"" + ob->owner + "\")") +
                      "; nswire leaves it untouched");
      }
      const auto* l = ns(kHost).link(b.name);
      bool is_bridge_device = false;
      for (const auto& [backend, bridges] : obs_.bridges) is_bridge_device |= observed_bridge(backend, b.name) != nullptr;
      if (l && !is_bridge_device && lab_of_alias(l->alias) != lab_)
        throw Error("bridge \"" + b.name + "\": a network device of that name already exists and is not owned by lab \"" +
                    lab_ + "\"; nswire leaves it untouched");
    }
    for (const auto& v : d.veths)
      for (const auto* e : {&v.a, &v.b}) {
        if (!e->ns.empty() && !ns(e->ns).exists) continue;
        if (!e->ns.empty() && recorded_namespace(e->ns)) continue;
        const auto* l = ns(e->ns).link(e->ifname);
        if (l && lab_of_alias(l->alias) != lab_)
          throw Error("interface \"" + where(e->ns, e->ifname) + "\" (" + v.origin +
                      ") already exists and is not owned by lab \"" + lab_ + "\"; nswire leaves it untouched");
      }
  }

  // A veth is intact when both ends exist, are veths, and are each other's peers.
  bool veth_intact(const DesiredVeth& v) const {
    const auto* a = ns(v.a.ns).link(v.a.ifname);
    const auto* b = ns(v.b.ns).link(v.b.ifname);
    if (!a || !b || a->kind != "veth" || b->kind != "veth") return false;
    if (!v.a.ns.empty() && !ns(v.a.ns).exists) return false;
    return a->peer_index == b->index && b->peer_index == a->index;
  }

  void plan_removals(const Desired& d) {
    std::set<std::pair<std::string, std::string>> wanted_links;  // (ns, ifname)
    for (const auto& v : d.veths) {
      wanted_links.insert({v.a.ns, v.a.ifname});
      wanted_links.insert({v.b.ns, v.b.ifname});
    }
    std::set<std::string> wanted_ns;
    for (const auto& n : d.namespaces) wanted_ns.insert(n.node);

    // Broken veths (one end gone, or no longer peers) are deleted and made again.
    for (const auto& v : d.veths) {
      if (veth_intact(v)) continue;
      for (const auto* e : {&v.a, &v.b}) {
        rebuilt_.insert({e->ns, e->ifname});
        const auto* l = ns(e->ns).link(e->ifname);
        if (l && (e->ns.empty() || ns(e->ns).exists) && owned_link(e->ns, *l)) {
          plan_.delete_links.push_back({e->ns, e->ifname});
          add(Action::Op::remove, "veth", where(e->ns, e->ifname), "broken pair (" + v.origin + "): recreated");
          deleted_.insert({e->ns, e->ifname});
        }
      }
    }
    // Namespaces the lab created and no longer wants; their veths go with them.
    std::map<int, std::string> removed_nsid;
    if (obs_.record)
      for (const auto& node : obs_.record->namespaces)
        if (!wanted_ns.count(node) && ns(node).exists && ns(node).nsid >= 0) removed_nsid[ns(node).nsid] = node;
    // Owned links that are no longer wanted, in the host and in namespaces that stay.
    for (const auto& [node, o] : obs_.namespaces) {
      if (!o.exists) continue;
      bool ns_goes = !node.empty() && recorded_namespace(node) && !wanted_ns.count(node);
      if (ns_goes) continue;  // goes with its namespace
      for (const auto& l : o.links) {
        if (l.kind != "veth" || !owned_link(node, l) || wanted_links.count({node, l.name}) || deleted_.count({node, l.name}))
          continue;
        deleted_.insert({node, l.name});
        auto with = node.empty() && l.peer_netnsid >= 0 ? removed_nsid.find(l.peer_netnsid) : removed_nsid.end();
        if (with != removed_nsid.end()) {
          plan_.vanishing_links.push_back(l.name);
          add(Action::Op::remove, "veth", l.name, "goes with namespace " + with->second);
          continue;
        }
        // A veth's peer goes with it: delete each pair once.
        plan_.delete_links.push_back({node, l.name});
        add(Action::Op::remove, "veth", where(node, l.name), "no longer in the lab");
      }
    }
    // Backend objects: ports that leave their bridge, patches and bridges no longer wanted.
    std::map<std::string, std::pair<std::string, std::string>> wanted_ports;  // port -> (backend, bridge)
    std::map<std::string, std::string> backend_of;
    for (const auto& b : d.bridges) backend_of[b.name] = b.backend;
    for (const auto& v : d.veths)
      for (const auto* e : {&v.a, &v.b})
        if (!e->bridge.empty()) wanted_ports[e->ifname] = {backend_of[e->bridge], e->bridge};
    std::set<std::string> wanted_patch_ports;
    for (const auto& p : d.patches) {
      wanted_patch_ports.insert(p.port_a);
      wanted_patch_ports.insert(p.port_b);
    }
    for (const auto& [backend_name, bridges] : obs_.bridges) {
      const std::string& backend = backend_name;  // clang 14 cannot capture structured bindings
      for (const auto& b : bridges) {
        bool bridge_wanted = std::any_of(d.bridges.begin(), d.bridges.end(),
                                         [&](const auto& x) { return x.name == b.name && x.backend == backend; });
        if (b.owner == lab_ && !bridge_wanted) {
          plan_.removals[backend].remove_bridges.push_back(b.name);
          add(Action::Op::remove, "bridge", b.name + " (" + backend + ")", "no longer in the lab on this backend");
          continue;
        }
        for (const auto& p : b.ports) {
          if (p.owner != lab_) continue;
          if (!p.patch_peer.empty()) {
            if (!wanted_patch_ports.count(p.name)) {
              plan_.removals[backend].remove_patches.push_back({b.name, p.name});
              add(Action::Op::remove, "patch", b.name + ":" + p.name, "no longer in the lab");
            }
            continue;
          }
          auto w = wanted_ports.find(p.name);
          // A port whose veth is made anew leaves first: OVS only reopens a device on a change.
          bool stays = w != wanted_ports.end() && w->second.first == backend && w->second.second == b.name &&
                       !rebuilt_.count({kHost, p.name});
          // Linux releases a deleted veth by itself; OVS keeps the Port row until it is removed.
          bool moves = w != wanted_ports.end() && !stays;
          bool gone = w == wanted_ports.end() || rebuilt_.count({kHost, p.name});
          if (stays) continue;
          if (backend == "linux" && gone && !moves) continue;
          if (backend == "linux" && w != wanted_ports.end() && w->second.first == "linux" && !rebuilt_.count({kHost, p.name}))
            continue;  // moving between Linux bridges is one IFLA_MASTER change in phase 7
          plan_.removals[backend].detach_ports.push_back({b.name, p.name});
          add(Action::Op::remove, "port", b.name + ":" + p.name,
              rebuilt_.count({kHost, p.name}) ? "its veth is made anew"
              : moves                         ? "moves to another bridge"
                                              : "no longer in the lab");
        }
      }
    }
    // Namespaces the lab created and no longer wants.
    if (obs_.record)
      for (const auto& node : obs_.record->namespaces)
        if (!wanted_ns.count(node) && ns(node).exists) {
          plan_.remove_namespaces.push_back(node);
          add(Action::Op::remove, "namespace", node, "no longer in the lab");
        }
  }

  void plan_bridges(const Desired& d) {
    for (const auto& b : d.bridges) {
      const auto* ob = observed_bridge(b.backend, b.name);
      if (!ob) {
        plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu});
        add(Action::Op::create, "bridge", b.name, b.backend + (b.stp ? ", STP on" : ""));
        // A bridge made anew (also when it changes backend) starts with no addresses.
        created_.insert({kHost, b.name});
      } else if (ob->stp != b.stp && b.backend == "linux") {
        plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu});
        add(Action::Op::modify, "bridge", b.name, std::string("STP ") + (b.stp ? "on" : "off"));
      } else if (b.mtu) {
        const auto* l = ns(kHost).link(b.name);
        if (!l || l->mtu != *b.mtu) {
          plan_.bridges[b.backend].ensure_bridges.push_back({b.name, b.stp, b.mtu});
          add(Action::Op::modify, "bridge", b.name, "MTU " + std::to_string(*b.mtu));
        }
      }
    }
  }

  void plan_namespaces(const Desired& d) {
    for (const auto& n : d.namespaces) {
      if (n.node.empty() || n.attached || ns(n.node).exists) continue;
      plan_.create_namespaces.push_back(n.node);
      add(Action::Op::create, "namespace", n.node);
    }
  }

  void plan_veths(const Desired& d) {
    for (const auto& v : d.veths) {
      if (veth_intact(v) && !deleted_.count({v.a.ns, v.a.ifname})) continue;
      plan_.create_veths.push_back(v);
      created_.insert({v.a.ns, v.a.ifname});
      created_.insert({v.b.ns, v.b.ifname});
      add(Action::Op::create, "veth", where(v.a.ns, v.a.ifname) + " <-> " + where(v.b.ns, v.b.ifname), v.origin);
    }
  }

  void plan_ports(const Desired& d) {
    std::map<std::string, std::string> backend_of;
    for (const auto& b : d.bridges) backend_of[b.name] = b.backend;
    for (const auto& v : d.veths)
      for (const auto* e : {&v.a, &v.b}) {
        if (e->bridge.empty()) continue;
        const std::string& backend = backend_of[e->bridge];
        auto it = ports_.find(e->ifname);
        bool fresh = created_.count({e->ns, e->ifname}) > 0;
        if (!fresh && it != ports_.end() && it->second.backend == backend && it->second.bridge == e->bridge &&
            it->second.port->vlan == e->vlan)
          continue;
        plan_.ports[backend].attach_ports.push_back({e->bridge, e->ifname, e->vlan});
        std::string detail = e->vlan ? "access VLAN " + std::to_string(*e->vlan) : std::string();
        bool moved = !fresh && it != ports_.end() && (it->second.bridge != e->bridge || it->second.backend != backend);
        add(fresh || it == ports_.end() ? Action::Op::create : Action::Op::modify, "port", e->bridge + ":" + e->ifname,
            moved ? "from " + it->second.bridge + " (" + it->second.backend + ")" + (detail.empty() ? "" : ", " + detail)
                  : detail);
      }
    for (const auto& p : d.patches) {
      auto it = ports_.find(p.port_a);
      auto jt = ports_.find(p.port_b);
      if (it != ports_.end() && jt != ports_.end() && it->second.bridge == p.bridge_a && jt->second.bridge == p.bridge_b &&
          it->second.port->patch_peer == p.port_b && jt->second.port->patch_peer == p.port_a)
        continue;
      plan_.ports["ovs"].add_patches.push_back({p.bridge_a, p.port_a, p.bridge_b, p.port_b});
      add(Action::Op::create, "patch", p.bridge_a + ":" + p.port_a + " <-> " + p.bridge_b + ":" + p.port_b, "OVS patch ports");
    }
  }

  // Per namespace: links up with their MTU/MAC/marks, addresses, routes, sysctls, resolv.conf.
  void plan_configuration(const Desired& d) {
    std::map<std::string, std::vector<const VethEnd*>> ends_by_ns;
    std::map<std::string, std::string> origin_of;
    for (const auto& v : d.veths)
      for (const auto* e : {&v.a, &v.b}) {
        ends_by_ns[e->ns].push_back(e);
        origin_of[e->ns + "\n" + e->ifname] = v.origin;
      }
    for (const auto& n : d.namespaces) {
      NamespaceChanges c{.node = n.node};
      const auto& o = ns(n.node);
      bool fresh_ns = !n.node.empty() && !n.attached && !o.exists;
      if (!n.node.empty()) {
        const auto* lo = o.link("lo");
        if (fresh_ns || !lo || !lo->up) c.lo_up = true;
      }
      for (const auto* e : ends_by_ns[n.node]) {
        bool fresh = created_.count({e->ns, e->ifname}) > 0;
        const auto* l = fresh ? nullptr : o.link(e->ifname);
        // Host ends and ends in attached namespaces carry the mark; ends in our own namespaces
        // are ours by the namespace.
        std::string alias = link_alias(lab_, origin_of[e->ns + "\n" + e->ifname]);
        bool mark = e->ns.empty() || n.attached;
        LinkConfig lc{.ifname = e->ifname};
        bool change = !l || !l->up;
        if (e->mtu && (!l || l->mtu != *e->mtu)) lc.mtu = e->mtu, change = true;
        if (e->mac && (!l || l->mac != *e->mac)) lc.mac = e->mac, change = true;
        // The applier marks a host end it creates in the same batch as the veth: not again here.
        bool marked_at_creation = fresh && e->ns.empty();
        if (mark && !marked_at_creation && (!l || l->alias != alias)) lc.alias = alias, change = true;
        if (d.software_checksums) {
          auto it = o.tx_checksum.find(e->ifname);
          if (!l || it == o.tx_checksum.end() || it->second) lc.tx_checksum_off = true, change = true;
        }
        if (!change) continue;
        c.configure_links.push_back(lc);
        if (!fresh)
          add(Action::Op::modify, "link", where(n.node, e->ifname), l ? "up/MTU/MAC/mark" : "configure");
      }
      plan_addresses(n, o, c);
      plan_routes(n, o, c, fresh_ns);
      for (const auto& [key, value] : n.sysctls) {
        auto it = o.sysctls.find(key);
        if (it != o.sysctls.end() && it->second == value) continue;
        c.sysctls[key] = value;
        add(Action::Op::modify, "sysctl", where(n.node, key), "= " + value);
      }
      if (!n.node.empty()) {
        bool wants = !n.nameservers.empty() || !n.search.empty();
        std::string text = netns::resolv_conf_text(n.nameservers, n.search);
        if (wants && o.resolv_conf != text) {
          c.resolv_conf = {n.nameservers, n.search};
          add(o.resolv_conf ? Action::Op::modify : Action::Op::create, "dns", "/etc/netns/" + n.node + "/resolv.conf");
        } else if (!wants && o.resolv_conf && o.resolv_conf->rfind("# written by nswire", 0) == 0) {
          c.remove_resolv_conf = true;
          add(Action::Op::remove, "dns", "/etc/netns/" + n.node + "/resolv.conf");
        }
      }
      if (!c.empty()) plan_.configure.push_back(std::move(c));
    }
    // Namespaces that go: their resolv.conf goes with them.
    for (const auto& node : plan_.remove_namespaces) {
      NamespaceChanges c{.node = node};
      if (ns(node).resolv_conf) {
        c.remove_resolv_conf = true;
        plan_.configure.push_back(std::move(c));
      }
    }
  }

  void plan_configuration_removals_only() {
    for (const auto& node : plan_.remove_namespaces)
      if (ns(node).resolv_conf) plan_.configure.push_back({.node = node, .remove_resolv_conf = true});
    // Attached namespaces stay, but the resolv.conf nswire wrote for them goes.
    if (obs_.record)
      for (const auto& [node, path] : obs_.record->attached) {
        const auto& conf = ns(node).resolv_conf;
        if (conf && conf->rfind("# written by nswire", 0) == 0) {
          plan_.configure.push_back({.node = node, .remove_resolv_conf = true});
          add(Action::Op::remove, "dns", "/etc/netns/" + node + "/resolv.conf");
        }
      }
  }

  void plan_addresses(const DesiredNamespace& n, const ObservedNamespace& o, NamespaceChanges& c) {
    for (const auto& [ifname, wanted] : n.addresses) {
      const auto* l = created_.count({n.node, ifname}) ? nullptr : o.link(ifname);
      std::vector<IpPrefix> have;
      if (l)
        for (const auto& a : o.addresses)
          if (a.index == l->index && a.scope == RT_SCOPE_UNIVERSE) have.push_back(a.prefix);
      for (const auto& p : wanted)
        if (std::find(have.begin(), have.end(), p) == have.end()) {
          c.add_addresses.push_back({ifname, p});
          add(Action::Op::create, "address", p.to_string() + " on " + where(n.node, ifname));
        }
      for (const auto& p : have)
        if (std::find(wanted.begin(), wanted.end(), p) == wanted.end()) {
          c.delete_addresses.push_back({ifname, p});
          add(Action::Op::remove, "address", p.to_string() + " on " + where(n.node, ifname), "no longer in the lab");
        }
    }
    // Interfaces of ours that should carry no address at all.
    for (const auto& l : o.links) {
      if (n.addresses.count(l.name) || !owned_link(n.node, l) || created_.count({n.node, l.name})) continue;
      if (!n.node.empty() || lab_of_alias(l.alias) == lab_)
        for (const auto& a : o.addresses)
          if (a.index == l.index && a.scope == RT_SCOPE_UNIVERSE) {
            c.delete_addresses.push_back({l.name, a.prefix});
            add(Action::Op::remove, "address", a.prefix.to_string() + " on " + where(n.node, l.name), "no longer in the lab");
          }
    }
  }

  // A route through a link this plan deletes (or deletes and makes anew) is gone with it: the
  // kernel drops a device's routes when the device goes.
  bool route_goes(const std::string& node, const netlink::Route& h, const ObservedNamespace& o) const {
    const auto* l = o.link(h.oif);
    return l && (created_.count({node, l->name}) || deleted_.count({node, l->name}));
  }

  void plan_routes(const DesiredNamespace& n, const ObservedNamespace& o, NamespaceChanges& c, bool fresh_ns) {
    for (size_t i = 0; i < n.routes.size(); ++i) {
      const auto& r = n.routes[i];
      const auto& dev = n.route_dev[i];
      bool present = !fresh_ns && std::any_of(o.routes.begin(), o.routes.end(), [&](const netlink::Route& h) {
        return route_matches(r, dev, h, o) && !route_goes(n.node, h, o);
      });
      if (present) continue;
      c.add_routes.push_back({r, dev});
      add(Action::Op::create, "route", describe(r) + (dev.empty() ? "" : " dev " + dev) + " in " + (n.node.empty() ? "host" : n.node));
    }
    // Routes nswire added (protocol boot) that the lab no longer lists, in its own namespaces.
    if (n.node.empty() || !recorded_namespace(n.node)) return;
    for (const auto& h : o.routes) {
      if (h.protocol != RTPROT_BOOT || route_goes(n.node, h, o)) continue;
      bool wanted = false;
      for (size_t i = 0; i < n.routes.size(); ++i) wanted |= route_matches(n.routes[i], n.route_dev[i], h, o);
      if (wanted) continue;
      c.delete_routes.push_back({h, ""});
      add(Action::Op::remove, "route", describe(h) + " in " + n.node, "no longer in the lab");
    }
  }

  void finish_record(const Desired& d) {
    auto& r = plan_.record;
    for (const auto& n : d.namespaces) {
      if (n.node.empty()) continue;
      if (n.attached) r.attached[n.node] = n.attach_path;
      else r.namespaces.push_back(n.node);
    }
    std::set<std::string> backends;
    for (const auto& b : d.bridges) {
      r.bridges[b.name] = b.backend;
      backends.insert(b.backend);
    }
    r.backends.assign(backends.begin(), backends.end());
  }

  std::string lab_;
  const Observed& obs_;
  Plan plan_;
  std::map<std::string, PortLocation> ports_;
  std::set<std::pair<std::string, std::string>> deleted_, created_, rebuilt_;
};

}  // namespace

Plan plan_up(const Desired& desired, const Observed& observed) { return Planner(desired.lab, observed).up(desired); }

Plan plan_down(const std::string& lab, const Observed& observed) { return Planner(lab, observed).down(); }

}  // namespace nswire::reconcile
