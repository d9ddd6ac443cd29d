// IP addresses and prefixes (IPv4 and IPv6): the one value type every layer uses, from the lab
// file's text down to the bytes netlink sends. Compared on bytes, never on text, so
// "10.0.2.1/24" and "2001:db8::1/64" written any legal way compare equal; the text as written is
// kept for messages.
#pragma once

#include <sys/socket.h>  // AF_INET, AF_INET6

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nswire {

// One IP address without a prefix (a gateway, a nameserver, a test target).
struct IpAddress {
  std::string text{};                    // as written (or produced by to_string)
  int family = AF_UNSPEC;                // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

  // Dotted quad or RFC 4291 text; nullopt for anything else (no prefix allowed).
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;         // canonical form (inet_ntop)
  int width() const { return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0; }
  std::size_t byte_size() const { return family == AF_INET ? 4 : 16; }

  bool operator==(const IpAddress& o) const { return family == o.family && bytes == o.bytes; }
};

// An address with a prefix length, "10.0.2.1/24" or "2001:db8::1/64". Host bits are kept: an
// interface address is a host address plus the length of its subnet.
struct IpPrefix {
  std::string text{};                    // as written ("default" for any()); "" when made by code
  int family = AF_UNSPEC;
  std::array<std::uint8_t, 16> bytes{};
  int length = 0;                        // 0..32 or 0..128

  // "ADDR/LEN"; nullopt on anything else (a missing length, a bad address, LEN out of range).
  static std::optional<IpPrefix> parse(std::string_view text);
  // For text known to be good (code, tests): "ADDR/LEN", or a bare "ADDR" as a full-length
  // prefix. Throws nswire::Error("bad CIDR \"...\": why").
  static IpPrefix from(std::string_view text);
  // The default route of a family: 0.0.0.0/0 or ::/0 (text "default").
  static IpPrefix any(int family);
  // A full-length prefix for one address (/32, /128).
  static IpPrefix host(const IpAddress& address);

  std::string to_string() const;         // canonical "ADDR/LEN"
  IpAddress address() const;             // the address part, host bits included
  IpPrefix network() const;              // host bits cleared
  bool contains(const IpAddress& a) const;  // same family and inside this subnet
  bool contains(const IpPrefix& a) const { return contains(a.address()); }
  bool is_network_address() const;       // host bits all zero (and a length shorter than the width)
  int width() const { return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0; }
  int max_length() const { return width(); }
  std::size_t byte_size() const { return family == AF_INET ? 4 : 16; }

  bool operator==(const IpPrefix& o) const { return family == o.family && bytes == o.bytes && length == o.length; }
};

}  // namespace nswire
