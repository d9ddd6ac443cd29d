// IP prefix parsing and printing; see include/nswire/netlink/ip.h.
#include "nswire/netlink/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "nswire/error.h"

namespace nswire::netlink {

IpPrefix IpPrefix::parse_address(std::string_view text) {
  IpPrefix p;
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), p.bytes.data()) == 1) {
    p.family = AF_INET;
  } else if (inet_pton(AF_INET6, s.c_str(), p.bytes.data()) == 1) {
    p.family = AF_INET6;
  } else {
    throw Error("bad IP address \"" + s + "\"");
  }
  p.length = p.max_length();
  return p;
}

IpPrefix IpPrefix::parse(std::string_view text, bool require_length) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (require_length) throw Error("bad CIDR \"" + std::string(text) + "\": missing /prefix-length");
    try {
      return parse_address(text);
    } catch (const Error&) {
      throw Error("bad CIDR \"" + std::string(text) + "\": not an IP address");
    }
  }
  IpPrefix p;
  try {
    p = parse_address(text.substr(0, slash));
  } catch (const Error&) {
    throw Error("bad CIDR \"" + std::string(text) + "\": not an IP address");
  }
  auto len = text.substr(slash + 1);
  int value = -1;
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), value);
  if (len.empty() || ec != std::errc() || end != len.data() + len.size() || value < 0 || value > p.max_length())
    throw Error("bad CIDR \"" + std::string(text) + "\": prefix length must be 0.." + std::to_string(p.max_length()));
  p.length = value;
  return p;
}

std::string IpPrefix::address() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string IpPrefix::to_string() const { return address() + "/" + std::to_string(length); }

IpPrefix IpPrefix::network() const {
  IpPrefix n = *this;
  for (size_t i = 0; i < 16; ++i) {
    int bits = std::clamp(length - static_cast<int>(i) * 8, 0, 8);
    n.bytes[i] &= static_cast<uint8_t>(0xff00 >> bits);
  }
  return n;
}

bool IpPrefix::contains(const IpPrefix& a) const {
  if (a.family != family) return false;
  IpPrefix probe = a;
  probe.length = length;
  return probe.network().bytes == network().bytes;
}

}  // namespace nswire::netlink
