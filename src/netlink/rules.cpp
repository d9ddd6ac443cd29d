// Name and address rules of the kernel (see include/nswire/netlink/rules.h).
#include "nswire/netlink/rules.h"

#include <sys/socket.h>

#include <array>
#include <cctype>
#include <cstdint>

namespace nswire::netlink {

std::string interface_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > 15) return "exceeds 15 bytes";
  if (name == "." || name == "..") return "is reserved";
  for (unsigned char c : name) {
    if (c == '/') return "contains '/'";
    if (c == ':') return "contains ':'";
    if (std::isspace(c) || c < 0x20 || c == 0x7f) return "contains whitespace or a control character";
  }
  if (name.find("..") != std::string_view::npos) return "contains \"..\"";
  return "";
}

std::string mac_problem(std::string_view mac) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (mac.size() != 17) return "is not six hex octets like 02:00:00:00:00:01";
  for (size_t i = 0; i < 17; ++i) {
    bool ok = (i % 3 == 2) ? mac[i] == ':' : hex(mac[i]);
    if (!ok) return "is not six hex octets like 02:00:00:00:00:01";
  }
  auto nibble = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10); };
  if (nibble(mac[1]) & 1) return "is a multicast address";
  if (mac == "00:00:00:00:00:00") return "is all zeros";
  return "";
}

namespace {

// What no unicast host address may be, for both interface addresses and gateways.
std::string unicast_problem(int family, const std::array<std::uint8_t, 16>& b) {
  auto zero = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      if (b[i] != 0) return false;
    return true;
  };
  if (family == AF_INET) {
    if (zero(4)) return "is the unspecified address 0.0.0.0";
    if ((b[0] & 0xf0) == 0xe0) return "is a multicast address (224.0.0.0/4)";
    if (b[0] == 0xff && b[1] == 0xff && b[2] == 0xff && b[3] == 0xff)
      return "is the limited broadcast address 255.255.255.255";
  } else if (family == AF_INET6) {
    if (zero(16)) return "is the unspecified address ::";
    if (b[0] == 0xff) return "is a multicast address (ff00::/8)";
  }
  return "";
}

}  // namespace

std::string interface_address_problem(const IpPrefix& address) {
  if (auto p = unicast_problem(address.family, address.bytes); !p.empty()) return p;
  if (address.length == 0)
    return "has prefix length 0: that is the default route, not a subnet (give the subnet's length, "
           "and a route `to: default` for the rest)";
  return "";
}

std::string gateway_problem(const IpAddress& gateway) { return unicast_problem(gateway.family, gateway.bytes); }

}  // namespace nswire::netlink
