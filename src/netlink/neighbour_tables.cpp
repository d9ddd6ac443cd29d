// RTM_GETNEIGHTBL dumps (see include/nswire/netlink/neighbour_tables.h, linux/neighbour.h). The
// kernel sends one message per table with its thresholds and config, then one per device's
// parameters (NDTA_PARMS only): only the first kind is read.
#include "nswire/netlink/neighbour_tables.h"

#include "attr.h"

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace nswire::netlink {

std::vector<NeighbourTable> dump_neighbour_tables(Socket& socket) {
  ndtmsg req{};
  req.ndtm_family = AF_UNSPEC;
  std::vector<NeighbourTable> out;
  socket.dump(RTM_GETNEIGHTBL, &req, sizeof req, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWNEIGHTBL) return;
    const auto* ndtm = static_cast<const ndtmsg*>(mnl_nlmsg_get_payload(nlh));
    if (ndtm->ndtm_family != AF_INET && ndtm->ndtm_family != AF_INET6) return;
    NeighbourTable t;
    t.family = ndtm->ndtm_family;
    bool thresh = false, config = false;
    detail::for_each_attr(nlh, sizeof(ndtmsg), [&](const nlattr* attr) {
      switch (mnl_attr_get_type(attr)) {
        case NDTA_THRESH3:
          if (mnl_attr_get_payload_len(attr) >= sizeof(std::uint32_t)) {
            t.gc_thresh3 = mnl_attr_get_u32(attr);
            thresh = true;
          }
          break;
        case NDTA_CONFIG:
          if (mnl_attr_get_payload_len(attr) >= sizeof(ndt_config)) {
            ndt_config c;
            std::memcpy(&c, mnl_attr_get_payload(attr), sizeof c);
            t.entries = c.ndtc_entries;
            config = true;
          }
          break;
        default:
          break;
      }
    });
    if (thresh && config &&
        std::none_of(out.begin(), out.end(), [&](const NeighbourTable& o) { return o.family == t.family; }))
      out.push_back(t);
  });
  std::sort(out.begin(), out.end(), [](const NeighbourTable& a, const NeighbourTable& b) { return a.family < b.family; });
  return out;
}

}  // namespace nswire::netlink
