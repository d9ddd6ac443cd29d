// Name and address rules of the kernel (see include/nswire/netlink/rules.h).
#include "nswire/netlink/rules.h"

#include <cctype>

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

}  // namespace nswire::netlink
