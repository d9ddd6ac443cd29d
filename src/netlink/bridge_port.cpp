// Bridge port states; see include/nswire/netlink/bridge_port.h.
#include "nswire/netlink/bridge_port.h"

#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "attr.h"

namespace nswire::netlink {

std::map<int, uint8_t> dump_port_states(Socket& socket) {
  Batch request;
  auto m = request.add<ifinfomsg>(RTM_GETLINK, 0, "dump", "bridge ports");
  m.header<ifinfomsg>().ifi_family = AF_BRIDGE;
  std::map<int, uint8_t> out;
  socket.dump(request, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWLINK) return;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    detail::for_each_attr(nlh, sizeof(ifinfomsg), [&](const nlattr* attr) {
      if (mnl_attr_get_type(attr) != IFLA_PROTINFO) return;
      detail::for_each_nested(attr, [&](const nlattr* p) {
        if (mnl_attr_get_type(p) == IFLA_BRPORT_STATE) out[ifi->ifi_index] = mnl_attr_get_u8(p);
      });
    });
  });
  return out;
}

const char* port_state_name(uint8_t state) {
  switch (state) {
    case BR_STATE_DISABLED: return "disabled";
    case BR_STATE_LISTENING: return "listening";
    case BR_STATE_LEARNING: return "learning";
    case BR_STATE_FORWARDING: return "forwarding";
    case BR_STATE_BLOCKING: return "blocking";
  }
  return "?";
}

}  // namespace nswire::netlink
