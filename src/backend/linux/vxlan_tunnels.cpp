// VXLAN tunnels of the Linux bridge backend; see vxlan_tunnels.h.
#include "vxlan_tunnels.h"

#include <algorithm>

#include "nswire/error.h"

namespace nswire::backend::linux_bridge {
namespace {

netlink::VxlanConfig config_of(const TunnelSpec& t) {
  // Learning on: the device learns which peer a MAC is behind from the packets it receives, so
  // known unicast goes to one peer; the flood list carries the rest.
  return {.vni = t.vni, .local = t.local, .remote = "", .group = "", .link = 0, .port = netlink::kVxlanPort,
          .learning = true, .ttl = 0};
}

bool owned(const netlink::Link& l, const std::string& lab) { return lab_of_link_mark(l.alias) == lab; }

// The lab's VXLAN devices enslaved to bridge `bridge` (by ifindex).
std::vector<const netlink::Link*> lab_devices_on(const std::map<std::string, netlink::Link>& links, int bridge,
                                                const std::string& lab) {
  std::vector<const netlink::Link*> out;
  for (const auto& [name, l] : links)
    if (l.kind == "vxlan" && bridge && l.master == bridge && owned(l, lab)) out.push_back(&l);
  return out;
}

int index_of(const std::map<std::string, netlink::Link>& links, const std::string& name) {
  auto it = links.find(name);
  return it == links.end() ? 0 : it->second.index;
}

}  // namespace

std::string vxlan_device(uint32_t vni) { return "vx" + std::to_string(vni); }

std::map<std::string, netlink::VxlanLink> read_vxlans(netlink::Socket& socket) {
  std::map<std::string, netlink::VxlanLink> out;
  for (auto& v : netlink::dump_vxlans(socket)) out.emplace(v.name, std::move(v));
  return out;
}

std::vector<ObservedTunnel> observe_tunnels(netlink::Socket& socket, const std::map<std::string, netlink::VxlanLink>& vxlans,
                                            int bridge) {
  std::vector<ObservedTunnel> out;
  for (const auto& [name, v] : vxlans) {
    if (v.master != bridge) continue;
    ObservedTunnel t{.name = name, .type = "vxlan", .vni = v.config.vni, .local = v.config.local,
                     .remotes = netlink::dump_vxlan_remotes(socket, v.index), .mtu = v.mtu, .split_horizon = true,
                     .owner = lab_of_link_mark(v.alias), .error = ""};
    if (v.config.port != netlink::kVxlanPort) t.error = "UDP port " + std::to_string(v.config.port) + ", not 4789";
    if (!v.up) t.error = "device down";
    out.push_back(std::move(t));
  }
  return out;
}

void refuse_foreign_tunnels(const Changes& changes, const std::map<std::string, netlink::Link>& links,
                            const std::string& lab) {
  for (const auto& t : changes.ensure_tunnels) {
    auto it = links.find(vxlan_device(t.vni));
    if (it != links.end() && !owned(it->second, lab))
      throw Error("tunnel of bridge \"" + t.bridge + "\": a device named " + it->first + " (VNI " + std::to_string(t.vni) +
                  ") already exists and is not owned by lab \"" + lab + "\"; nswire leaves it untouched (give the bridge another vni:)");
  }
}

void make_tunnel_devices(netlink::Batch& batch, const Changes& changes, const std::map<std::string, netlink::Link>& links,
                         const std::map<std::string, netlink::VxlanLink>& vxlans, const std::string& lab) {
  for (const auto& t : changes.ensure_tunnels) {
    std::string name = vxlan_device(t.vni);
    for (const auto* other : lab_devices_on(links, index_of(links, t.bridge), lab))
      if (other->name != name) netlink::delete_link(batch, other->name);  // another segment's
    auto live = vxlans.find(name);
    bool fits = live != vxlans.end() && live->second.config == config_of(t);
    if (fits) continue;
    if (links.count(name)) netlink::delete_link(batch, name);  // owned (refused otherwise): made anew
    netlink::add_vxlan(batch, {.name = name, .config = config_of(t), .mtu = t.mtu, .alias = link_mark(lab), .master = 0, .up = true});
  }
}

void join_tunnels(netlink::Batch& batch, netlink::Socket& socket, const Changes& changes,
                  const std::map<std::string, netlink::Link>& links, const std::string& lab) {
  for (const auto& t : changes.ensure_tunnels) {
    std::string name = vxlan_device(t.vni);
    auto dev = links.find(name);
    int bridge = index_of(links, t.bridge);
    if (dev == links.end()) throw Error("tunnel of bridge \"" + t.bridge + "\": its device " + name + " did not appear");
    if (!bridge) throw Error("tunnel " + name + ": no bridge \"" + t.bridge + "\"");
    const auto& l = dev->second;
    if (l.master != bridge || !l.up || (t.mtu && l.mtu != *t.mtu))
      netlink::change_link(batch, {.index = l.index, .name = name, .up = true, .mtu = t.mtu, .master = bridge});
    std::vector<std::string> want, have = netlink::dump_vxlan_remotes(socket, l.index);
    for (const auto& p : t.peers) want.push_back(p.address);  // canonical text, as the dump gives it
    std::sort(want.begin(), want.end());
    for (const auto& r : want)
      if (!std::binary_search(have.begin(), have.end(), r)) netlink::add_vxlan_remote(batch, l.index, name, r);
    for (const auto& r : have)
      if (!std::binary_search(want.begin(), want.end(), r)) netlink::delete_vxlan_remote(batch, l.index, name, r);
  }
  std::set<std::string> going(changes.remove_tunnels.begin(), changes.remove_tunnels.end());
  going.insert(changes.remove_bridges.begin(), changes.remove_bridges.end());
  for (const auto& bridge : going)
    for (const auto* l : lab_devices_on(links, index_of(links, bridge), lab)) netlink::delete_link(batch, l->name);
}

}  // namespace nswire::backend::linux_bridge
