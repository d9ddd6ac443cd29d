// The Linux bridge backend's tunnels between hosts (a bridge of a lab across hosts): ONE VXLAN
// device per bridge and host, named "vx" + VNI, enslaved to the bridge, with an all-zeros FDB
// entry per peer host (head-end replication: broadcast, multicast and unknown unicast go to every
// peer; the device learns which peer a MAC is behind from what it receives). A frame that came in
// through the device never goes back out of it (the bridge's split horizon), so a full mesh of
// hosts has no loop. The device carries the lab's mark in its alias, its MTU leaves room for the
// outer headers, and it sends from the host's underlay address to UDP port 4789
// (netlink/vxlan.h). Requests go into the backend's two batches: devices are made in the first
// (with the bridges, no master yet), joined to their bridge with their flood lists in the
// second, once every ifindex is known.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/vxlan.h"

namespace nswire::backend::linux_bridge {

// The VXLAN device of segment `vni` on this host.
std::string vxlan_device(uint32_t vni);

// Every VXLAN device of the namespace, by name, as the kernel reports it.
std::map<std::string, netlink::VxlanLink> read_vxlans(netlink::Socket& socket);

// The tunnels on a bridge (ifindex `bridge`): its VXLAN ports with their flood lists.
std::vector<ObservedTunnel> observe_tunnels(netlink::Socket& socket, const std::map<std::string, netlink::VxlanLink>& vxlans,
                                            int bridge);

// Throws (before anything changes) when a tunnel's device name is taken by a link the lab does
// not own.
void refuse_foreign_tunnels(const Changes& changes, const std::map<std::string, netlink::Link>& links,
                            const std::string& lab);

// First batch: the devices that must be (re)made, with the lab's mark; the lab's other VXLAN
// devices on those bridges (another segment) go.
void make_tunnel_devices(netlink::Batch& batch, const Changes& changes, const std::map<std::string, netlink::Link>& links,
                         const std::map<std::string, netlink::VxlanLink>& vxlans, const std::string& lab);

// Second batch: each device enslaved to its bridge, up, at its MTU, with exactly its peers in
// its flood list; and the lab's tunnels of `remove_tunnels` and `remove_bridges` deleted.
void join_tunnels(netlink::Batch& batch, netlink::Socket& socket, const Changes& changes,
                  const std::map<std::string, netlink::Link>& links, const std::string& lab);

}  // namespace nswire::backend::linux_bridge
