// Routes in the main table over rtnetlink (RTM_NEWROUTE/RTM_DELROUTE/RTM_GETROUTE), IPv4 and
// IPv6: a destination prefix (length 0 = default) via an optional gateway and/or device.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nswire/ip.h"
#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink {

// The one IP value type (nswire/ip.h), by its short name here too.
using nswire::IpAddress;
using nswire::IpPrefix;

struct Route {
  IpPrefix destination;               // family set; length 0 = default route
  std::optional<IpPrefix> gateway;    // full-length address
  int oif = 0;                        // output ifindex, 0 = let the kernel pick by gateway
  int protocol = 0;                   // RTPROT_*: kernel (2) for connected routes, boot (3) for ours
  int scope = 0;
  bool operator==(const Route&) const = default;
};

std::string describe(const Route& route);  // "default via 10.0.2.1", "10.9.0.0/30 dev 3"
void add_route(Batch& batch, const Route& route);
void delete_route(Batch& batch, const Route& route);
// Unicast routes of the main table.
std::vector<Route> dump_routes(Socket& socket, int family = AF_UNSPEC);

}  // namespace nswire::netlink
