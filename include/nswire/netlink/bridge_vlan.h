// Linux bridge VLANs over rtnetlink (AF_BRIDGE, IFLA_AF_SPEC > IFLA_BRIDGE_VLAN_INFO; see
// linux/if_bridge.h): an access port is a port whose PVID is the VLAN and whose egress is
// untagged, on a bridge with vlan_filtering on. What `bridge vlan add ... pvid untagged` does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink {

struct PortVlan {
  uint16_t vid = 0;
  bool pvid = false;
  bool untagged = false;
  bool operator==(const PortVlan&) const = default;
};

// Makes `vid` the port's PVID, untagged.
void add_port_vlan(Batch& batch, int port_index, const std::string& port_name, uint16_t vid, bool pvid_untagged = true);
// Adds `entry.vid` to the port, or changes its flags: PVID (untagged frames in go to it) and
// untagged (frames out of it lose their tag); neither is a tagged trunk VLAN.
void set_port_vlan(Batch& batch, int port_index, const std::string& port_name, const PortVlan& entry);
void delete_port_vlan(Batch& batch, int port_index, const std::string& port_name, uint16_t vid);
// Changes an existing bridge's STP and/or VLAN filtering.
void change_bridge(Batch& batch, const std::string& bridge, std::optional<bool> stp, std::optional<bool> vlan_filtering);
// VLANs of every bridge port, by port ifindex.
std::map<int, std::vector<PortVlan>> dump_port_vlans(Socket& socket);

}  // namespace nswire::netlink
