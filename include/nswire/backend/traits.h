// What a bridge backend can do and how it behaves, as a plain value. The model validates a lab
// file against it (refusing, with file:line, what the backend cannot do), flattening and the
// planner follow it, and the applier orders its phases by it: so nothing above backend/ ever
// names a backend. Each backend's folder defines its Traits; the registry (registry.h) lists
// them by name. Pure: this header is all the model needs of backends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nswire::backend {

// When a backend's removals run during `down` (and when `up` removes what a lab no longer wants).
enum class RemovalOrder {
  // First, before links and namespaces go: the switch should let go of a port before its
  // device vanishes (OVS rows).
  before_links,
  // Last, right after the namespaces: by then the kernel is already releasing their veths in one
  // batch, so a bridge goes with few ports left (Linux bridges).
  after_namespaces,
};

// How a backend's bridge reaches its halves on other hosts (a lab with `hosts:`).
enum class Span {
  none,     // a bridge lives on one host
  tunnels,  // nswire joins the halves with tunnels it makes as bridge ports (VXLAN devices, OVS tunnel ports)
  engine,   // the backend's own control plane spans hosts (OVN: one logical switch, Geneve between chassis)
};

// An encapsulation between hosts and what it costs each frame: the outer headers over an IPv4
// underlay (an IPv6 underlay adds 20 bytes).
struct Encapsulation {
  std::string type;       // "vxlan" | "geneve"
  unsigned overhead = 0;  // bytes
  bool operator==(const Encapsulation&) const = default;
};
inline constexpr unsigned kIpv6ExtraOverhead = 20;

// A lab-level option of a backend, written in the lab file under the backend's name
// (`ovs: { datapath: auto }`) and handed to it in Context::settings.
struct Setting {
  std::string key;
  std::vector<std::string> values;  // the accepted values (a choice), unless `endpoint`
  std::string default_value;
  std::string description{};  // one sentence for people (the lab file's JSON Schema shows it)
  // The value names a database server instead, unix:PATH | tcp:HOST:PORT | ssl:HOST:PORT
  // (`ovn: { northbound: tcp:192.168.100.1:6641 }`); empty = the backend finds one.
  bool endpoint = false;
  bool operator==(const Setting&) const = default;
};

struct Traits {
  // Joins two of its bridges natively, without a veth pair (OVS patch ports).
  bool native_patches = false;
  // Runs 802.1D spanning tree on a bridge that asks for it (`stp: true`).
  bool stp = false;
  // Access VLAN 1 is the untagged default every port has: wanting it is wanting none.
  bool vlan1_is_untagged = false;
  // A port stays on its bridge when its device is deleted (an OVS Port row), so it must be
  // detached explicitly; otherwise the kernel releases it with the device.
  bool ports_outlive_devices = false;
  // Attaching a port that sits on another of this backend's bridges moves it in one change; no
  // detach first.
  bool attach_moves_ports = false;
  RemovalOrder removal = RemovalOrder::before_links;
  // Cheap to observe with no daemon (netlink only): observed on every run, so a bridge of the same
  // name that is not the lab's is seen whatever backend the lab asks for.
  bool observe_always = false;
  // What a bridge or port may ask beyond that (switch_options.h); the model refuses the rest.
  bool openflow = false;          // controllers, inactivity probe, fail_mode, protocols, datapath_id
  bool passthrough = false;       // other_config / external_ids maps written as given
  bool flow_export = false;       // sFlow and IPFIX collectors
  bool mirrors = false;           // port mirrors (SPAN) on a bridge
  bool trunks = false;            // trunks and VLAN modes (native VLAN) on a port
  // A trunk carries exactly the VLANs its `trunks:` lists (Linux bridge VLAN entries), never
  // "all VLANs": a trunk or native vlan_mode without the list is refused. Such a switch keeps no
  // VLAN mode of its own, only entries, so the modes that add nothing (access, trunk) are not
  // handed to it: the mode is what the VLANs imply.
  bool trunks_listed = false;
  bool egress_shaping = false;    // qos: { type: linux-htb, max_rate } on a port
  bool ingress_policing = false;  // policing: { rate, burst } on a port
  // Names the switch keeps for its own devices; a lab bridge may not take them.
  std::vector<std::string> reserved_bridge_names;
  std::vector<Setting> settings;
  // Ports on an access VLAN (`vlan:` on a node interface).
  bool access_vlans = true;
  // Every bridge is a network device in the host namespace, so its addresses are ordinary
  // addresses there (Linux, OVS). Otherwise the backend gets them (BridgeSpec::addresses) and
  // makes the gateway itself (OVN: a logical router port).
  bool bridge_is_device = true;
  // Needs the MAC and addresses of the device at the far end of each port (OVN logical port
  // addresses); the model generates a MAC for an interface whose file gives none.
  bool port_addresses = false;
  // Spanning hosts: how, and with which encapsulations (tunnels: those nswire can make, the first
  // the default; engine: the one the engine uses).
  Span span = Span::none;
  std::vector<Encapsulation> encapsulations;

  bool operator==(const Traits&) const = default;
  const Setting* setting(std::string_view key) const {
    for (const auto& s : settings)
      if (s.key == key) return &s;
    return nullptr;
  }
  const Encapsulation* encapsulation(std::string_view type) const {
    for (const auto& e : encapsulations)
      if (e.type == type) return &e;
    return nullptr;
  }
};

// A backend as the model knows it: its name in lab files and on the command line, and its traits.
struct BackendInfo {
  std::string name;
  Traits traits;
  bool operator==(const BackendInfo&) const = default;
};

// Every backend, the first being the default for a lab that names none.
using Catalog = std::vector<BackendInfo>;

inline const BackendInfo* find_backend(const Catalog& catalog, std::string_view name) {
  for (const auto& b : catalog)
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace nswire::backend
