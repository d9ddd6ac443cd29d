// Placement of a lab's objects on its hosts; see include/nswire/model/hosts.h.
#include "nswire/model/hosts.h"

#include <algorithm>
#include <set>

#include "nswire/error.h"

namespace nswire::model {
namespace {

// FNV-1a: stable across runs and machines, so every host derives the same VNI.
uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

const Host* find_host(const Lab& lab, std::string_view name) {
  for (const auto& h : lab.hosts)
    if (h.name == name) return &h;
  return nullptr;
}

std::string default_host(const Lab& lab) { return lab.hosts.empty() ? std::string() : lab.hosts.front().name; }

bool Placement::spans(const std::string& bridge) const {
  auto it = bridge_hosts.find(bridge);
  return it != bridge_hosts.end() && it->second.size() > 1;
}

bool Placement::on(const std::string& bridge, const std::string& host) const {
  auto it = bridge_hosts.find(bridge);
  return it != bridge_hosts.end() && std::find(it->second.begin(), it->second.end(), host) != it->second.end();
}

Placement place(const Lab& lab) {
  Placement p;
  const std::string first = default_host(lab);
  for (const auto& n : lab.nodes) p.node_host[n.name] = n.host.empty() ? first : n.host;
  std::map<std::string, std::set<std::string>> on;  // bridge -> hosts
  std::set<std::string> with_nodes, linked;
  for (const auto& b : lab.bridges) p.bridge_home[b.name] = b.host.empty() ? first : b.host;
  for (const auto& n : lab.nodes)
    for (const auto& i : n.interfaces) {
      on[i.bridge].insert(p.node_host[n.name]);
      with_nodes.insert(i.bridge);
    }
  for (const auto& l : lab.links)
    for (const auto& e : l.endpoints)
      if (e.kind == EndpointKind::bridge) linked.insert(e.bridge);
  for (const auto& b : lab.bridges) {
    // The home carries what is not a node's: addresses, links; and a bridge with nothing on it.
    if (!b.addresses.empty() || linked.count(b.name) || !with_nodes.count(b.name) || !b.host.empty())
      on[b.name].insert(p.bridge_home[b.name]);
    auto& list = p.bridge_hosts[b.name];
    for (const auto& h : lab.hosts)
      if (on[b.name].count(h.name)) list.push_back(h.name);
    for (const auto& h : on[b.name])  // unknown names (reported by the validator) and "" without hosts
      if (!find_host(lab, h)) list.push_back(h);
  }

  // Segment ids: the given ones first, then each other bridge's derived one, in file order,
  // skipping what is taken (a collision of two hashes moves the later bridge on, deterministically).
  std::set<uint32_t> taken;
  for (const auto& b : lab.bridges)
    if (b.vni && *b.vni > 0 && static_cast<uint32_t>(*b.vni) <= kMaxVni) {
      p.vni[b.name] = static_cast<uint32_t>(*b.vni);
      taken.insert(static_cast<uint32_t>(*b.vni));
    }
  const uint32_t span = kMaxVni - kFirstDerivedVni + 1;
  for (const auto& b : lab.bridges) {
    if (p.vni.count(b.name)) continue;
    uint32_t v = kFirstDerivedVni + fnv1a(lab.name + "/" + b.name) % span;
    while (taken.count(v)) v = v == kMaxVni ? kFirstDerivedVni : v + 1;
    taken.insert(v);
    p.vni[b.name] = v;
  }
  return p;
}

std::string which_host(const Lab& lab, const std::optional<std::string>& wanted,
                       const std::vector<IpAddress>& local_addresses) {
  std::string names;
  for (const auto& h : lab.hosts)
    names += (names.empty() ? "" : ", ") + h.name + (h.address ? " (" + h.address->to_string() + ")" : "");
  if (wanted) {
    if (lab.hosts.empty())
      throw Error("--host " + *wanted + ": lab \"" + lab.name + "\" has no hosts section; it runs on this machine as it is");
    if (!find_host(lab, *wanted)) throw Error("--host " + *wanted + ": lab \"" + lab.name + "\" has no such host (hosts: " + names + ")");
    return *wanted;
  }
  if (lab.hosts.empty()) return "";
  std::vector<std::string> mine;
  for (const auto& h : lab.hosts)
    if (h.address && std::find(local_addresses.begin(), local_addresses.end(), *h.address) != local_addresses.end())
      mine.push_back(h.name);
  if (mine.size() == 1) return mine.front();
  if (mine.empty() && lab.hosts.size() == 1) return lab.hosts.front().name;
  if (mine.empty())
    throw Error("lab \"" + lab.name + "\" spans hosts, and no host's address is one of this machine's (hosts: " + names +
                "); say which host this is with --host NAME");
  std::string both;
  for (const auto& m : mine) both += (both.empty() ? "" : ", ") + m;
  throw Error("lab \"" + lab.name + "\": the addresses of hosts " + both + " are all this machine's; say which host this is with --host NAME");
}

std::optional<std::string> endpoint_host(const Lab& lab, const Placement& p, const Endpoint& e) {
  (void)lab;
  switch (e.kind) {
    case EndpointKind::node: {
      auto it = p.node_host.find(e.node);
      return it == p.node_host.end() ? std::nullopt : std::optional(it->second);
    }
    case EndpointKind::bridge: {
      auto it = p.bridge_home.find(e.bridge);
      return it == p.bridge_home.end() ? std::nullopt : std::optional(it->second);
    }
    case EndpointKind::host: break;
  }
  return std::nullopt;
}

std::string link_host(const Lab& lab, const Placement& p, const Link& link) {
  for (const auto& e : link.endpoints)
    if (auto h = endpoint_host(lab, p, e)) return *h;
  return default_host(lab);
}

std::optional<BridgeSpan> span_of(const Lab& lab, const Placement& p, const Bridge& bridge, const backend::Traits& traits) {
  if (!p.spans(bridge.name) || traits.span == backend::Span::none || traits.encapsulations.empty()) return std::nullopt;
  BridgeSpan s;
  s.hosts = p.bridge_hosts.at(bridge.name);
  const backend::Encapsulation* e =
      traits.span == backend::Span::tunnels && bridge.tunnel ? traits.encapsulation(*bridge.tunnel) : &traits.encapsulations.front();
  if (!e) return std::nullopt;
  s.encapsulation = *e;
  bool ipv6 = false;
  for (const auto& name : s.hosts) {
    const Host* h = find_host(lab, name);
    if (!h) return std::nullopt;
    unsigned mtu = h->mtu > 0 ? static_cast<unsigned>(h->mtu) : 0;
    s.underlay_mtu = s.underlay_mtu == 0 ? mtu : std::min(s.underlay_mtu, mtu);
    ipv6 |= h->address && h->address->family == AF_INET6;
  }
  s.overhead = e->overhead + (ipv6 ? backend::kIpv6ExtraOverhead : 0);
  return s;
}

}  // namespace nswire::model
