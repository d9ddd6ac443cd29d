// The OVN backend's pure mapping; see logical.h.
#include "logical.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "nswire/error.h"

namespace nswire::backend::ovn {
namespace nb = ovsdb::ovn_nb;
namespace {

std::string id(const nb::StringMap& ids, const char* key) {
  auto it = ids.find(key);
  return it == ids.end() ? std::string() : it->second;
}

// A port of this host (a VIF, not the router-type peer of a gateway).
bool mine(const nb::SwitchPort& p, const Owner& o) {
  if (!p.type.empty() || id(p.external_ids, kMarkKey) != o.lab) return false;
  return o.host.empty() ? !p.external_ids.count(kHostKey) : id(p.external_ids, kHostKey) == o.host;
}

nb::Switch* find_switch(nb::Lab& lab, const std::string& name) {
  for (auto& s : lab.switches)
    if (s.name == name) return &s;
  return nullptr;
}

nb::Router* find_router(nb::Lab& lab, const std::string& name) {
  for (auto& r : lab.routers)
    if (r.name == name) return &r;
  return nullptr;
}

void erase_port(nb::Lab& lab, const std::string& name) {
  for (auto& s : lab.switches) std::erase_if(s.ports, [&](const auto& p) { return p.name == name; });
}

void erase_router_port(nb::Lab& lab, const std::string& router, const std::string& name) {
  if (auto* r = find_router(lab, router)) std::erase_if(r->ports, [&](const auto& p) { return p.name == name; });
}

}  // namespace

std::string switch_port_name(const std::string& lab, const PortSpec& port) {
  return lab + "/" + (port.peer.empty() ? port.name : port.peer);
}

std::string router_port_name(const std::string& lab, const std::string& bridge) { return lab + "/" + bridge; }
std::string router_peer_name(const std::string& lab, const std::string& bridge) { return lab + "/" + bridge + "/router"; }

std::string router_mac(const std::string& lab, const std::string& bridge) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64: stable across runs and hosts
  for (unsigned char c : lab + "/" + bridge + "/router") {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:%02x:%02x:%02x:%02x:%02x", unsigned(h >> 32) & 0xff, unsigned(h >> 24) & 0xff,
                unsigned(h >> 16) & 0xff, unsigned(h >> 8) & 0xff, unsigned(h) & 0xff);
  return buf;
}

std::string port_addresses(const PortSpec& port) {
  if (!port.peer_mac) return "unknown";
  std::string out = *port.peer_mac;
  for (const auto& a : port.peer_addresses) out += " " + a.to_string();
  return out;
}

nb::Lab next_lab(const nb::Lab& now, const Changes& changes, const Owner& owner) {
  nb::Lab want = now;
  want.name = owner.lab;
  for (const auto& b : changes.ensure_bridges) {
    nb::Switch* sw = find_switch(want, b.name);
    if (!sw) {
      want.switches.push_back({b.name, {}, {}, {}});
      sw = &want.switches.back();
    }
    // OVN picks a switch's tunnel key itself unless asked for one (the lab's `vni:`).
    if (b.vni) sw->other_config["requested-tnl-key"] = std::to_string(*b.vni);
    else sw->other_config.erase("requested-tnl-key");
    std::string rp = router_port_name(owner.lab, b.name), peer = router_peer_name(owner.lab, b.name);
    std::erase_if(sw->ports, [&](const auto& p) { return p.name == peer; });
    erase_router_port(want, owner.lab, rp);
    if (b.addresses.empty()) continue;
    nb::Router* r = find_router(want, owner.lab);
    if (!r) {
      want.routers.push_back({owner.lab, {}, {}});
      r = &want.routers.back();
    }
    nb::RouterPort port{rp, router_mac(owner.lab, b.name), {}, {}};
    for (const auto& a : b.addresses) port.networks.push_back(a.to_string());
    nb::connect(*sw, *r, port, peer);
  }
  for (const auto& d : changes.detach_ports)
    for (auto& s : want.switches)
      std::erase_if(s.ports, [&](const auto& p) { return mine(p, owner) && id(p.external_ids, kPortKey) == d.name; });
  for (const auto& p : changes.attach_ports) {
    std::string name = switch_port_name(owner.lab, p);
    erase_port(want, name);  // a port that moves leaves its old switch
    nb::Switch* sw = find_switch(want, p.bridge);
    if (!sw) throw Error("OVN: attach port " + p.name + ": lab \"" + owner.lab + "\" has no logical switch " + p.bridge);
    nb::StringMap ids{{kMarkKey, owner.lab}, {kPortKey, p.name}};
    if (!owner.host.empty()) ids[kHostKey] = owner.host;
    sw->ports.push_back({name, "", {port_addresses(p)}, {}, {}, ids});
  }
  for (const auto& b : changes.remove_bridges) {
    nb::Switch* sw = find_switch(want, b);
    if (!sw) continue;
    std::erase_if(sw->ports, [&](const auto& p) { return mine(p, owner); });
    bool in_use = std::any_of(sw->ports.begin(), sw->ports.end(), [](const auto& p) { return p.type.empty(); });
    if (in_use) continue;  // another host's nodes are still on it
    erase_router_port(want, owner.lab, router_port_name(owner.lab, b));
    std::erase_if(want.switches, [&](const auto& s) { return s.name == b; });
  }
  std::erase_if(want.routers, [](const auto& r) { return r.ports.empty(); });
  return want;
}

