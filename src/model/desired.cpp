// Lab model -> Desired objects; see include/nswire/model/desired.h.
#include "nswire/model/desired.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "nswire/error.h"
#include "nswire/model/hosts.h"

namespace nswire::model {
namespace {

// FNV-1a: stable across runs and machines (std::hash is not), so names are deterministic.
uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::string hex4(uint32_t h) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", h & 0xffff);
  return buf;
}

std::optional<uint32_t> to_mtu(const std::optional<int>& m) {
  return m ? std::optional<uint32_t>(static_cast<uint32_t>(*m)) : std::nullopt;
}

// The kernel reports MACs in lower case; the file may use either.
// A port on a switch whose trunks are VLAN entries (Traits::trunks_listed) as that switch holds
// it: the modes that add nothing to the VLANs are not named, and the native VLAN is no trunk
// entry of its own (it is the PVID entry).
backend::PortOptions listed_trunk(backend::PortOptions o, std::optional<int> vlan) {
  if (o.vlan_mode == "access" || o.vlan_mode == "trunk") o.vlan_mode.clear();
  if (o.vlan_mode == "native-tagged" || o.vlan_mode == "native-untagged") {
    int64_t native = vlan.value_or(1);
    o.trunks.erase(std::remove(o.trunks.begin(), o.trunks.end(), native), o.trunks.end());
    if (o.trunks.empty() && o.vlan_mode == "native-untagged") o.vlan_mode.clear();  // an access port
  }
  return o;
}

std::optional<std::string> lower_mac(std::optional<std::string> mac) {
  if (mac)
    for (auto& c : *mac) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mac;
}

netlink::Impairment egress(const std::optional<ImpairmentSpec>& spec, Direction skip) {
  return spec && spec->direction != skip ? spec->value : netlink::Impairment{};
}

bool impaired(const Link& l) {
  for (const auto& i : l.impairment)
    if (i && !i->value.empty()) return true;
  return false;
}

}  // namespace

std::string host_ifname(const std::string& lab, const std::string& node, const std::string& ifname, int salt) {
  std::string key = lab + "/" + node + "/" + ifname + (salt ? "#" + std::to_string(salt) : "");
  return node.substr(0, 5) + "-" + ifname.substr(0, 4) + "-" + hex4(fnv1a(key));
}

std::string patch_ifname(const std::string& lab, const std::string& from, const std::string& to, int salt) {
  std::string key = lab + "/patch/" + from + "/" + to + (salt ? "#" + std::to_string(salt) : "");
  return "p" + from.substr(0, 4) + "-" + to.substr(0, 4) + "-" + hex4(fnv1a(key));
}

std::string link_alias(const std::string& lab, const std::string& origin) { return "nswire:" + lab + " " + origin; }

std::string generated_mac(const std::string& key) {
  // 64-bit FNV-1a; five of its bytes after 02 (locally administered, unicast).
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:%02x:%02x:%02x:%02x:%02x", unsigned(h >> 32) & 0xff, unsigned(h >> 24) & 0xff,
                unsigned(h >> 16) & 0xff, unsigned(h >> 8) & 0xff, unsigned(h) & 0xff);
  return buf;
}

const DesiredNamespace* Desired::find_namespace(const std::string& node) const {
  for (const auto& n : namespaces)
    if (n.node == node) return &n;
  return nullptr;
}

const backend::Traits& Desired::traits(const std::string& backend) const {
  if (const auto* b = backend::find_backend(backends, backend)) return b->traits;
  throw Error("internal: no backend \"" + backend + "\" in the catalog");
}

