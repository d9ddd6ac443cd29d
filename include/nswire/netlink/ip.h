// IP addresses and prefixes as the kernel wants them (family + raw bytes), parsed from and
// printed as text. IPv4 and IPv6 alike.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace nswire::netlink {

struct IpPrefix {
  int family = AF_UNSPEC;       // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};
  int length = 0;               // prefix length

  // "10.1.1.1/24", "fd00::1/64"; with `require_length` false, a bare address gets the full
  // length (/32, /128). Throws nswire::Error("bad CIDR \"...\": why").
  static IpPrefix parse(std::string_view text, bool require_length = true);
  // A bare address ("10.1.1.1", "fd00::1"); throws nswire::Error("bad IP address ...").
  static IpPrefix parse_address(std::string_view text);

  size_t byte_size() const { return family == AF_INET ? 4 : 16; }
  int max_length() const { return family == AF_INET ? 32 : 128; }
  std::string address() const;    // "10.1.1.1"
  std::string to_string() const;   // "10.1.1.1/24"
  // The network this prefix lies in ("10.1.1.0/24").
  IpPrefix network() const;
  bool contains(const IpPrefix& address) const;
  bool operator==(const IpPrefix&) const = default;
};

}  // namespace nswire::netlink
