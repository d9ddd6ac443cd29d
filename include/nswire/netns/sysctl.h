// Per-namespace sysctls (net.ipv4.ip_forward and friends) and netlink sockets bound to a
// namespace. /proc/sys/net shows the namespace of the thread that opens the file, and a
// netlink socket belongs to the namespace it was opened in, so both open inside run_in.
#pragma once

#include <string>

#include "nswire/netlink/socket.h"
#include "nswire/netns/namespace.h"

namespace nswire::netns {

// A key in either sysctl(8) spelling -> its file, sysctl_path() of rules.h ("net.ipv4.ip_forward",
// "net/ipv4/conf/eth0.10/forwarding"). Only net.* keys are per namespace; anything else throws.
void set_sysctl(const Namespace& ns, const std::string& key, const std::string& value);
std::string get_sysctl(const Namespace& ns, const std::string& key);

// An rtnetlink socket bound to `ns`.
netlink::Socket open_netlink(const Namespace& ns);

}  // namespace nswire::netns
