// TX checksum offload of a network device, through the ethtool ioctl (SIOCETHTOOL) on a socket
// of the calling thread's namespace. Not netlink, but a link property like the others here.
// Why nswire needs it: Open vSwitch's userspace datapath (netdev) reads veth traffic through
// AF_PACKET and forwards it without completing checksums the sender left to the "hardware",
// so TCP and UDP through it arrive with bad checksums unless the senders checksum in software.
#pragma once

#include <optional>
#include <string>

namespace nswire::netlink {

// nullopt when the device does not exist or does not say.
std::optional<bool> get_tx_checksum(const std::string& ifname);
// Throws nswire::Error naming the device.
void set_tx_checksum(const std::string& ifname, bool on);

}  // namespace nswire::netlink
