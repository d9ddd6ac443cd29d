// Links over rtnetlink: veth pairs (peer created directly in its target namespace), bridges,
// changes (up/down, MTU, MAC, rename, master, namespace, alias), deletion, and link dumps.
// Builders only append requests to a Batch; Socket::execute sends them together.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink {

using Mac = std::array<uint8_t, 6>;

// Throws nswire::Error unless `name` is a usable interface name: non-empty, at most 15 bytes
// (IFNAMSIZ-1), no '/', ':', whitespace, and not "." or "..".
void validate_ifname(const std::string& name);
Mac parse_mac(const std::string& text);  // "02:00:00:00:00:01"; throws on bad input
std::string format_mac(const Mac& mac);

// A link as the kernel reports it.
struct Link {
  int index = 0;
  std::string name;
  std::string kind;        // IFLA_INFO_KIND: "veth", "bridge", "openvswitch", "" for lo/physical
  int master = 0;          // ifindex of the bridge it is enslaved to, 0 when none
  uint32_t mtu = 0;
  std::string mac;         // "aa:bb:..", empty when none
  bool up = false;         // IFF_UP (administrative)
  std::string operstate;   // "UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", ...
  std::string alias;       // IFLA_IFALIAS; nswire's ownership mark
  int peer_index = 0;      // IFLA_LINK: a veth's peer ifindex (in peer_netnsid's namespace), a VLAN's parent
  uint16_t vlan_id = 0;    // kind "vlan": IFLA_VLAN_ID
  bool vlan_8021ad = false;  // kind "vlan": IFLA_VLAN_PROTOCOL is 802.1ad (a QinQ outer tag), not 802.1Q
  int peer_netnsid = -1;   // IFLA_LINK_NETNSID, -1 when the peer is in the same namespace
  bool stp = false;        // bridges: IFLA_BR_STP_STATE != 0
  bool vlan_filtering = false;  // bridges: IFLA_BR_VLAN_FILTERING
  std::string qdisc;       // IFLA_QDISC: the root qdisc's kind ("noqueue", "noop" before first up, "tbf", ...)
  bool operator==(const Link&) const = default;
};

std::vector<Link> dump_links(Socket& socket);
// One link by name, or nullopt.
std::optional<Link> find_link(Socket& socket, const std::string& name);

struct VethSpec {
  std::string name;            // this end
  int netns_fd = -1;           // create this end directly in that namespace; -1 = the socket's
  std::string peer_name;
  int peer_netns_fd = -1;      // create the peer directly there (IFLA_NET_NS_FD); -1 = here
  std::optional<uint32_t> mtu; // both ends
  std::string alias;           // both ends
  int master = 0;              // enslave this end at creation
  bool up = false;             // this end up at creation (the peer is set up in its namespace)
};
void add_veth(Batch& batch, const VethSpec& spec);

struct BridgeSpec {
  std::string name;
  bool stp = false;
  bool vlan_filtering = false;
  std::optional<uint32_t> mtu;
  std::string alias;
  bool up = true;
};
void add_bridge(Batch& batch, const BridgeSpec& spec);

// An 802.1Q VLAN device on `parent` (an ifindex in the socket's namespace): frames it sends leave
// the parent tagged with `id`, tagged frames of `id` arriving on the parent come out of it.
struct VlanSpec {
  std::string name;
  int parent = 0;
  uint16_t id = 0;
  std::optional<uint32_t> mtu;  // at most the parent's; unset: the parent's
  std::optional<Mac> mac;       // unset: the parent's
};
void add_vlan(Batch& batch, const VlanSpec& spec);

// A change to an existing link, selected by index or, when index is 0, by name.
struct LinkChange {
  int index = 0;
  std::string name;
  std::optional<bool> up;
  std::optional<uint32_t> mtu;
  std::optional<Mac> mac;
  std::optional<std::string> new_name;
  std::optional<int> master;    // 0 = release from its bridge
  std::optional<int> netns_fd;  // move to that namespace
  std::optional<std::string> alias;
};
void change_link(Batch& batch, const LinkChange& change);

// The id the socket's namespace gives the namespace behind `netns_fd` (what IFLA_LINK_NETNSID
// of a link whose peer lives there says), or -1 when it has none.
int namespace_id(Socket& socket, int netns_fd);

// Deletes a link by name (a veth takes its peer with it).
void delete_link(Batch& batch, const std::string& name);

}  // namespace nswire::netlink
