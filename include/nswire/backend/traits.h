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

// A lab-level option of a backend, written in the lab file under the backend's name
// (`ovs: { datapath: auto }`) and handed to it in Context::settings.
struct Setting {
  std::string key;
  std::vector<std::string> values;  // the accepted values
  std::string default_value;
  std::string description{};  // one sentence for people (the lab file's JSON Schema shows it)
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
  bool egress_shaping = false;    // qos: { type: linux-htb, max_rate } on a port
  bool ingress_policing = false;  // policing: { rate, burst } on a port
  // Names the switch keeps for its own devices; a lab bridge may not take them.
  std::vector<std::string> reserved_bridge_names;
  std::vector<Setting> settings;

  bool operator==(const Traits&) const = default;
  const Setting* setting(std::string_view key) const {
    for (const auto& s : settings)
      if (s.key == key) return &s;
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
