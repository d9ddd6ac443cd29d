// VXLAN devices over rtnetlink (RFC 7348): the kernel's own tunnel endpoint, the way a Linux
// bridge that spans hosts is joined to its other halves. One VXLAN device per segment and host,
// enslaved to the bridge: with a flood list of remote hosts (add_vxlan_remote, head-end
// replication; any number of hosts), a single unicast `remote` (two hosts), or a multicast
// `group`. Created with the IANA port 4789 (the kernel's default is the pre-standard 8472),
// source-address learning off (the bridge learns MACs; the tunnel's peers are configured), and
// an MTU that leaves room for the encapsulation; marked with the lab's alias like other links.
// Dumped back into the same value type the spec holds, so a planner compares with ==.
// Attribute layout: linux/if_link.h (IFLA_INFO_DATA > IFLA_VXLAN_*), as iproute2's
// ip/iplink_vxlan.c writes it (`remote` and `group` are both IFLA_VXLAN_GROUP[6]); the flood
// list as bridge/fdb.c writes it (linux/neighbour.h: ndmsg + NDA_LLADDR + NDA_DST).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nswire/ip.h"
#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink {

inline constexpr uint16_t kVxlanPort = 4789;          // IANA (RFC 7348 section 5)
inline constexpr uint32_t kVxlanMaxVni = (1u << 24) - 1;
// Outer Ethernet (14) + IPv4 (20) + UDP (8) + VXLAN (8); IPv6 outer header is 20 bytes longer.
inline constexpr uint32_t kVxlanOverheadIpv4 = 50;
inline constexpr uint32_t kVxlanOverheadIpv6 = 70;

// The inner MTU that fits an underlay of `underlay_mtu` without fragmenting the outer packet.
uint32_t vxlan_mtu(uint32_t underlay_mtu, int underlay_family = AF_INET);

// What makes a VXLAN device what it is; the same in a spec and in a dump.
struct VxlanConfig {
  uint32_t vni = 0;
  std::string local;    // source address of the outer packets ("192.168.100.11"); empty = any
  std::string remote;   // the unicast peer ("192.168.100.12"); empty with a group, or none
  std::string group;    // a multicast group ("239.1.1.1"); needs `link`
  int link = 0;         // ifindex of the underlay device to send on; 0 = by route
  uint16_t port = kVxlanPort;  // UDP destination port
  bool learning = false;       // learn remote MACs from the source of received packets
  uint8_t ttl = 0;             // outer TTL; 0 = inherit the kernel's default
  bool operator==(const VxlanConfig&) const = default;
};

// Throws nswire::Error naming the device when the config is unusable: VNI above 2^24-1, bad or
// mixed-family addresses, a remote that is multicast, a group that is not, a group without a
// link, both remote and group.
void validate_vxlan(const std::string& name, const VxlanConfig& config);

struct VxlanSpec {
  std::string name;
  VxlanConfig config;
  std::optional<uint32_t> mtu;  // see vxlan_mtu(); none = the kernel's choice
  std::string alias;            // ownership mark, set by a second request right after the create
                                // (the kernel ignores IFLA_IFALIAS when it creates a link); the
                                // caller must have refused a clash with a foreign link of that
                                // name, or the mark would land on it
  int master = 0;               // enslave to this bridge at creation
  bool up = true;
};
// Appends the create request and, with an alias, the request that marks the device (validated
// first: nothing is appended when it throws).
void add_vxlan(Batch& batch, const VxlanSpec& spec);

// A VXLAN device as the kernel reports it.
struct VxlanLink {
  int index = 0;
  std::string name;
  VxlanConfig config;
  uint32_t mtu = 0;
  std::string alias;
  int master = 0;
  bool up = false;
  bool operator==(const VxlanLink&) const = default;
};

// Head-end replication for a segment over more than two hosts: ONE VXLAN device per segment and
// host (the kernel refuses a second device with the same VNI and port, so one device per peer
// cannot work beyond two hosts), without `remote`, and one all-zeros FDB entry per remote host:
// broadcast, multicast and unknown unicast go to every remote (what `bridge fdb append
// 00:00:00:00:00:00 dev DEV dst REMOTE` writes: AF_BRIDGE, NTF_SELF, NUD_NOARP|NUD_PERMANENT).
// A frame that came in through the device is never flooded back out of it (the bridge does
// not send a frame out of the port it came in on), so a full mesh of hosts has no loop.
void add_vxlan_remote(Batch& batch, int ifindex, const std::string& device, const std::string& remote);
void delete_vxlan_remote(Batch& batch, int ifindex, const std::string& device, const std::string& remote);
// The remotes of the device's all-zeros FDB entries ("192.168.100.12"), sorted.
std::vector<std::string> dump_vxlan_remotes(Socket& socket, int ifindex);

// Every VXLAN device of the socket's namespace (a dump filtered by kind in the kernel), by name.
std::vector<VxlanLink> dump_vxlans(Socket& socket);

// Parses one RTM_NEWLINK message; nullopt unless it is a VXLAN device. For tests and dumps.
std::optional<VxlanLink> parse_vxlan(const nlmsghdr* nlh);

}  // namespace nswire::netlink
