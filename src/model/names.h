// Name rules shared by the validator and the planner: what the kernel, iproute2 and our
// ownership marks accept. Each returns "" for a good name, else the problem in a few words.
#pragma once

#include <string>
#include <string_view>

namespace nswire::model {

// Interface and bridge names: the kernel's IFNAMSIZ (16 with the NUL) and dev_valid_name().
std::string interface_name_problem(std::string_view name);
// Namespace names: a file under /run/netns, so no '/', no "..", at most 255 bytes.
std::string namespace_name_problem(std::string_view name);
// A sysctl that is per network namespace (net.*), spelt so that it stays under /proc/sys/net.
std::string sysctl_key_problem(std::string_view key);
// "aa:bb:cc:dd:ee:ff", unicast.
std::string mac_problem(std::string_view mac);

}  // namespace nswire::model
