// Linux bridge backend over rtnetlink; see linux_bridge.h. Two netlink batches per apply():
// the bridges first (their ifindexes are needed for IFLA_MASTER), then ports, VLANs,
// detaches and removals together.
#include "linux_bridge.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>
#include <fstream>
#include <map>
#include <set>

#include "nswire/netlink/bridge_port.h"
#include "nswire/netlink/bridge_vlan.h"
#include "nswire/netlink/links.h"
#include "port_vlans.h"
#include "vxlan_tunnels.h"

namespace nswire::backend {
namespace {

using netlink::Link;

struct HostLinks {
  std::map<std::string, Link> by_name;
  std::map<int, const Link*> by_index;
};

HostLinks read_links(netlink::Socket& socket) {
  HostLinks h;
  for (auto& l : netlink::dump_links(socket)) h.by_name[l.name] = l;
  for (auto& [name, l] : h.by_name) h.by_index[l.index] = &l;
  return h;
}

std::string owner_text(const std::string& alias) {
  return alias.empty() ? "no nswire mark" : "alias \"" + alias + "\"";
}

}  // namespace

namespace linux_bridge {

Traits traits() {
  return {.native_patches = false,
          .stp = true,
          .vlan1_is_untagged = true,
          .ports_outlive_devices = false,
          .attach_moves_ports = true,
          .removal = RemovalOrder::after_namespaces,
          .observe_always = true,
          .trunks = true,
          .trunks_listed = true,
          // VXLAN (RFC 7348): outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8.
          .span = Span::tunnels,
          .encapsulations = {{"vxlan", 50}}};
}

std::unique_ptr<BridgeBackend> make(const Context& context) { return std::make_unique<LinuxBridgeBackend>(context); }

}  // namespace linux_bridge

std::vector<ObservedBridge> LinuxBridgeBackend::observe() {
  auto socket = netlink::Socket::open();
  auto links = read_links(socket);
  auto vlans = netlink::dump_port_vlans(socket);
  auto vxlans = linux_bridge::read_vxlans(socket);
  std::vector<ObservedBridge> out;
  for (const auto& [name, l] : links.by_name) {
    if (l.kind != "bridge") continue;
    ObservedBridge b{.name = name, .owner = lab_of_link_mark(l.alias), .stp = l.stp};
    b.tunnels = linux_bridge::observe_tunnels(socket, vxlans, l.index);
    for (const auto& [pname, p] : links.by_name) {
      if (p.master != l.index || p.kind == "vxlan") continue;  // a VXLAN port is a tunnel
      // A Linux bridge never touches its ports' qdiscs.
      ObservedPort port{.name = pname, .owner = lab_of_link_mark(p.alias), .keeps_qdisc = true};
      if (l.vlan_filtering) {  // VLAN 1 untagged alone is the bridge's default: no VLAN, no options
        auto state = linux_bridge::read_vlans(vlans[p.index]);
        port.vlan = state.vlan;
        port.options.trunks = state.trunks;
        port.options.vlan_mode = state.vlan_mode;
      }
      b.ports.push_back(port);
    }
    out.push_back(std::move(b));
  }
  return out;
}

void LinuxBridgeBackend::apply(const Changes& changes) {
  auto socket = netlink::Socket::open();
  auto links = read_links(socket);
  const std::string mark = link_mark(context_.lab);
  auto owned = [&](const Link& l) { return lab_of_link_mark(l.alias) == context_.lab; };

  // Refuse foreign objects before changing anything.
  std::set<std::string> needs_vlans;
  for (const auto& p : changes.attach_ports)
    if (linux_bridge::needs_vlan_filtering(p)) needs_vlans.insert(p.bridge);
  for (const auto& b : changes.ensure_bridges) {
    auto it = links.by_name.find(b.name);
    if (it == links.by_name.end()) continue;
    if (it->second.kind != "bridge")
      throw Error("bridge \"" + b.name + "\": a " + (it->second.kind.empty() ? "network device" : it->second.kind + " device") +
                  " of that name already exists; nswire leaves it untouched");
    if (!owned(it->second))
      throw Error("bridge \"" + b.name + "\" already exists and is not owned by lab \"" + context_.lab + "\" (" +
                  owner_text(it->second.alias) + "); nswire leaves it untouched");
  }
  auto check_port = [&](const std::string& bridge, const std::string& port, bool must_exist) -> const Link* {
    auto it = links.by_name.find(port);
    if (it == links.by_name.end()) {
      if (must_exist) throw Error("attach port \"" + port + "\" to bridge \"" + bridge + "\": no such device");
      return nullptr;
    }
    if (!owned(it->second))
      throw Error("port \"" + port + "\" is not owned by lab \"" + context_.lab + "\" (" + owner_text(it->second.alias) +
                  "); nswire leaves it untouched");
    return &it->second;
  };
  for (const auto& p : changes.attach_ports) check_port(p.bridge, p.name, true);
  for (const auto& p : changes.detach_ports) check_port(p.bridge, p.name, false);
  for (const auto& name : changes.remove_bridges) {
    auto it = links.by_name.find(name);
    if (it != links.by_name.end() && !owned(it->second))
      throw Error("remove bridge \"" + name + "\": not owned by lab \"" + context_.lab + "\" (" +
                  owner_text(it->second.alias) + "); nswire leaves it untouched");
  }
  if (!changes.add_patches.empty() || !changes.remove_patches.empty())
    throw Error("the Linux bridge backend has no native patch ports; join bridges with a veth pair");
  linux_bridge::refuse_foreign_tunnels(changes, links.by_name, context_.lab);
  for (const auto& t : changes.ensure_tunnels)
    if (t.type != "vxlan") throw Error("tunnel of bridge \"" + t.bridge + "\": the Linux bridge backend makes vxlan tunnels, not " + t.type);

  // 1. Bridges: create missing ones, bring owned ones to the wanted options.
  netlink::Batch bridges;
  for (const auto& b : changes.ensure_bridges) {
    bool vlans = needs_vlans.count(b.name) > 0;
    auto it = links.by_name.find(b.name);
    if (it == links.by_name.end()) {
      netlink::add_bridge(bridges, {.name = b.name, .stp = b.stp, .vlan_filtering = vlans, .mtu = b.mtu, .alias = mark});
      netlink::change_link(bridges, {.name = b.name, .alias = mark});  // the kernel ignores IFLA_IFALIAS on create
      continue;
    }
    const Link& l = it->second;
    if (l.stp != b.stp || (vlans && !l.vlan_filtering))
      netlink::change_bridge(bridges, b.name, l.stp != b.stp ? std::optional(b.stp) : std::nullopt,
                             vlans && !l.vlan_filtering ? std::optional(true) : std::nullopt);
    if ((b.mtu && l.mtu != *b.mtu) || !l.up) netlink::change_link(bridges, {.name = b.name, .up = true, .mtu = b.mtu});
  }
  for (const auto& p : changes.attach_ports) {
    // A bridge that gains an access port later needs VLAN filtering too.
    auto it = links.by_name.find(p.bridge);
    if (linux_bridge::needs_vlan_filtering(p) && it != links.by_name.end() && !it->second.vlan_filtering &&
        std::none_of(changes.ensure_bridges.begin(), changes.ensure_bridges.end(),
                     [&](const BridgeSpec& b) { return b.name == p.bridge; }))
      netlink::change_bridge(bridges, p.bridge, std::nullopt, true);
  }
  if (!changes.ensure_tunnels.empty())
    linux_bridge::make_tunnel_devices(bridges, changes, links.by_name, linux_bridge::read_vxlans(socket), context_.lab);
  if (!bridges.empty()) {
    try {
      socket.execute(bridges);
    } catch (const netlink::Error& e) {
      if (e.error == EOPNOTSUPP && !needs_vlans.empty())
        throw Error(std::string(e.what()) + ": access VLANs and trunks on a Linux bridge need bridge VLAN filtering "
                    "(CONFIG_BRIDGE_VLAN_FILTERING), which this kernel lacks; use backend: ovs for VLANs");
      throw;
    }
    links = read_links(socket);
  }

  // 2. Ports, VLANs, detaches and removals in one batch.
  auto vlans = netlink::dump_port_vlans(socket);
  netlink::Batch rest;
  for (const auto& p : changes.attach_ports) {
    auto br = links.by_name.find(p.bridge);
    if (br == links.by_name.end()) throw Error("attach port \"" + p.name + "\": no bridge \"" + p.bridge + "\"");
    const Link& port = links.by_name.at(p.name);
    if (port.master != br->second.index || !port.up)
      netlink::change_link(rest, {.index = port.index, .name = p.name, .up = true, .master = br->second.index});
    if (br->second.vlan_filtering || linux_bridge::needs_vlan_filtering(p)) {
      // A port that joins now gets the bridge's default, VLAN 1 PVID untagged.
      std::vector<netlink::PortVlan> current{{1, true, true}};
      if (port.master == br->second.index) current = vlans[port.index];
      auto c = linux_bridge::vlan_changes(current, linux_bridge::wanted_vlans(p));
      for (const auto& e : c.set) netlink::set_port_vlan(rest, port.index, p.name, e);
      for (auto vid : c.remove) netlink::delete_port_vlan(rest, port.index, p.name, vid);
    }
  }
  linux_bridge::join_tunnels(rest, socket, changes, links.by_name, context_.lab);
  for (const auto& p : changes.detach_ports) {
    auto it = links.by_name.find(p.name);
    if (it != links.by_name.end() && it->second.master)
      netlink::change_link(rest, {.index = it->second.index, .name = p.name, .master = 0});
  }
  for (const auto& name : changes.remove_bridges)
    if (links.by_name.count(name)) netlink::delete_link(rest, name);
  if (!rest.empty()) socket.execute(rest);
}

// A port of a bridge without STP forwards as soon as it is up; with STP it listens, then learns,
// for the bridge's forward delay each. Waits for that, polling the ports' states.
std::vector<std::string> LinuxBridgeBackend::wait_ready(const std::vector<PortRef>& ports) {
  if (ports.empty()) return {};
  auto socket = netlink::Socket::open();
  auto links = read_links(socket);
  auto bound = std::chrono::milliseconds(5000);
  std::set<std::string> bridges;
  for (const auto& p : ports) bridges.insert(p.bridge);
  for (const auto& b : bridges) {
    auto it = links.by_name.find(b);
    if (it == links.by_name.end() || !it->second.stp) continue;
    std::ifstream f("/sys/class/net/" + b + "/bridge/forward_delay");  // centiseconds (USER_HZ)
    long delay = 1500;
    f >> delay;
    bound = std::max(bound, std::chrono::milliseconds(2 * delay * 10 + 5000));
  }
  auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    auto states = netlink::dump_port_states(socket);
    std::vector<std::string> waiting;
    for (const auto& p : ports) {
      auto l = links.by_name.find(p.name);
      if (l == links.by_name.end()) continue;  // gone: not this wait's business
      auto s = states.find(l->second.index);
      if (s == states.end() || s->second != netlink::kPortForwarding)
        waiting.push_back(p.name + ": " + (s == states.end() ? "not a port" : netlink::port_state_name(s->second)));
    }
    if (waiting.empty() || std::chrono::steady_clock::now() >= deadline) return waiting;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<Warning> LinuxBridgeBackend::diagnose() {
  std::vector<Warning> out;
  for (const char* family : {"iptables", "ip6tables"}) {
    std::ifstream f(std::string("/proc/sys/net/bridge/bridge-nf-call-") + family);
    int value = 0;
    if (f >> value && value == 1)
      out.push_back({std::string("br_netfilter is loaded and net.bridge.bridge-nf-call-") + family +
                     " = 1: frames crossing a Linux bridge go through " + family +
                     "'s FORWARD chain; if its policy is DROP (Docker sets it), traffic between nodes on one "
                     "bridge is dropped. nswire does not change the host firewall: allow the traffic or set the "
                     "sysctl to 0.",
                     /*bridged_traffic_only=*/true});
  }
  return out;
}

}  // namespace nswire::backend
