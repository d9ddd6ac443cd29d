// A Linux bridge port's VLANs as nswire wants them and as it reads them back: the access VLAN,
// the trunk list and the native VLAN (vlan_mode) of a PortSpec, as bridge VLAN entries (what
// `bridge vlan show` lists), and the way back from entries to the same values, so the judge
// compares the two with ==. Pure: the netlink batch is built by the caller.
//
//   access V (or none: V = 1, the bridge's default)  ->  V pvid untagged
//   trunks T, no native VLAN                         ->  each of T tagged; no PVID (untagged frames dropped)
//   native-untagged V + trunks T                     ->  V pvid untagged, each of T tagged
//   native-tagged V + trunks T                       ->  V pvid (egress tagged), each of T tagged
//
// Read back, the modes that add nothing are not named (see Traits::trunks_listed): an access
// port has vlan_mode "", a trunk without native VLAN has "" with its trunks.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/netlink/bridge_vlan.h"

namespace nswire::backend::linux_bridge {

// Whether the port needs the bridge's VLAN filtering (an access VLAN, trunks or a native VLAN).
bool needs_vlan_filtering(const PortSpec& port);

// The entries the port should have, sorted by vid.
std::vector<netlink::PortVlan> wanted_vlans(const PortSpec& port);

// The access VLAN (VLAN 1 is the default: none) and VLAN options the entries say.
struct PortVlanState {
  std::optional<uint16_t> vlan;
  std::vector<int64_t> trunks;  // sorted
  std::string vlan_mode;
  bool operator==(const PortVlanState&) const = default;
};
PortVlanState read_vlans(const std::vector<netlink::PortVlan>& entries);

// From `current` to `wanted`: the entries to set (new ones and ones whose flags change, PVID
// first so the port never loses it for long) and the vids to delete.
struct VlanChanges {
  std::vector<netlink::PortVlan> set;
  std::vector<uint16_t> remove;
  bool empty() const { return set.empty() && remove.empty(); }
  bool operator==(const VlanChanges&) const = default;
};
VlanChanges vlan_changes(const std::vector<netlink::PortVlan>& current, const std::vector<netlink::PortVlan>& wanted);

}  // namespace nswire::backend::linux_bridge
