// VLAN device detection; see include/nswire/netlink/link_support.h. A VLAN device needs a parent
// that can carry tags (lo cannot): a veth pair made first in the throwaway namespace.
#include "nswire/netlink/link_support.h"

#include <cerrno>

#include "nswire/error.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/socket.h"
#include "throwaway_ns.h"

namespace nswire::netlink {
namespace {

VlanSupport try_vlan(Socket& socket) {
  VlanSupport s;
  Batch parent;
  add_veth(parent, {.name = "nsw-try0", .peer_name = "nsw-try1"});
  socket.execute(parent);
  auto veth = find_link(socket, "nsw-try0");
  if (!veth) throw nswire::Error("check VLAN support: the trial veth nsw-try0 is not there after its creation");
  Batch batch;
  add_vlan(batch, {.name = "nsw-try0.1", .parent = veth->index, .id = 1});
  auto outcome = socket.send(batch).front();
  if (outcome.error == 0) {
    s.available = true;
    return s;
  }
  // rtnl_newlink(): -EOPNOTSUPP ("Unknown device type") when no module provides the kind.
  if (outcome.error == EOPNOTSUPP)
    s.problem = "the kernel has no 802.1Q VLAN devices (module 8021q is not loaded and could not be loaded: "
                "modprobe 8021q, or use a kernel built with CONFIG_VLAN_8021Q)";
  else
    s.problem = describe_failure(batch.entries().front(), outcome);
  return s;
}

}  // namespace

VlanSupport check_vlan_support() {
  VlanSupport out;
  detail::in_throwaway_namespace("check VLAN support", [&](Socket& socket) { out = try_vlan(socket); });
  return out;
}

}  // namespace nswire::netlink
