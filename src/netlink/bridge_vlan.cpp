// Bridge port VLANs; see include/nswire/netlink/bridge_vlan.h.
#include "nswire/netlink/bridge_vlan.h"

#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cstring>

#include "attr.h"

namespace nswire::netlink {
namespace {

void vlan_request(Batch& batch, uint16_t type, int port_index, const std::string& what, const std::string& port,
                  uint16_t vid, uint16_t flags) {
  auto m = batch.add<ifinfomsg>(type, 0, what, "VLAN " + std::to_string(vid) + " on " + port);
  m.header<ifinfomsg>().ifi_family = AF_BRIDGE;
  m.header<ifinfomsg>().ifi_index = port_index;
  auto spec = m.nest(IFLA_AF_SPEC);
  bridge_vlan_info info{};
  info.flags = flags;
  info.vid = vid;
  m.put(IFLA_BRIDGE_VLAN_INFO, &info, sizeof info);
}

}  // namespace

void add_port_vlan(Batch& batch, int port_index, const std::string& port_name, uint16_t vid, bool pvid_untagged) {
  vlan_request(batch, RTM_SETLINK, port_index, "add", port_name, vid,
               pvid_untagged ? BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED : 0);
}

void set_port_vlan(Batch& batch, int port_index, const std::string& port_name, const PortVlan& entry) {
  uint16_t flags = (entry.pvid ? BRIDGE_VLAN_INFO_PVID : 0) | (entry.untagged ? BRIDGE_VLAN_INFO_UNTAGGED : 0);
  vlan_request(batch, RTM_SETLINK, port_index, "add", port_name, entry.vid, flags);
}

void delete_port_vlan(Batch& batch, int port_index, const std::string& port_name, uint16_t vid) {
  vlan_request(batch, RTM_DELLINK, port_index, "delete", port_name, vid, 0);
}

void change_bridge(Batch& batch, const std::string& bridge, std::optional<bool> stp, std::optional<bool> vlan_filtering) {
  auto m = batch.add<ifinfomsg>(RTM_NEWLINK, 0, "change bridge", bridge);
  m.put_str(IFLA_IFNAME, bridge);
  auto linkinfo = m.nest(IFLA_LINKINFO);
  m.put_str(IFLA_INFO_KIND, "bridge");
  auto data = m.nest(IFLA_INFO_DATA);
  if (stp) m.put_u32(IFLA_BR_STP_STATE, *stp ? 1 : 0);
  if (vlan_filtering) m.put_u8(IFLA_BR_VLAN_FILTERING, *vlan_filtering ? 1 : 0);
}

std::map<int, std::vector<PortVlan>> dump_port_vlans(Socket& socket) {
  Batch request;
  auto m = request.add<ifinfomsg>(RTM_GETLINK, 0, "dump", "bridge VLANs");
  m.header<ifinfomsg>().ifi_family = AF_BRIDGE;
  m.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
  std::map<int, std::vector<PortVlan>> out;
  socket.dump(request, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWLINK) return;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    detail::for_each_attr(nlh, sizeof(ifinfomsg), [&](const nlattr* attr) {
      if (mnl_attr_get_type(attr) != IFLA_AF_SPEC) return;
      detail::for_each_nested(attr, [&](const nlattr* v) {
        if (mnl_attr_get_type(v) != IFLA_BRIDGE_VLAN_INFO || mnl_attr_get_payload_len(v) < sizeof(bridge_vlan_info)) return;
        bridge_vlan_info info;
        std::memcpy(&info, mnl_attr_get_payload(v), sizeof info);
        out[ifi->ifi_index].push_back({info.vid, (info.flags & BRIDGE_VLAN_INFO_PVID) != 0,
                                       (info.flags & BRIDGE_VLAN_INFO_UNTAGGED) != 0});
      });
    });
  });
  return out;
}

}  // namespace nswire::netlink
