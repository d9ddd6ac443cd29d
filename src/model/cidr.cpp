// Text <-> bytes for IPv4/IPv6 addresses and prefixes, through inet_pton/inet_ntop so that
// every form the C library accepts (and only those) is accepted.
#include "nswire/model/cidr.h"

#include <arpa/inet.h>

#include <charconv>

namespace nswire::model {
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
  if (family == 0 || inet_ntop(family, bytes.data(), buf, sizeof buf) == nullptr) return "?";
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

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Cidr c;
  if (!parse_bytes(text.substr(0, slash), c.family, c.bytes)) return std::nullopt;
  auto len = text.substr(slash + 1);
  if (len.empty() || len.size() > 3) return std::nullopt;
  for (char ch : len) {
    if (ch < '0' || ch > '9') return std::nullopt;  // from_chars would accept nothing else, but be explicit
  }
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), c.prefix);
  if (ec != std::errc() || end != len.data() + len.size()) return std::nullopt;
  if (c.prefix < 0 || c.prefix > c.width()) return std::nullopt;
  c.text = std::string(text);
  return c;
}

Cidr Cidr::any(int family) {
  Cidr c;
  c.text = "default";
  c.family = family;
  c.prefix = 0;
  return c;
}

std::string Cidr::to_string() const {
  return format_bytes(family, bytes) + "/" + std::to_string(prefix);
}

IpAddress Cidr::address() const {
  IpAddress a;
  a.family = family;
  a.bytes = bytes;
  a.text = format_bytes(family, bytes);
  return a;
}

Cidr Cidr::network() const {
  Cidr n = *this;
  int width_bytes = width() / 8;
  for (int i = 0; i < width_bytes; ++i) {
    int bits_in_prefix = prefix - i * 8;
    if (bits_in_prefix >= 8) continue;
    if (bits_in_prefix <= 0) {
      n.bytes[i] = 0;
    } else {
      n.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - bits_in_prefix));
    }
  }
  n.text = n.to_string();
  return n;
}

bool Cidr::contains(const IpAddress& a) const {
  if (family == 0 || a.family != family) return false;
  Cidr other = *this;
  other.bytes = a.bytes;
  return other.network().bytes == network().bytes;
}

bool Cidr::is_network_address() const {
  return family != 0 && prefix < width() && network().bytes == bytes;
}

}  // namespace nswire::model
