// The kernel's neighbour tables (ARP for IPv4, NDISC for IPv6) as RTM_GETNEIGHTBL reports them:
// how many entries they hold now and gc_thresh3, the hard limit past which new neighbours fail
// to resolve ("neighbor table overflow"). Both are machine-wide: every namespace shares one
// table per family, and the limit (net.ipv4.neigh.default.gc_thresh3, net.ipv6...) can only be
// read through /proc/sys in the init namespace, where this dump works in any namespace.
#pragma once

#include <cstdint>
#include <vector>

#include "nswire/netlink/socket.h"

namespace nswire::netlink {

struct NeighbourTable {
  int family = 0;             // AF_INET (arp_cache) or AF_INET6 (ndisc_cache)
  std::uint32_t entries = 0;  // NDTA_CONFIG ndtc_entries: what the table holds now
  std::uint32_t gc_thresh3 = 0;
  bool operator==(const NeighbourTable&) const = default;
};

// The IPv4 and IPv6 tables (others, e.g. DECnet, left out), in that order when present.
std::vector<NeighbourTable> dump_neighbour_tables(Socket& socket);

}  // namespace nswire::netlink