Desired flatten(const Lab& lab, const backend::Catalog& backends, const std::string& host) {
  Desired d;
  d.lab = lab.name;
  d.backends = backends;
  d.settings = lab.settings;
  const Placement placement = place(lab);
  const std::string here = host.empty() ? default_host(lab) : host;
  d.host = here;
  d.spans_hosts = lab.hosts.size() > 1;
  const Host* self = find_host(lab, here);
  std::map<std::string, std::string> backend_of;
  std::map<std::string, uint32_t> span_mtu;  // bridges whose frames cross hosts: what they may carry
  for (const auto& b : lab.bridges) {
    const std::string& backend = effective_backend(lab, b);
    backend_of[b.name] = backend;
    if (!placement.on(b.name, here)) {
      d.elsewhere.push_back(b.name);
      continue;
    }
    const auto& traits = d.traits(backend);
    auto span = span_of(lab, placement, b, traits);
    DesiredBridge db{b.name, backend, b.stp, to_mtu(b.mtu), b.options, {}};
    if (span) {
      span_mtu[b.name] = span->mtu();
      db.hosts = span->hosts;
      if (!db.mtu && traits.bridge_is_device) db.mtu = span->mtu();
    }
    if (!traits.bridge_is_device) {
      db.addresses = b.addresses;
      if (b.vni) db.vni = static_cast<uint32_t>(*b.vni);
    }
    d.bridges.push_back(db);
    if (!span || traits.span != backend::Span::tunnels || !self || !self->address) continue;
    DesiredTunnel t{.bridge = b.name, .backend = backend, .type = span->encapsulation.type,
                    .vni = placement.vni.at(b.name), .local = self->address->to_string(), .peers = {},
                    .mtu = span->mtu(), .underlay_mtu = span->underlay_mtu, .overhead = span->overhead};
    for (const auto& other : span->hosts) {
      const Host* h = find_host(lab, other);
      if (other != here && h && h->address) t.peers.push_back({other, h->address->to_string()});
    }
    std::sort(t.peers.begin(), t.peers.end(), [](const auto& x, const auto& y) { return x.address < y.address; });
    d.tunnels.push_back(std::move(t));
  }

  d.namespaces.push_back({.node = kHost});
  auto ns_of = [&](const std::string& node) -> DesiredNamespace& {
    for (auto& n : d.namespaces)
      if (n.node == node) return n;
    throw Error("internal: namespace of node \"" + node + "\" not flattened");
  };
  // A device bridge's addresses are the host namespace's, on its home host.
  for (const auto& b : lab.bridges)
    if (d.traits(backend_of[b.name]).bridge_is_device && placement.bridge_home.at(b.name) == here)
      for (const auto& a : b.addresses) ns_of(kHost).addresses[b.name].push_back(a);

  std::set<std::string> used_names;  // host-namespace names, to keep generated ones unique
  for (const auto& b : lab.bridges) used_names.insert(b.name);
  for (const auto& l : lab.links)
    for (const auto& e : l.endpoints)
      if (e.kind == EndpointKind::host) used_names.insert(e.ifname);
  auto unique_name = [&](auto make) {
    for (int salt = 0;; ++salt) {
      std::string n = make(salt);
      if (used_names.insert(n).second) return n;
    }
  };

  std::map<std::string, std::string> port_of;  // "node:if" -> its host end (the switch's port)
  // Host-side names are made for every node of the lab, here or not, so they are the same on
  // every host (salts follow file order).
  std::map<std::pair<std::string, std::string>, std::string> host_names;
  for (const auto& node : lab.nodes)
    for (const auto& i : node.interfaces)
      port_of[node.name + ":" + i.name] = host_names[{node.name, i.name}] =
          unique_name([&](int salt) { return host_ifname(lab.name, node.name, i.name, salt); });

  for (const auto& node : lab.nodes) {
    if (placement.node_host.at(node.name) != here) continue;
    DesiredNamespace ns{.node = node.name};
    if (node.attach.kind == AttachKind::pid) {
      ns.attached = true;
      ns.attach_path = "/proc/" + std::to_string(node.attach.pid) + "/ns/net";
    } else if (node.attach.kind == AttachKind::path) {
      ns.attached = true;
      ns.attach_path = node.attach.path;
    }
    for (const auto& r : node.routes) {
      netlink::Route route{.destination = r.to};
      if (r.via) route.gateway = IpPrefix::host(*r.via);
      ns.routes.push_back(route);
      ns.route_dev.push_back(r.dev.value_or(""));
    }
    ns.sysctls = node.sysctls;
    for (const auto& n : node.dns.nameservers) ns.nameservers.push_back(n.to_string());
    ns.search = node.dns.search;
    d.namespaces.push_back(std::move(ns));

    for (const auto& i : node.interfaces) {
      const std::string& host_name = host_names.at({node.name, i.name});
      // Frames that cross hosts leave room for the encapsulation, unless the file says otherwise.
      auto mtu = to_mtu(i.mtu);
      if (auto s = span_mtu.find(i.bridge); !mtu && s != span_mtu.end()) mtu = s->second;
      // The host end's egress is what the node receives, the node end's what it sends.
      VethEnd host_end{.ns = kHost, .ifname = host_name, .bridge = i.bridge, .mtu = mtu, .port = i.port,
                       .impairment = egress(i.impairment, Direction::out)};
      // Where access VLAN 1 is the untagged default every port has (the backend observes it as
      // no VLAN), wanting it is wanting none.
      if (i.vlan && !(d.traits(backend_of[i.bridge]).vlan1_is_untagged && *i.vlan == 1))
        host_end.vlan = static_cast<uint16_t>(*i.vlan);
      if (d.traits(backend_of[i.bridge]).trunks_listed) host_end.port = listed_trunk(i.port, i.vlan);
      auto mac = lower_mac(i.mac);
      if (!mac && d.traits(backend_of[i.bridge]).port_addresses) mac = generated_mac(lab.name + "/" + node.name + "/" + i.name);
      VethEnd node_end{.ns = node.name, .ifname = i.name, .mtu = mtu, .mac = mac,
                       .impairment = egress(i.impairment, Direction::in)};
      d.veths.push_back({host_end, node_end, "node " + node.name + " interface " + i.name});
      for (const auto& a : i.addresses) ns_of(node.name).addresses[i.name].push_back(a);
    }
    for (const auto& i : node.subinterfaces) {
      // Without an MTU of its own a subinterface has its parent's: the kernel gives a new VLAN its
      // parent's MTU of the moment and lowers it with the parent, but never raises it.
      auto mtu = to_mtu(i.mtu);
      if (!mtu)
        for (const auto& v : d.veths)
          if (v.b.ns == node.name && v.b.ifname == i.parent) mtu = v.b.mtu;
      d.vlans.push_back({.ns = node.name, .ifname = i.name, .parent = i.parent, .id = static_cast<uint16_t>(i.vlan.value_or(0)),
                         .mtu = mtu, .mac = lower_mac(i.mac), .origin = "node " + node.name + " interface " + i.name});
      for (const auto& a : i.addresses) ns_of(node.name).addresses[i.name].push_back(a);
    }
  }

  // Mirrors name node interfaces; the switch knows them by their host ends.
  for (const auto& bridge : lab.bridges) {
    auto here_too = std::find_if(d.bridges.begin(), d.bridges.end(), [&](const auto& b) { return b.name == bridge.name; });
    if (here_too == d.bridges.end()) continue;  // a lab across hosts: a bridge on other hosts only
    auto& mirrors = here_too->mirrors;
    auto port = [&](const std::string& text) {
      auto it = port_of.find(text);
      if (it == port_of.end()) throw Error("internal: mirror port " + text + " passed validation unknown");
      return it->second;
    };
    for (const auto& m : bridge.mirrors) {
      backend::MirrorSpec spec{.name = m.name, .vlans = m.vlans, .output_vlan = m.output_vlan};
      for (const auto& s : m.src) spec.src.push_back(port(s));
      for (const auto& s : m.dst) spec.dst.push_back(port(s));
      std::sort(spec.src.begin(), spec.src.end());
      spec.src.erase(std::unique(spec.src.begin(), spec.src.end()), spec.src.end());
      std::sort(spec.dst.begin(), spec.dst.end());
      spec.dst.erase(std::unique(spec.dst.begin(), spec.dst.end()), spec.dst.end());
      if (!m.output.empty()) spec.output_port = port(m.output);
      mirrors.push_back(std::move(spec));
    }
    std::sort(mirrors.begin(), mirrors.end(),
              [](const auto& x, const auto& y) { return x.name < y.name; });
  }

  for (const auto& l : lab.links) {
    const auto& e0 = l.endpoints[0];
    const auto& e1 = l.endpoints[1];
    if (link_host(lab, placement, l) != here) {  // its names are taken all the same
      if (e0.kind == EndpointKind::bridge && e1.kind == EndpointKind::bridge) {
        unique_name([&](int s) { return patch_ifname(lab.name, e0.bridge, e1.bridge, s); });
        unique_name([&](int s) { return patch_ifname(lab.name, e1.bridge, e0.bridge, s); });
      } else {
        for (int k = 0; k < 2; ++k)
          if (l.endpoints[k].kind == EndpointKind::bridge) {
            const auto& other = l.endpoints[1 - k];
            unique_name([&](int s) { return patch_ifname(lab.name, l.endpoints[k].bridge, other.node.empty() ? other.ifname : other.node, s); });
          }
      }
      continue;
    }
    if (e0.kind == EndpointKind::bridge && e1.kind == EndpointKind::bridge) {
      // Native where both bridges are on one backend that has native patches (auto), or asked.
      bool can_native = backend_of[e0.bridge] == backend_of[e1.bridge] && d.traits(backend_of[e0.bridge]).native_patches;
      // An impaired pair needs devices to put the impairment on: a veth, unless asked otherwise.
      bool native = l.patch == Patch::native || (l.patch == Patch::automatic && can_native && !impaired(l));
      if (native && !can_native) throw Error("internal: a native patch between bridges that cannot have one passed validation");
      std::string a = unique_name([&](int s) { return patch_ifname(lab.name, e0.bridge, e1.bridge, s); });
      std::string b = unique_name([&](int s) { return patch_ifname(lab.name, e1.bridge, e0.bridge, s); });
      if (native) {
        d.patches.push_back({e0.bridge, a, e1.bridge, b});
      } else {
        d.veths.push_back({{.ns = kHost, .ifname = a, .bridge = e0.bridge, .mtu = to_mtu(l.mtu),
                            .impairment = egress(l.impairment[0], Direction::in)},
                           {.ns = kHost, .ifname = b, .bridge = e1.bridge, .mtu = to_mtu(l.mtu),
                            .impairment = egress(l.impairment[1], Direction::in)},
                           "link " + e0.bridge + " <-> " + e1.bridge});
      }
      continue;
    }
    std::array<VethEnd, 2> ends;
    for (int k = 0; k < 2; ++k) {
      const auto& e = l.endpoints[k];
      const auto& other = l.endpoints[1 - k];
      VethEnd& end = ends[k];
      end.mtu = to_mtu(l.mtu);
      end.impairment = egress(l.impairment[k], Direction::in);
      if (e.kind == EndpointKind::bridge) {
        end.ns = kHost;
        end.bridge = e.bridge;
        end.ifname = unique_name([&](int s) { return patch_ifname(lab.name, e.bridge, other.node.empty() ? other.ifname : other.node, s); });
      } else {
        end.ns = e.kind == EndpointKind::host ? kHost : e.node;
        end.ifname = e.ifname;
      }
      for (const auto& a : l.addresses[k]) ns_of(end.ns).addresses[end.ifname].push_back(a);
    }
    d.veths.push_back({ends[0], ends[1], "link " + e0.text + " <-> " + e1.text});
  }
  return d;
}

