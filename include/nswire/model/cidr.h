// IP addresses and prefixes (IPv4 and IPv6) as small value types. The topology model, the
// validator and the planner all compare addresses; they do it on bytes, never on text, so
// "10.0.2.1/24" and "2001:db8::1/64" written any legal way compare equal.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>  // AF_INET, AF_INET6

namespace nswire::model {

// One IP address without a prefix (a gateway, a nameserver, a test target).
struct IpAddress {
  std::string text{};                // as written in the file (or produced by to_string)
  int family = 0;                    // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

  // Accepts dotted quad or RFC 4291 text; nullopt for anything else (no prefix allowed).
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;     // canonical form (inet_ntop)
  int width() const { return family == 0 ? 0 : (family == AF_INET ? 32 : 128); }

  // Equality is on the address, not on how it was written.
  bool operator==(const IpAddress& o) const { return family == o.family && bytes == o.bytes; }
};

// An address with a prefix length, "10.0.2.1/24" or "2001:db8::1/64". Host bits are kept:
// an interface address is a host address plus the length of its subnet.
struct Cidr {
  std::string text{};                // as written in the file
  int family = 0;                    // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 0;                    // 0..32 or 0..128

  // "ADDR/LEN"; nullopt on anything else (a missing prefix, a bad address, LEN out of range).
  static std::optional<Cidr> parse(std::string_view text);
  // The default route of a family: 0.0.0.0/0 or ::/0 (text "default").
  static Cidr any(int family);

  std::string to_string() const;     // canonical "ADDR/LEN"
  IpAddress address() const;         // the address part, host bits included
  Cidr network() const;              // host bits cleared
  bool contains(const IpAddress& a) const;   // same family and inside this subnet
  bool is_network_address() const;   // host bits all zero (and a prefix shorter than the width)
  int width() const { return family == 0 ? 0 : (family == AF_INET ? 32 : 128); }

  bool operator==(const Cidr& o) const {
    return family == o.family && bytes == o.bytes && prefix == o.prefix;
  }
};

}  // namespace nswire::model
