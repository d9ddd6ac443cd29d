// The kernel's rules for names and addresses netlink is handed, as checks that say what is wrong
// in a few words ("" when fine). This layer enforces them before every request; the model's
// validator calls the same functions, so a lab that validates is one the kernel takes. Pure:
// this part of the layer does no I/O (library nswire_netlink_rules).
#pragma once

#include <string>
#include <string_view>

#include "nswire/ip.h"

namespace nswire::netlink {

// Interface and bridge names: the kernel's IFNAMSIZ (16 with the NUL) and dev_valid_name(), and
// no ':' (iproute2 reads it as an alias label).
std::string interface_name_problem(std::string_view name);
// "aa:bb:cc:dd:ee:ff", unicast, not all zeros: what IFLA_ADDRESS of a veth may be.
std::string mac_problem(std::string_view mac);
// An address to put on an interface: not the unspecified address (0.0.0.0, ::), not multicast
// (224.0.0.0/4, ff00::/8), not IPv4's limited broadcast 255.255.255.255, and not a /0 (that is
// the default route, not a subnet). The kernel takes most of these and the lab then misroutes.
std::string interface_address_problem(const IpPrefix& address);
// A route's gateway: a unicast neighbour, so not unspecified, multicast or limited broadcast.
std::string gateway_problem(const IpAddress& gateway);

}  // namespace nswire::netlink
