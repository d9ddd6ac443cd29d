// Whether this kernel can make a link kind, found without changing anything on the system: the
// kind is tried in a throwaway network namespace (it vanishes with everything made in it), so `up`
// can refuse a lab that needs VLAN devices before it creates anything, naming the missing module.
#pragma once

#include <string>
#include <vector>

namespace nswire::netlink {

struct LinkKindSupport {
  std::string kind;       // "vlan"
  bool available = false;
  // When not available: "the kernel has no 802.1Q VLAN devices (module 8021q is not loaded and
  // could not be loaded: ...)", or the kernel's refusal with its message.
  std::string problem;
  bool operator==(const LinkKindSupport&) const = default;
};

// The kernel module that provides a link kind ("vlan" -> "8021q").
std::string link_module(const std::string& kind);

// One answer per kind, in order; the kernel loads a missing module on demand when it can. Throws
// nswire::Error for a kind nswire does not make, when the throwaway namespace cannot be made (no
// CAP_SYS_ADMIN), or when netlink itself fails.
std::vector<LinkKindSupport> check_link_support(const std::vector<std::string>& kinds);

}  // namespace nswire::netlink