std::optional<NamedVeth> find_veth(const Desired& d, const Lab& lab, std::string_view name) {
  auto named = resolve_link_name(lab, name);
  if (!named) return std::nullopt;
  auto is = [](const VethEnd& e, const std::string& ns, const std::string& ifname) { return e.ns == ns && e.ifname == ifname; };
  std::optional<NamedVeth> out;
  for (size_t i = 0; i < d.veths.size() && !out; ++i) {
    const auto& v = d.veths[i];
    switch (named->kind) {
      case LinkName::Kind::interface:
        if (is(v.b, named->node->name, named->interface->name)) out = NamedVeth{i, false};
        break;
      case LinkName::Kind::link_end: {
        const auto& e = named->link->endpoints[named->end];
        std::string ns = e.kind == EndpointKind::host ? std::string(kHost) : e.node;
        if (is(v.a, ns, e.ifname)) out = NamedVeth{i, true};
        else if (is(v.b, ns, e.ifname)) out = NamedVeth{i, false};
        break;
      }
      case LinkName::Kind::bridges: {
        const auto& e0 = named->link->endpoints[0];
        const auto& e1 = named->link->endpoints[1];
        if (v.a.ns == kHost && v.b.ns == kHost && v.a.bridge == e0.bridge && v.b.bridge == e1.bridge &&
            v.origin == "link " + e0.bridge + " <-> " + e1.bridge)
          out = NamedVeth{i, named->end == 0};
        break;
      }
    }
  }
  if (!out) return std::nullopt;
  const auto& v = d.veths[out->veth];
  const VethEnd& named_end = out->named_a ? v.a : v.b;
  const VethEnd& peer = out->named_a ? v.b : v.a;
  out->fault_a = named_end.bridge.empty() && !peer.bridge.empty() ? !out->named_a : out->named_a;
  return out;
}

}  // namespace nswire::model
