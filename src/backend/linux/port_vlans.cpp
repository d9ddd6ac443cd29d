// Port VLANs of the Linux bridge backend; see port_vlans.h.
#include "port_vlans.h"

#include <algorithm>
#include <map>

namespace nswire::backend::linux_bridge {

bool needs_vlan_filtering(const PortSpec& port) {
  return port.vlan.has_value() || !port.options.trunks.empty() || !port.options.vlan_mode.empty();
}

std::vector<netlink::PortVlan> wanted_vlans(const PortSpec& port) {
  const auto& o = port.options;
  std::map<uint16_t, netlink::PortVlan> out;
  for (auto vid : o.trunks) out[static_cast<uint16_t>(vid)] = {static_cast<uint16_t>(vid), false, false};
  bool trunk = o.vlan_mode == "trunk" || (o.vlan_mode.empty() && !o.trunks.empty() && !port.vlan);
  if (!trunk) {
    // The native (or access) VLAN; none is VLAN 1, the bridge's default.
    uint16_t vid = port.vlan.value_or(1);
    out[vid] = {vid, true, o.vlan_mode != "native-tagged"};
  }
  std::vector<netlink::PortVlan> v;
  for (const auto& [vid, e] : out) v.push_back(e);
  return v;
}

PortVlanState read_vlans(const std::vector<netlink::PortVlan>& entries) {
  PortVlanState s;
  const netlink::PortVlan* pvid = nullptr;
  for (const auto& e : entries)
    if (e.pvid) pvid = &e;
  for (const auto& e : entries)
    if (!e.pvid) s.trunks.push_back(e.vid);
  std::sort(s.trunks.begin(), s.trunks.end());
  if (pvid && pvid->vid != 1) s.vlan = pvid->vid;
  if (pvid && !pvid->untagged) {
    s.vlan_mode = "native-tagged";
  } else if (pvid && !s.trunks.empty()) {
    s.vlan_mode = "native-untagged";
  }
  // No PVID with trunks: a trunk (mode ""); no PVID and nothing else: a port that takes no frames,
  // which nswire never makes, read as a trunk of nothing.
  return s;
}

VlanChanges vlan_changes(const std::vector<netlink::PortVlan>& current, const std::vector<netlink::PortVlan>& wanted) {
  VlanChanges c;
  auto find = [](const std::vector<netlink::PortVlan>& in, uint16_t vid) -> const netlink::PortVlan* {
    for (const auto& e : in)
      if (e.vid == vid) return &e;
    return nullptr;
  };
  for (const auto& w : wanted)
    if (const auto* have = find(current, w.vid); !have || !(*have == w)) c.set.push_back(w);
  std::stable_partition(c.set.begin(), c.set.end(), [](const netlink::PortVlan& e) { return e.pvid; });
  for (const auto& e : current)
    if (!find(wanted, e.vid)) c.remove.push_back(e.vid);
  return c;
}

}  // namespace nswire::backend::linux_bridge
