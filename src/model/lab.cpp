// Names of the model's enumerations and lookups by name.
#include "nswire/model/lab.h"

namespace nswire::model {

const char* to_string(Expect e) { return e == Expect::unreachable ? "unreachable" : "reachable"; }

const char* to_string(Proto p) {
  switch (p) {
    case Proto::tcp: return "tcp";
    case Proto::udp: return "udp";
    case Proto::icmp: break;
  }
  return "icmp";
}

const char* to_string(Direction d) {
  switch (d) {
    case Direction::out: return "out";
    case Direction::in: return "in";
    case Direction::both: break;
  }
  return "both";
}

const char* to_string(Fault f) {
  switch (f) {
    case Fault::down: return "down";
    case Fault::up: return "up";
    case Fault::none: break;
  }
  return "";
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

std::vector<const Interface*> all_interfaces(const Node& node) {
  std::vector<const Interface*> out;
  for (const auto& i : node.interfaces) out.push_back(&i);
  for (const auto& i : node.subinterfaces) out.push_back(&i);
  return out;
}

std::optional<IpPrefix> first_address(const Lab& lab, const Node& node) {
  for (const auto* i : all_interfaces(node)) {
    if (!i->addresses.empty()) return i->addresses.front();
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

std::optional<LinkName> resolve_link_name(const Lab& lab, std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) return std::nullopt;
  const std::string_view left = text.substr(0, colon), right = text.substr(colon + 1);
  if (const Node* node = find_node(lab, left)) {
    if (const Interface* i = find_interface(*node, right)) return LinkName{LinkName::Kind::interface, node, i, nullptr, 0};
  }
  for (const auto& l : lab.links) {
    for (int end = 0; end < 2; ++end) {
      const auto& e = l.endpoints[end];
      bool named = e.ifname == right && ((e.kind == EndpointKind::node && e.node == left) ||
                                         (e.kind == EndpointKind::host && left == "host"));
      if (named) return LinkName{LinkName::Kind::link_end, find_node(lab, left), nullptr, &l, end};
      const auto& other = l.endpoints[1 - end];
      if (e.kind == EndpointKind::bridge && other.kind == EndpointKind::bridge && e.bridge == left && other.bridge == right)
        return LinkName{LinkName::Kind::bridges, nullptr, nullptr, &l, end};
    }
  }
  return std::nullopt;
}

}  // namespace nswire::model