std::vector<ObservedBridge> observe_bridges(const nb::State& nb, const ovsdb::vswitch::State& local, const Owner& owner) {
  // This host's br-int ports, by name: the logical port each is bound to.
  std::map<std::string, std::string> bound;
  if (const auto* br_int = local.bridge(kIntegrationBridge))
    for (const auto& p : br_int->ports)
      for (const auto& i : p.interfaces) bound[p.name] = id(i.external_ids, "iface-id");
  std::map<std::string, const nb::RouterPort*> router_ports;
  for (const auto& r : nb.routers)
    for (const auto& p : r.ports) router_ports[p.name] = &p;

  std::vector<ObservedBridge> out;
  for (const auto& sw : nb.switches) {
    ObservedBridge ob{.name = sw.name, .owner = id(sw.external_ids, kMarkKey), .stp = false};
    if (ob.owner != owner.lab) {
      out.push_back(std::move(ob));
      continue;
    }
    if (auto key = sw.other_config.find("requested-tnl-key"); key != sw.other_config.end())
      ob.vni = static_cast<uint32_t>(std::strtoul(key->second.c_str(), nullptr, 10));
    for (const auto& p : sw.ports) {
      if (p.type == "router") {
        auto rp = p.options.find("router-port");
        auto it = rp == p.options.end() ? router_ports.end() : router_ports.find(rp->second);
        if (it != router_ports.end())
          for (const auto& n : it->second->networks)
            if (auto prefix = IpPrefix::parse(n)) ob.addresses.push_back(*prefix);
        continue;
      }
      if (!mine(p, owner)) continue;
      ObservedPort port{.name = id(p.external_ids, kPortKey), .owner = owner.lab};
      if (!p.addresses.empty() && p.addresses[0] != "unknown") {
        std::istringstream words(p.addresses[0]);
        std::string mac, address;
        words >> mac;
        port.peer_mac = mac;
        while (words >> address)
          if (auto a = IpAddress::parse(address)) port.peer_addresses.push_back(*a);
      }
      auto b = bound.find(port.name);
      if (b == bound.end()) port.error = "no br-int port on this host";
      else if (b->second != p.name) port.error = "its br-int port is bound to \"" + b->second + "\", not \"" + p.name + "\"";
      ob.ports.push_back(std::move(port));
    }
    std::sort(ob.addresses.begin(), ob.addresses.end(),
              [](const auto& x, const auto& y) { return x.to_string() < y.to_string(); });
    out.push_back(std::move(ob));
  }
  return out;
}

std::vector<std::string> stale_local_ports(const nb::Lab& lab, const ovsdb::vswitch::State& local, const Owner& owner) {
  std::set<std::string> wanted;
  for (const auto& s : lab.switches)
    for (const auto& p : s.ports)
      if (mine(p, owner)) wanted.insert(id(p.external_ids, kPortKey));
  std::vector<std::string> out;
  if (const auto* br_int = local.bridge(kIntegrationBridge))
    for (const auto& p : br_int->ports)
      if (id(p.external_ids, kMarkKey) == owner.lab && !wanted.count(p.name)) out.push_back(p.name);
  return out;
}

}  // namespace nswire::backend::ovn
