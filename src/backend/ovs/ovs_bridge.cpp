// Open vSwitch backend over OVSDB; see ovs_bridge.h.
#include "ovs_bridge.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>
#include <set>

#include "embedded.h"
#include "ovs_options.h"
#include "nswire/netlink/links.h"
#include "ovsdb/client.h"
#include "ovsdb/vswitch.h"

namespace nswire::backend {
namespace vs = ovsdb::vswitch;
namespace {

// The QoS type under which ovs-vswitchd leaves a port's qdisc to others (lib/netdev-linux.c).

std::string owner_of(const vs::StringMap& ids) {
  auto it = ids.find(ovs::kMarkKey);
  return it == ids.end() ? std::string() : it->second;
}

std::string owner_text(const vs::StringMap& ids) {
  std::string o = owner_of(ids);
  return o.empty() ? "no nswire mark" : "external_ids:" + std::string(ovs::kMarkKey) + "=" + o;
}

bool is_tunnel(const vs::Port& p) {
  return p.interfaces.size() == 1 && (p.interfaces[0].type == "vxlan" || p.interfaces[0].type == "geneve");
}

std::string option(const vs::Interface& i, const char* key) {
  auto it = i.options.find(key);
  return it == i.options.end() ? std::string() : it->second;
}

// The tunnel ports of a bridge grouped into tunnels: one per (owner, type, key).
std::vector<ObservedTunnel> tunnels_of(const vs::Bridge& b) {
  std::map<std::tuple<std::string, std::string, std::string>, ObservedTunnel> by;
  for (const auto& p : b.ports) {
    if (!is_tunnel(p)) continue;
    const auto& i = p.interfaces[0];
    std::string key = option(i, "key");
    auto& t = by[{owner_of(p.external_ids), i.type, key}];
    if (t.name.empty()) {
      t.name = p.name;
      t.type = i.type;
      t.vni = static_cast<uint32_t>(std::strtoul(key.c_str(), nullptr, 10));
      t.local = option(i, "local_ip");
      t.owner = owner_of(p.external_ids);
    }
    if (option(i, "local_ip") != t.local) t.error = "ports with different local_ip";
    t.remotes.push_back(option(i, "remote_ip"));
    t.split_horizon = t.split_horizon && p.protected_;
    if (i.error && t.error.empty()) t.error = p.name + ": " + *i.error;
  }
  std::vector<ObservedTunnel> out;
  for (auto& [k, t] : by) {
    std::sort(t.remotes.begin(), t.remotes.end());
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

namespace ovs {

std::string tunnel_port(const std::string& type, uint32_t vni, const std::string& remote) {
  uint32_t h = 2166136261u;  // FNV-1a of the remote address: stable across runs and hosts
  for (unsigned char c : remote) {
    h ^= c;
    h *= 16777619u;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04x", h & 0xffff);
  return (type == "geneve" ? "gn" : "vx") + std::to_string(vni) + "-" + hex;
}

}  // namespace ovs

namespace ovs {

Traits traits() {
  return {.native_patches = true,
          .stp = true,
          .vlan1_is_untagged = false,
          .ports_outlive_devices = true,
          .attach_moves_ports = false,
          .removal = RemovalOrder::before_links,
          .observe_always = false,
          .openflow = true,
          .passthrough = true,
          .flow_export = true,
          .mirrors = true,
          .trunks = true,
          .egress_shaping = true,
          .ingress_policing = true,
          // The datapath's own devices: the kernel datapath's and the userspace datapath's tap.
          .reserved_bridge_names = {"ovs-system", "ovs-netdev"},
          .settings = {{.key = "datapath",
                        .values = {"auto", "system", "netdev"},
                        .default_value = "auto",
                        .description = "The Open vSwitch datapath of the lab's bridges: system, the kernel's; netdev, "
                                       "userspace; or auto, the kernel's when the openvswitch module is loaded."}},
          // Tunnel ports, one per peer host, `protected` (split horizon): VXLAN as the Linux
          // backend's (14 + 20 + 8 + 8), Geneve without options (14 + 20 + 8 + 8).
          .span = Span::tunnels,
          .encapsulations = {{"vxlan", 50}, {"geneve", 50}}};
}

std::unique_ptr<BridgeBackend> make(const Context& context) { return std::make_unique<OvsBridgeBackend>(context); }

}  // namespace ovs

OvsBridgeBackend::OvsBridgeBackend(Context context) : context_(std::move(context)) {}
OvsBridgeBackend::~OvsBridgeBackend() = default;

std::string OvsBridgeBackend::datapath() const {
  auto it = context_.settings.find("datapath");
  return ovs::resolve_datapath(it == context_.settings.end() ? "auto" : it->second);
}

HostNeeds OvsBridgeBackend::host_needs() { return {.software_checksums = datapath() == "netdev"}; }

void OvsBridgeBackend::release(bool labs_remain) {
  client_.reset();  // the embedded server must not see us connected while it stops
  if (!labs_remain && ovs::embedded_running()) ovs::stop_embedded();
}

std::uint64_t OvsBridgeBackend::write_transactions() const { return client_ ? client_->write_transactions() : 0; }
std::vector<std::string> OvsBridgeBackend::daemon_logs() {
  if (!ovs::embedded_running() || ovs::resolve_endpoint(context_.ovsdb, /*start=*/false) != ovs::embedded_endpoint())
    return {};
  return {std::string(ovs::kEmbeddedDir) + "/ovsdb-server.log", std::string(ovs::kEmbeddedDir) + "/ovs-vswitchd.log"};
}

ovsdb::Client& OvsBridgeBackend::client() {
  if (!client_) {
    std::string target = ovs::resolve_endpoint(context_.ovsdb);
    try {
      client_ = std::make_unique<ovsdb::Client>(target);
    } catch (const std::exception& e) {
      throw Error(std::string("Open vSwitch: ") + e.what());
    }
  }
  return *client_;
}

std::vector<ObservedBridge> OvsBridgeBackend::observe() {
  // Looking must not start the embedded Open vSwitch: when nothing answers, no bridge exists.
  if (!client_ && ovs::resolve_endpoint(context_.ovsdb, /*start=*/false).empty()) return {};
  vs::State state;
  try {
    state = vs::read_state(client());
  } catch (const ovsdb::Error& e) {
    throw Error(std::string("Open vSwitch: read bridges: ") + e.what());
  }
  std::vector<ObservedBridge> out;
  for (const auto& b : state.bridges) {
    ObservedBridge ob{.name = b.name, .owner = owner_of(b.external_ids), .stp = b.stp_enable,
                      .options = ovs::observe_bridge(b, ovs::kMarkKey)};
    for (const auto& m : b.mirrors) {
      ob.mirrors.push_back(ovs::observe_mirror(m));
      ob.mirror_owner[m.name] = owner_of(m.external_ids);
    }
    ob.tunnels = tunnels_of(b);
    for (const auto& p : b.ports) {
      if (p.name == b.name || is_tunnel(p)) continue;  // the bridge's own internal port; tunnels
      ObservedPort op{.name = p.name, .owner = owner_of(p.external_ids), .options = ovs::observe_port(p)};
      if (p.tag) op.vlan = static_cast<uint16_t>(*p.tag);
      op.keeps_qdisc = p.qos && p.qos->type == ovs::kNoopQos;
      for (const auto& i : p.interfaces) {
        if (i.type == "patch") {
          auto peer = i.options.find("peer");
          if (peer != i.options.end()) op.patch_peer = peer->second;
        }
        if (i.error) op.error = *i.error;
      }
      ob.ports.push_back(std::move(op));
    }
    out.push_back(std::move(ob));
  }
  return out;
}

void OvsBridgeBackend::apply(const Changes& changes) {
  if (changes.empty()) return;
  auto& c = client();
  vs::State state;
  try {
    state = vs::read_state(c);
  } catch (const ovsdb::Error& e) {
    throw Error(std::string("Open vSwitch: read bridges: ") + e.what());
  }
  const std::string& lab = context_.lab;
  const vs::StringMap mark{{ovs::kMarkKey, lab}};

  // Refuse foreign objects before changing anything. A tun device of a bridge's name that carries
  // the lab's mark is the userspace datapath's device of this lab's bridge, left when ovs-vswitchd
  // died without cleaning up: ours, finished off here.
  auto host = netlink::Socket::open();
  netlink::Batch leftovers;
  for (const auto& b : changes.ensure_bridges) {
    if (const auto* existing = state.bridge(b.name)) {
      if (owner_of(existing->external_ids) != lab)
        throw Error("bridge \"" + b.name + "\" already exists in Open vSwitch and is not owned by lab \"" + lab +
                    "\" (" + owner_text(existing->external_ids) + "); nswire leaves it untouched");
    } else if (auto link = netlink::find_link(host, b.name)) {
      if (link->kind == "tun" && lab_of_link_mark(link->alias) == lab) {
        netlink::delete_link(leftovers, b.name);
        continue;
      }
      throw Error("bridge \"" + b.name + "\": a " + (link->kind.empty() ? std::string("network device") : link->kind + " device") +
                  " of that name already exists; nswire leaves it untouched");
    }
  }
  auto check_port = [&](const std::string& name) {
    const auto* p = state.port(name);
    if (p && owner_of(p->external_ids) != lab)
      throw Error("port \"" + name + "\" exists in Open vSwitch and is not owned by lab \"" + lab + "\" (" +
                  owner_text(p->external_ids) + "); nswire leaves it untouched");
    return p;
  };
  for (const auto& p : changes.attach_ports) check_port(p.name);
  for (const auto& p : changes.add_patches) {
    check_port(p.port_a);
    check_port(p.port_b);
  }
  for (const auto& p : changes.detach_ports) check_port(p.name);
  for (const auto& p : changes.remove_patches) check_port(p.name);
  for (const auto& t : changes.ensure_tunnels)
    for (const auto& peer : t.peers) check_port(ovs::tunnel_port(t.type, t.vni, peer.address));
  for (const auto& name : changes.remove_bridges)
    if (const auto* b = state.bridge(name); b && owner_of(b->external_ids) != lab)
      throw Error("remove bridge \"" + name + "\": not owned by lab \"" + lab + "\" (" + owner_text(b->external_ids) +
                  "); nswire leaves it untouched");

  if (!leftovers.empty()) host.execute(leftovers, {ENODEV});
  const std::string datapath = this->datapath();
  vs::Batch batch;
  std::vector<std::string> new_bridges;
  for (const auto& b : changes.ensure_bridges) {
    const auto* have = state.bridge(b.name);
    if (!have) new_bridges.push_back(b.name);
    vs::BridgeSettings settings = ovs::bridge_settings(b.options, have, mark);
    settings.stp_enable = b.stp;
    vs::StringMap ids = b.options.external_ids;
    ids[ovs::kMarkKey] = lab;
    batch.add_bridge(vs::AddBridge(b.name, datapath, ids, /*may_exist=*/true, settings));
    if (have)
      if (auto gone = ovs::bridge_external_ids_to_remove(b.options, *have, ovs::kMarkKey); !gone.empty())
        batch.set_bridge(vs::SetBridge(b.name, {}, {}, gone));
  }
  // Tunnels: one port per peer, protected, on the bridge; the lab's other tunnel ports there go.
  auto owned_tunnel_ports = [&](const std::string& bridge) {
    std::vector<const vs::Port*> out;
    if (const auto* b = state.bridge(bridge))
      for (const auto& p : b->ports)
        if (is_tunnel(p) && owner_of(p.external_ids) == lab) out.push_back(&p);
    return out;
  };
  for (const auto& t : changes.ensure_tunnels) {
    std::set<std::string> wanted;
    for (const auto& peer : t.peers) {
      std::string name = ovs::tunnel_port(t.type, t.vni, peer.address);
      wanted.insert(name);
      const auto* existing = state.port(name);
      const auto* on = state.bridge_of_port(name);
      if (existing && (!on || on->name != t.bridge || !is_tunnel(*existing) || existing->interfaces[0].type != t.type))
        batch.del_port(vs::DelPort(name, {}, true));
      vs::StringMap options{{"remote_ip", peer.address}, {"key", std::to_string(t.vni)}};
      if (!t.local.empty()) options["local_ip"] = t.local;
      vs::StringMap ids = mark;
      ids["nswire-peer"] = peer.host;  // which host of the lab it leads to, for people
      batch.add_port(vs::AddPort(t.bridge, name, t.type, options, std::nullopt, ids, ids, /*may_exist=*/true,
                                 {.protected_ = true}));
    }
    for (const auto* p : owned_tunnel_ports(t.bridge))
      if (!wanted.count(p->name)) batch.del_port(vs::DelPort(p->name, t.bridge, true));
  }
  for (const auto& p : changes.attach_ports) {
    const auto* existing = state.port(p.name);
    const auto* on = state.bridge_of_port(p.name);
    std::optional<std::int64_t> tag = p.vlan ? std::optional<std::int64_t>(*p.vlan) : std::nullopt;
    if (existing && on && on->name != p.bridge) {
      batch.del_port(vs::DelPort(p.name, {}, /*if_exists=*/true));
      existing = nullptr;
    }
    // The full settings each time, --may-exist: what is already so writes nothing.
    vs::PortSettings ps = ovs::port_settings(p.options, existing, mark, p.keep_qdisc);
    vs::InterfaceSettings is = ovs::interface_settings(p.options);
    if (existing && existing->tag != tag && !tag) batch.set_port(vs::SetPort(p.name, {}, {}, {}, /*clear_tag=*/true));
    batch.add_port(vs::AddPort(p.bridge, p.name, "", {}, tag, mark, mark, /*may_exist=*/true, ps, is));
  }
  for (const auto& p : changes.add_patches) batch.add_patch_pair(p.bridge_a, p.port_a, p.bridge_b, p.port_b, mark, true);
  // Mirrors after the ports they name, in the same transaction: OVS applies a mirror added to a
  // bridge with live flows only to new flows.
  for (const auto& set : changes.set_mirrors) {
    const auto* have = state.bridge(set.bridge);
    if (have)
      for (const auto& m : have->mirrors) {
        bool wanted = std::any_of(set.mirrors.begin(), set.mirrors.end(), [&](const auto& w) { return w.name == m.name; });
        if (wanted) continue;
        if (owner_of(m.external_ids) != lab)
          throw Error("mirror \"" + m.name + "\" on bridge \"" + set.bridge + "\" is not owned by lab \"" + lab + "\" (" +
                      owner_text(m.external_ids) + "); nswire leaves it untouched");
        batch.del_mirror(vs::DelMirror(set.bridge, m.name, true));
      }
    for (const auto& m : set.mirrors) {
      if (const auto* old = have ? have->mirror(m.name) : nullptr; old && owner_of(old->external_ids) != lab)
        throw Error("mirror \"" + m.name + "\" on bridge \"" + set.bridge + "\" is not owned by lab \"" + lab + "\" (" +
                    owner_text(old->external_ids) + "); nswire leaves it untouched");
      batch.add_mirror(vs::AddMirror(set.bridge, ovs::mirror_row(m, mark), /*may_exist=*/true));
    }
  }
  for (const auto& p : changes.detach_ports) batch.del_port(vs::DelPort(p.name, {}, true));
  for (const auto& p : changes.remove_patches) batch.del_port(vs::DelPort(p.name, {}, true));
  for (const auto& bridge : changes.remove_tunnels)
    for (const auto* p : owned_tunnel_ports(bridge)) batch.del_port(vs::DelPort(p->name, bridge, true));
  for (const auto& name : changes.remove_bridges) batch.del_bridge(vs::DelBridge(name, true));

  try {
    vs::apply(c, batch);
  } catch (const ovsdb::Error& e) {
    throw Error(std::string("Open vSwitch: ") + e.what());
  }

  // The internal port of a bridge is a host device once ovs-vswitchd applied the change;
  // bring it (and MTU) to what the lab wants, like the Linux backend's bridge device.
  netlink::Batch up;
  for (const auto& b : changes.ensure_bridges) {
    auto link = netlink::find_link(host, b.name);
    if (!link) throw Error("Open vSwitch bridge \"" + b.name + "\": its internal device did not appear in the host namespace");
    if (!link->up || (b.mtu && link->mtu != *b.mtu) || link->alias.empty())
      netlink::change_link(up, {.index = link->index, .name = b.name, .up = true, .mtu = b.mtu,
                                .alias = link_mark(lab)});
  }
  if (!up.empty()) host.execute(up);
}

}  // namespace nswire::backend
