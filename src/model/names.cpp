// Name rules (see names.h).
#include "names.h"

#include <cctype>

namespace nswire::model {
namespace {

bool has_space(std::string_view s) {
  for (unsigned char c : s) {
    if (std::isspace(c) || c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string interface_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > 15) return "exceeds 15 bytes";
  if (name == "." || name == "..") return "is reserved";
  if (name.find('/') != std::string_view::npos) return "contains '/'";
  if (name.find(':') != std::string_view::npos) return "contains ':'";
  if (has_space(name)) return "contains whitespace or a control character";
  if (name.find("..") != std::string_view::npos) return "contains \"..\"";
  return "";
}

std::string namespace_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > 255) return "exceeds 255 bytes";
  if (name == ".") return "is reserved";
  if (name.find('/') != std::string_view::npos) return "contains '/'";
  if (has_space(name)) return "contains whitespace or a control character";
  if (name.find("..") != std::string_view::npos) return "contains \"..\"";
  return "";
}

std::string sysctl_key_problem(std::string_view key) {
  if (key.substr(0, 4) != "net." && key.substr(0, 4) != "net/") {
    return "is not per network namespace (only net.* sysctls are)";
  }
  char sep = key[3];
  std::string_view rest = key.substr(4);
  if (rest.empty()) return "names no sysctl";
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find(sep, start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view part = rest.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return "has an empty, \".\" or \"..\" component";
    for (unsigned char c : part) {
      // '.' is allowed inside a component only with '/' separators ("net/ipv4/conf/eth0.10/...").
      bool ok = std::isalnum(c) || c == '_' || c == '-' || (c == '.' && sep == '/');
      if (!ok) return "contains an invalid character";
    }
    start = end + 1;
  }
  return "";
}

std::string mac_problem(std::string_view mac) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (mac.size() != 17) return "is not six hex octets like 02:00:00:00:00:01";
  for (size_t i = 0; i < 17; ++i) {
    bool ok = (i % 3 == 2) ? mac[i] == ':' : hex(mac[i]);
    if (!ok) return "is not six hex octets like 02:00:00:00:00:01";
  }
  unsigned first = static_cast<unsigned>(std::stoul(std::string(mac.substr(0, 2)), nullptr, 16));
  if (first & 1) return "is a multicast address";
  if (mac == "00:00:00:00:00:00") return "is all zeros";
  return "";
}

}  // namespace nswire::model
