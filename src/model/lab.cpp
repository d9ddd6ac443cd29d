// Names of the model's enumerations and lookups by name.
#include "nswire/model/lab.h"

namespace nswire::model {

const char* to_string(Backend b) { return b == Backend::ovs ? "ovs" : "linux"; }

const char* to_string(Datapath d) {
  switch (d) {
    case Datapath::system: return "system";
    case Datapath::netdev: return "netdev";
    case Datapath::automatic: break;
  }
  return "auto";
}

const char* to_string(Expect e) { return e == Expect::unreachable ? "unreachable" : "reachable"; }

const char* to_string(Proto p) {
  switch (p) {
    case Proto::tcp: return "tcp";
    case Proto::udp: return "udp";
    case Proto::icmp: break;
  }
  return "icmp";
}

const Bridge* find_bridge(const Lab& lab, std::string_view name) {
  for (const auto& b : lab.bridges) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const Node* find_node(const Lab& lab, std::string_view name) {
  for (const auto& n : lab.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const Interface* find_interface(const Node& node, std::string_view name) {
  for (const auto& i : node.interfaces) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

std::optional<IpPrefix> first_address(const Lab& lab, const Node& node) {
  for (const auto& i : node.interfaces) {
    if (!i.addresses.empty()) return i.addresses.front();
  }
  for (const auto& l : lab.links) {
    for (int end = 0; end < 2; ++end) {
      const auto& ep = l.endpoints[end];
      if (ep.kind == EndpointKind::node && ep.node == node.name && !l.addresses[end].empty()) {
        return l.addresses[end].front();
      }
    }
  }
  return std::nullopt;
}

}  // namespace nswire::model
