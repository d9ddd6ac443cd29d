// Names, sysctl keys and resolv.conf of the netns layer (see include/nswire/netns/rules.h).
#include "nswire/netns/rules.h"

#include <cctype>

#include "nswire/error.h"

namespace nswire::netns {
namespace {

constexpr std::string_view kMarker = "# written by nswire\n";

bool has_space(std::string_view s) {
  for (unsigned char c : s)
    if (std::isspace(c) || c < 0x20 || c == 0x7f) return true;
  return false;
}

// The components of a sysctl key under net/, each one a directory or file name there.
std::vector<std::string> sysctl_components(std::string_view key) {
  std::vector<std::string> parts;
  char sep = key[3];
  size_t start = 4;
  while (start <= key.size()) {
    size_t end = key.find(sep, start);
    if (end == std::string_view::npos) end = key.size();
    std::string part(key.substr(start, end - start));
    if (sep == '.')  // sysctl(8): in the dot form a '/' stands for a '.' inside a name
      for (auto& c : part)
        if (c == '/') c = '.';
    parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

}  // namespace

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
  if (key.substr(0, 4) != "net." && key.substr(0, 4) != "net/")
    return "is not per network namespace (only net.* sysctls are)";
  if (key.size() == 4) return "names no sysctl";
  for (const auto& part : sysctl_components(key)) {
    if (part.empty() || part == "." || part == "..") return "has an empty, \".\" or \"..\" component";
    for (unsigned char c : part)
      if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return "contains an invalid character";
  }
  return "";
}

std::string sysctl_path(std::string_view key) {
  if (auto p = sysctl_key_problem(key); !p.empty()) throw Error("sysctl \"" + std::string(key) + "\" " + p);
  std::string path = "/proc/sys/net";
  for (const auto& part : sysctl_components(key)) path += "/" + part;
  return path;
}

std::string resolv_conf_path(const std::string& node) { return std::string(kNetnsEtcDir) + "/" + node + "/resolv.conf"; }
std::string resolv_conf_temporary_path(const std::string& node) { return resolv_conf_path(node) + kWritingSuffix; }

std::string resolv_conf_text(const std::vector<std::string>& nameservers, const std::vector<std::string>& search) {
  std::string text(kMarker);
  if (!search.empty()) {
    text += "search";
    for (const auto& s : search) text += " " + s;
    text += "\n";
  }
  for (const auto& ns : nameservers) text += "nameserver " + ns + "\n";
  return text;
}

bool written_by_nswire(std::string_view text) { return text.substr(0, kMarker.size()) == kMarker; }

}  // namespace nswire::netns
