// Lab model -> Desired objects; see include/nswire/model/desired.h.
#include "nswire/model/desired.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "nswire/error.h"

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
std::optional<std::string> lower_mac(std::optional<std::string> mac) {
  if (mac)
    for (auto& c : *mac) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mac;
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

const DesiredNamespace* Desired::find_namespace(const std::string& node) const {
  for (const auto& n : namespaces)
    if (n.node == node) return &n;
  return nullptr;
}

Desired flatten(const Lab& lab) {
  Desired d;
  d.lab = lab.name;
  d.ovs_datapath = to_string(lab.ovs.datapath);
  std::map<std::string, std::string> backend_of;
  for (const auto& b : lab.bridges) {
    std::string backend = to_string(effective_backend(lab, b));
    backend_of[b.name] = backend;
    d.bridges.push_back({b.name, backend, b.stp, to_mtu(b.mtu)});
  }

  d.namespaces.push_back({.node = kHost});
  auto ns_of = [&](const std::string& node) -> DesiredNamespace& {
    for (auto& n : d.namespaces)
      if (n.node == node) return n;
    throw Error("internal: namespace of node \"" + node + "\" not flattened");
  };
  for (const auto& b : lab.bridges)
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

  for (const auto& node : lab.nodes) {
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
      std::string host = unique_name([&](int salt) { return host_ifname(lab.name, node.name, i.name, salt); });
      VethEnd host_end{.ns = kHost, .ifname = host, .bridge = i.bridge, .mtu = to_mtu(i.mtu)};
      // On a Linux bridge, access VLAN 1 is the untagged default every port has (the backend
      // observes it as no VLAN): wanting it is wanting none.
      if (i.vlan && !(backend_of[i.bridge] == "linux" && *i.vlan == 1)) host_end.vlan = static_cast<uint16_t>(*i.vlan);
      VethEnd node_end{.ns = node.name, .ifname = i.name, .mtu = to_mtu(i.mtu), .mac = lower_mac(i.mac)};
      d.veths.push_back({host_end, node_end, "node " + node.name + " interface " + i.name});
      for (const auto& a : i.addresses) ns_of(node.name).addresses[i.name].push_back(a);
    }
  }

  for (const auto& l : lab.links) {
    const auto& e0 = l.endpoints[0];
    const auto& e1 = l.endpoints[1];
    if (e0.kind == EndpointKind::bridge && e1.kind == EndpointKind::bridge) {
      bool both_ovs = backend_of[e0.bridge] == "ovs" && backend_of[e1.bridge] == "ovs";
      bool native = l.patch == Patch::ovs || (l.patch == Patch::automatic && both_ovs);
      if (native && !both_ovs) throw Error("internal: OVS patch between non-OVS bridges passed validation");
      std::string a = unique_name([&](int s) { return patch_ifname(lab.name, e0.bridge, e1.bridge, s); });
      std::string b = unique_name([&](int s) { return patch_ifname(lab.name, e1.bridge, e0.bridge, s); });
      if (native) {
        d.patches.push_back({e0.bridge, a, e1.bridge, b});
      } else {
        d.veths.push_back({{.ns = kHost, .ifname = a, .bridge = e0.bridge, .mtu = to_mtu(l.mtu)},
                           {.ns = kHost, .ifname = b, .bridge = e1.bridge, .mtu = to_mtu(l.mtu)},
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

}  // namespace nswire::model
