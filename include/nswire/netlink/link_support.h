// Whether this kernel can make 802.1Q VLAN devices, found without changing anything on the
// system: one is tried in a throwaway network namespace (it vanishes with everything made in it),
// so `up` can refuse a lab that needs VLAN subinterfaces before it creates anything, naming the
// missing module.
#pragma once

#include <string>

namespace nswire::netlink {

struct VlanSupport {
  bool available = false;
  // When not available: "the kernel has no 802.1Q VLAN devices (module 8021q is not loaded and
  // could not be loaded: ...)", or the kernel's refusal with its message.
  std::string problem;
  bool operator==(const VlanSupport&) const = default;
};

// The kernel loads module 8021q on demand when it can (as `ip link add ... type vlan` would make
// it do); the answer says whether VLAN devices work afterwards. Throws nswire::Error when the
// throwaway namespace cannot be made (no CAP_SYS_ADMIN) or when netlink itself fails.
VlanSupport check_vlan_support();

}  // namespace nswire::netlink
