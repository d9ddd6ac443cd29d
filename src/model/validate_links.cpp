// Whole-lab checks for links (endpoints that resolve, are used once, and fit the link's kind)
// and for tests (nodes that exist and have an address to aim at).
#include <algorithm>
#include <set>

#include "nswire/netlink/rules.h"
#include "nswire/netns/rules.h"
#include "validator.h"

namespace nswire::model {

std::string link_name(const Link& link) {
  return link.endpoints[0].text + " -- " + link.endpoints[1].text;
}

void Validator::check_endpoint(const Link& link, int end, const std::string& ctx) {
  const Endpoint& ep = link.endpoints[end];
  Location where = ep.loc.line ? ep.loc : link.loc;
  switch (ep.kind) {
    case EndpointKind::bridge: {
      if (bridges_.count(ep.bridge)) break;
      std::string msg = "endpoint " + quoted(ep.text) + " is not a bridge";
      if (nodes_.count(ep.bridge)) {
        msg += " (a node's end is written " + quoted(ep.bridge + ":IFNAME") + ")";
      } else {
        std::string hint = suggest(ep.bridge, bridge_names_);
        if (!hint.empty()) msg += " (did you mean " + quoted(hint) + "?)";
      }
      error(where, ctx, msg);
      if (!link.addresses[end].empty()) {
        error(where, ctx, "addresses given for bridge endpoint " + quoted(ep.text));
      }
      return;
    }
    case EndpointKind::node:
      if (!nodes_.count(ep.node)) {
        std::string hint = suggest(ep.node, node_names_);
        error(where, ctx, "unknown node " + quoted(ep.node) + " in endpoint " + quoted(ep.text) +
                              (hint.empty() ? "" : " (did you mean " + quoted(hint) + "?)"));
      }
      [[fallthrough]];
    case EndpointKind::host:
      if (auto p = netlink::interface_name_problem(ep.ifname); !p.empty()) {
        error(where, ctx, "interface name " + quoted(ep.ifname) + " " + p);
      } else if (ep.ifname == "lo") {
        error(where, ctx, "interface name \"lo\" is the namespace's loopback");
      }
      if (ep.kind == EndpointKind::host && bridges_.count(ep.ifname)) {
        error(where, ctx, "host interface " + quoted(ep.ifname) + " has the name of a bridge");
      }
      break;
  }
  if (ep.kind == EndpointKind::bridge && !link.addresses[end].empty()) {
    error(where, ctx, "addresses given for bridge endpoint " + quoted(ep.text) +
                          " (put them on the bridge)");
  }
  if (ep.kind == EndpointKind::bridge) return;

  // One name per interface in a namespace: declared interfaces and link ends together.
  std::string ns = ep.kind == EndpointKind::host ? "" : ep.node;
  auto& names = ifnames_[ns];
  Owner me{"link " + quoted(link_name(link)), where};
  auto [it, fresh] = names.emplace(ep.ifname, me);
  if (!fresh) {
    const Owner& first = it->second;
    std::string place = first.loc.line ? " (" + first.loc.file + ":" + std::to_string(first.loc.line) +
                                             ":" + std::to_string(first.loc.column) + ")"
                                       : "";
    error(where, ctx, "endpoint " + quoted(ep.text) + " is already used by " + first.what + place);
  }
  if (ep.kind == EndpointKind::node) {
    for (const auto& a : link.addresses[end]) node_subnets_[ep.node].push_back(a);
  }
}

// A native patch needs both bridges on one backend that has native patches (the one `patch:`
// names, when it names one).
void Validator::check_native_patch(const Link& l, const std::string& ctx) {
  auto a = bridges_.find(l.endpoints[0].bridge), b = bridges_.find(l.endpoints[1].bridge);
  if (a == bridges_.end() || b == bridges_.end()) return;  // reported as unknown endpoints
  const std::string& backend_a = effective_backend(lab_, *a->second);
  const std::string& backend_b = effective_backend(lab_, *b->second);
  if (!l.patch_backend.empty()) {
    for (const auto* bridge : {a->second, b->second}) {
      const std::string& backend = effective_backend(lab_, *bridge);
      if (backend != l.patch_backend)
        error(l.loc, ctx, "patch: " + l.patch_backend + " needs " + l.patch_backend + " bridges, and " +
                              quoted(bridge->name) + " is served by the " + backend + " backend");
    }
    return;
  }
  if (backend_a != backend_b) {
    error(l.loc, ctx, "patch: native needs both bridges on one backend, and " + quoted(a->second->name) + " is served by " +
                          backend_a + ", " + quoted(b->second->name) + " by " + backend_b);
  } else if (const auto* traits = traits_of(*a->second); traits && !traits->native_patches) {
    error(l.loc, ctx, "patch: native: the " + backend_a + " backend has no native patches; join its bridges with patch: veth");
  }
}

void Validator::check_links() {
  for (const auto& l : lab_.links) {
    std::string ctx = "link " + quoted(link_name(l));
    const Endpoint& a = l.endpoints[0];
    const Endpoint& b = l.endpoints[1];
    if (a.kind == b.kind && a.bridge == b.bridge && a.node == b.node && a.ifname == b.ifname) {
      error(l.loc, ctx, "both endpoints are " + quoted(a.text));
      continue;
    }
    for (int end = 0; end < 2; ++end) check_endpoint(l, end, ctx);
    if (l.mtu && (*l.mtu < 68 || *l.mtu > 65535)) {
      error(l.loc, ctx, "mtu " + std::to_string(*l.mtu) + " out of range 68..65535");
    }
    bool bridge_pair = a.kind == EndpointKind::bridge && b.kind == EndpointKind::bridge;
    if (l.patch != Patch::automatic && !bridge_pair) {
      error(l.loc, ctx, "\"patch\" applies only to bridge-to-bridge links");
    } else if (l.patch == Patch::native && bridge_pair) {
      check_native_patch(l, ctx);
    }
  }
}

void Validator::check_test_target(const ConnectivityTest& t, const std::string& ctx, const std::string& name,
                                  const char* role) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) {
    std::string hint = suggest(name, node_names_);
    error(t.loc, ctx, "unknown node " + quoted(name) + " in \"" + role + "\"" +
                          (hint.empty() ? "" : " (did you mean " + quoted(hint) + "?)"));
    return;
  }
  if (std::string(role) != "from" && !first_address(lab_, *it->second)) {
    error(t.loc, ctx, "node " + quoted(name) + " has no address to test");
  }
}

