// Interface addresses over rtnetlink (RTM_NEWADDR/RTM_DELADDR/RTM_GETADDR), IPv4 and IPv6.
// IPv6 addresses are added with IFA_F_NODAD so they are usable at once (no DAD stall).
#pragma once

#include <string>
#include <vector>

#include "nswire/ip.h"
#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink {

// The one IP value type (nswire/ip.h), by its short name here too.
using nswire::IpAddress;
using nswire::IpPrefix;

struct Address {
  int index = 0;          // ifindex
  IpPrefix prefix;        // local address + prefix length
  int scope = 0;          // RT_SCOPE_*
  bool tentative = false; // IPv6: IFA_F_TENTATIVE, not usable yet (duplicate address detection)
  bool operator==(const Address&) const = default;
};

// `ifname` is only for messages.
void add_address(Batch& batch, int ifindex, const std::string& ifname, const IpPrefix& prefix);
void delete_address(Batch& batch, int ifindex, const std::string& ifname, const IpPrefix& prefix);
std::vector<Address> dump_addresses(Socket& socket, int family = AF_UNSPEC);

}  // namespace nswire::netlink
