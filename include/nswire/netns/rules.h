// What the netns layer accepts and where it keeps things, as pure functions (library
// nswire_netns_rules): namespace names (iproute2's rules), per-namespace sysctl keys and the
// /proc/sys path each names, and the per-namespace resolv.conf (path, text, nswire's marker).
// The layer enforces them; the model's validator and the planner call the same functions, so the
// rules cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nswire::netns {

inline constexpr const char* kNetnsRunDir = "/run/netns";
inline constexpr const char* kNetnsEtcDir = "/etc/netns";
// What nswire appends to a file's name there while it writes it (the rename makes it the file).
inline constexpr const char* kWritingSuffix = ".nswire-tmp";

// Namespace names: a file under /run/netns, so no '/', no "..", no whitespace, at most 255 bytes.
std::string namespace_name_problem(std::string_view name);

// A sysctl that is per network namespace (net.*), in either of sysctl(8)'s spellings:
//   dot form    net.ipv4.conf.all.forwarding      ('/' inside a component stands for a '.':
//               net.ipv4.conf.eth0/10.forwarding is the one of interface eth0.10)
//   slash form  net/ipv4/conf/eth0.10/forwarding  (the path under /proc/sys, as written)
std::string sysctl_key_problem(std::string_view key);
// "/proc/sys/net/ipv4/conf/eth0.10/forwarding" for either spelling; throws nswire::Error for a
// key with a problem.
std::string sysctl_path(std::string_view key);

// /etc/netns/NODE/resolv.conf: what `ip netns exec` (and netns::exec) bind-mounts over
// /etc/resolv.conf.
std::string resolv_conf_path(const std::string& node);
// Where that file is written before its rename (left behind only by a write that was killed).
std::string resolv_conf_temporary_path(const std::string& node);
// The text nswire writes there: its marker line first, then search and nameserver lines.
std::string resolv_conf_text(const std::vector<std::string>& nameservers, const std::vector<std::string>& search);
// Whether a resolv.conf's text is one nswire wrote (so removing it is ours to do).
bool written_by_nswire(std::string_view text);

}  // namespace nswire::netns
