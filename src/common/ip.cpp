// Text <-> bytes for IPv4/IPv6 addresses and prefixes (see include/nswire/ip.h), through
// inet_pton/inet_ntop so that every form the C library accepts (and only those) is accepted.
#include "nswire/ip.h"

#include <arpa/inet.h>

#include <charconv>

#include "nswire/error.h"

namespace nswire {
namespace {

// inet_pton wants a NUL-terminated string; our input is a view.
bool parse_bytes(std::string_view text, int& family, std::array<std::uint8_t, 16>& bytes) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return false;
  std::string s(text);
  bytes.fill(0);
  if (inet_pton(AF_INET, s.c_str(), bytes.data()) == 1) {
    family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), bytes.data()) == 1) {
    family = AF_INET6;
    return true;
  }
  bytes.fill(0);
  return false;
}

std::string format_bytes(int family, const std::array<std::uint8_t, 16>& bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == AF_UNSPEC || inet_ntop(family, bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  IpAddress a;
  if (!parse_bytes(text, a.family, a.bytes)) return std::nullopt;
  a.text = std::string(text);
  return a;
}

std::string IpAddress::to_string() const { return format_bytes(family, bytes); }

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  IpPrefix p;
  if (!parse_bytes(text.substr(0, slash), p.family, p.bytes)) return std::nullopt;
  auto len = text.substr(slash + 1);
  if (len.empty() || len.size() > 3) return std::nullopt;
  for (char ch : len)
    if (ch < '0' || ch > '9') return std::nullopt;  // no sign, no space: from_chars alone would allow less
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), p.length);
  if (ec != std::errc() || end != len.data() + len.size() || p.length > p.width()) return std::nullopt;
  p.text = std::string(text);
  return p;
}

IpPrefix IpPrefix::from(std::string_view text) {
  if (text.find('/') == std::string_view::npos) {
    auto a = IpAddress::parse(text);
    if (!a) throw Error("bad CIDR \"" + std::string(text) + "\": not an IP address");
    return host(*a);
  }
  if (auto p = parse(text)) return *p;
  auto slash = text.find('/');
  if (!IpAddress::parse(text.substr(0, slash))) throw Error("bad CIDR \"" + std::string(text) + "\": not an IP address");
  throw Error("bad CIDR \"" + std::string(text) + "\": bad prefix length");
}

IpPrefix IpPrefix::any(int family) {
  IpPrefix p;
  p.text = "default";
  p.family = family;
  return p;
}

IpPrefix IpPrefix::host(const IpAddress& a) {
  IpPrefix p;
  p.family = a.family;
  p.bytes = a.bytes;
  p.length = a.width();
  p.text = a.text;
  return p;
}

std::string IpPrefix::to_string() const { return format_bytes(family, bytes) + "/" + std::to_string(length); }

IpAddress IpPrefix::address() const {
  IpAddress a;
  a.family = family;
  a.bytes = bytes;
  a.text = format_bytes(family, bytes);
  return a;
}

IpPrefix IpPrefix::network() const {
  IpPrefix n = *this;
  for (int i = 0; i < 16; ++i) {
    int bits = length - i * 8;
    if (bits >= 8) continue;
    n.bytes[i] = bits <= 0 ? 0 : static_cast<std::uint8_t>(n.bytes[i] & (0xff << (8 - bits)));
  }
  n.text = n.to_string();
  return n;
}

bool IpPrefix::contains(const IpAddress& a) const {
  if (family == AF_UNSPEC || a.family != family) return false;
  IpPrefix other = *this;
  other.bytes = a.bytes;
  return other.network().bytes == network().bytes;
}

bool IpPrefix::is_network_address() const {
  return family != AF_UNSPEC && length < width() && network().bytes == bytes;
}

}  // namespace nswire