void Validator::check_tests() {
  for (const auto& t : lab_.tests) {
    std::string ctx = t.is_sequence() ? "test " + (t.name.empty() ? std::string("sequence") : quoted(t.name))
                      : t.is_mesh()   ? "test mesh"
                                      : "test " + t.from + " -> " + t.to;
    check_test(t, ctx);
  }
}

void Validator::check_test(const ConnectivityTest& t, const std::string& ctx) {
  if (t.is_sequence()) {
    check_sequence(t, ctx);
    return;
  }
  if (t.is_fault()) {
    check_fault(t, ctx);
    return;
  }
  if (t.is_mesh()) {
    std::set<std::string> seen;
    for (const auto& n : t.mesh) {
      if (!seen.insert(n).second) {
        error(t.loc, ctx, "node " + quoted(n) + " is listed twice");
        continue;
      }
      check_test_target(t, ctx, n, "mesh");
    }
    if (t.mesh.size() == 1) warning(t.loc, ctx, "a mesh of one node tests nothing");
  } else {
    check_test_target(t, ctx, t.from, "from");
    if (!nodes_.count(t.to) && !IpAddress::parse(t.to)) {
      std::string hint = suggest(t.to, node_names_);
      error(t.loc, ctx, "\"to\" " + quoted(t.to) + " is neither a node nor an IP address" +
                            (hint.empty() ? "" : " (did you mean " + quoted(hint) + "?)"));
    } else if (nodes_.count(t.to)) {
      check_test_target(t, ctx, t.to, "to");
    }
  }
  check_timing(t, ctx);
  if (t.measures()) {
    check_measure(t, ctx);
  } else if (t.proto != Proto::icmp && (t.port < 1 || t.port > 65535)) {
    error(t.loc, ctx, std::string(to_string(t.proto)) + " needs a port in 1..65535");
  } else if (t.proto == Proto::icmp && t.port != 0) {
    warning(t.loc, ctx, "port is ignored for icmp");
  }
  if (t.count < 1 || t.count > 1000) {
    error(t.loc, ctx, "count " + std::to_string(t.count) + " out of range 1..1000");
  }
  if (t.timeout_ms < 1 || t.timeout_ms > 600000) {
    error(t.loc, ctx, "timeout_ms " + std::to_string(t.timeout_ms) + " out of range 1..600000");
  }
}

}  // namespace nswire::model
