// Link requests and dumps; see include/nswire/netlink/links.h. Attribute layouts follow
// linux/if_link.h (IFLA_LINKINFO > IFLA_INFO_KIND/IFLA_INFO_DATA) and linux/veth.h
// (VETH_INFO_PEER carries a whole ifinfomsg + attributes for the peer).
#include "nswire/netlink/links.h"

#include "nswire/netlink/rules.h"

#include "attr.h"

#include <libmnl/libmnl.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if_arp.h>

#include <cstdio>
#include <cstring>

namespace nswire::netlink {

void validate_ifname(const std::string& name) {
  if (auto p = interface_name_problem(name); !p.empty()) throw nswire::Error("interface name \"" + name + "\": " + p);
}

Mac parse_mac(const std::string& text) {
  Mac mac{};
  unsigned v[6];
  char tail;
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
    throw nswire::Error("bad MAC address \"" + text + "\"");
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(v[i]);
  return mac;
}

std::string format_mac(const Mac& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return buf;
}

namespace {

const char* operstate_name(uint8_t s) {
  static const char* names[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};
  return s < 7 ? names[s] : "UNKNOWN";
}

void parse_linkinfo(const nlattr* info, Link& link) {
  detail::for_each_nested(info, [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case IFLA_INFO_KIND:
        link.kind = mnl_attr_get_str(attr);
        break;
      case IFLA_INFO_DATA: {
        if (link.kind == "vlan") {
          detail::for_each_nested(attr, [&](const nlattr* v) {
            if (mnl_attr_get_type(v) == IFLA_VLAN_ID) link.vlan_id = mnl_attr_get_u16(v);
            // __be16, like the ethertype it is.
            if (mnl_attr_get_type(v) == IFLA_VLAN_PROTOCOL) link.vlan_8021ad = ntohs(mnl_attr_get_u16(v)) == ETH_P_8021AD;
          });
          break;
        }
        if (link.kind != "bridge") break;
        detail::for_each_nested(attr, [&](const nlattr* br) {
          if (mnl_attr_get_type(br) == IFLA_BR_STP_STATE) link.stp = mnl_attr_get_u32(br) != 0;
          if (mnl_attr_get_type(br) == IFLA_BR_VLAN_FILTERING) link.vlan_filtering = mnl_attr_get_u8(br) != 0;
        });
        break;
      }
    }
  });
}

Link parse_link(const nlmsghdr* nlh) {
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  Link link;
  link.index = ifi->ifi_index;
  link.up = ifi->ifi_flags & IFF_UP;
  detail::for_each_attr(nlh, sizeof(ifinfomsg), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case IFLA_IFNAME: link.name = mnl_attr_get_str(attr); break;
      case IFLA_MTU: link.mtu = mnl_attr_get_u32(attr); break;
      case IFLA_MASTER: link.master = static_cast<int>(mnl_attr_get_u32(attr)); break;
      case IFLA_IFALIAS: link.alias = mnl_attr_get_str(attr); break;
      case IFLA_QDISC: link.qdisc = mnl_attr_get_str(attr); break;
      case IFLA_LINK: link.peer_index = static_cast<int>(mnl_attr_get_u32(attr)); break;
      case IFLA_LINK_NETNSID: link.peer_netnsid = static_cast<int>(mnl_attr_get_u32(attr)); break;
      case IFLA_OPERSTATE: link.operstate = operstate_name(mnl_attr_get_u8(attr)); break;
      case IFLA_LINKINFO: parse_linkinfo(attr, link); break;
      case IFLA_ADDRESS:
        if (mnl_attr_get_payload_len(attr) == 6) {
          Mac mac;
          std::memcpy(mac.data(), mnl_attr_get_payload(attr), 6);
          link.mac = format_mac(mac);
        }
        break;
    }
  });
  return link;
}

void put_common(Message& m, std::optional<uint32_t> mtu, const std::string& alias) {
  if (mtu) m.put_u32(IFLA_MTU, *mtu);
  if (!alias.empty()) m.put_str(IFLA_IFALIAS, alias);
}

}  // namespace

std::vector<Link> dump_links(Socket& socket) {
  ifinfomsg req{};
  req.ifi_family = AF_UNSPEC;
  std::vector<Link> links;
  socket.dump(RTM_GETLINK, &req, sizeof req, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type == RTM_NEWLINK) links.push_back(parse_link(nlh));
  });
  return links;
}

std::optional<Link> find_link(Socket& socket, const std::string& name) {
  for (auto& l : dump_links(socket))
    if (l.name == name) return l;
  return std::nullopt;
}

void add_veth(Batch& batch, const VethSpec& spec) {
  auto m = batch.add<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "create veth pair",
                                spec.name + " <-> " + spec.peer_name);
  if (spec.up) {
    m.header<ifinfomsg>().ifi_flags = IFF_UP;
    m.header<ifinfomsg>().ifi_change = IFF_UP;
  }
  m.put_str(IFLA_IFNAME, spec.name);
  put_common(m, spec.mtu, spec.alias);
  if (spec.master) m.put_u32(IFLA_MASTER, static_cast<uint32_t>(spec.master));
  if (spec.netns_fd >= 0) m.put_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(spec.netns_fd));
  auto linkinfo = m.nest(IFLA_LINKINFO);
  m.put_str(IFLA_INFO_KIND, "veth");
  auto data = m.nest(IFLA_INFO_DATA);
  auto peer = m.nest(VETH_INFO_PEER);
  ifinfomsg peer_hdr{};
  // The peer's ifinfomsg sits inside VETH_INFO_PEER, before its attributes (linux/veth.h).
  size_t before = batch.buffer().size();
  batch.buffer().resize(before + NLMSG_ALIGN(sizeof peer_hdr));
  std::memcpy(batch.buffer().data() + before, &peer_hdr, sizeof peer_hdr);
  m.put_str(IFLA_IFNAME, spec.peer_name);
  put_common(m, spec.mtu, spec.alias);
  if (spec.peer_netns_fd >= 0) m.put_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(spec.peer_netns_fd));
}

void add_bridge(Batch& batch, const BridgeSpec& spec) {
  auto m = batch.add<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "create bridge", spec.name);
  if (spec.up) {
    m.header<ifinfomsg>().ifi_flags = IFF_UP;
    m.header<ifinfomsg>().ifi_change = IFF_UP;
  }
  m.put_str(IFLA_IFNAME, spec.name);
  put_common(m, spec.mtu, spec.alias);
  auto linkinfo = m.nest(IFLA_LINKINFO);
  m.put_str(IFLA_INFO_KIND, "bridge");
  auto data = m.nest(IFLA_INFO_DATA);
  m.put_u32(IFLA_BR_STP_STATE, spec.stp ? 1 : 0);
  // Only sent when wanted: kernels without CONFIG_BRIDGE_VLAN_FILTERING refuse the attribute.
  if (spec.vlan_filtering) m.put_u8(IFLA_BR_VLAN_FILTERING, 1);
}

void add_vlan(Batch& batch, const VlanSpec& spec) {
  auto m = batch.add<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "create VLAN " + std::to_string(spec.id) + " device",
                                spec.name);
  m.put_str(IFLA_IFNAME, spec.name);
  m.put_u32(IFLA_LINK, static_cast<uint32_t>(spec.parent));
  if (spec.mtu) m.put_u32(IFLA_MTU, *spec.mtu);
  if (spec.mac) m.put(IFLA_ADDRESS, spec.mac->data(), 6);
  auto linkinfo = m.nest(IFLA_LINKINFO);
  m.put_str(IFLA_INFO_KIND, "vlan");
  auto data = m.nest(IFLA_INFO_DATA);
  m.put_u16(IFLA_VLAN_ID, spec.id);  // IFLA_VLAN_PROTOCOL left out: 802.1Q
}

void change_link(Batch& batch, const LinkChange& c) {
  std::string object = c.name.empty() ? "ifindex " + std::to_string(c.index) : c.name;
  std::string what = "change link";
  if (c.netns_fd) what = "move link to namespace";
  else if (c.new_name) what = "rename link to " + *c.new_name + ":";
  else if (c.master) what = *c.master ? "attach link to bridge" : "release link from bridge";
  else if (c.up && !c.mtu && !c.mac) what = *c.up ? "set link up" : "set link down";
  auto m = batch.add<ifinfomsg>(RTM_NEWLINK, 0, what, object);
  auto& ifi = m.header<ifinfomsg>();
  ifi.ifi_index = c.index;
  if (c.up) {
    ifi.ifi_change = IFF_UP;
    ifi.ifi_flags = *c.up ? IFF_UP : 0;
  }
  // IFLA_IFNAME selects the link when there is no index, and renames it when there is one.
  if (c.new_name) {
    if (c.index == 0) throw nswire::Error("rename link " + object + ": needs the link's ifindex");
    m.put_str(IFLA_IFNAME, *c.new_name);
  } else if (c.index == 0) {
    m.put_str(IFLA_IFNAME, c.name);
  }
  if (c.mtu) m.put_u32(IFLA_MTU, *c.mtu);
  if (c.mac) m.put(IFLA_ADDRESS, c.mac->data(), 6);
  if (c.master) m.put_u32(IFLA_MASTER, static_cast<uint32_t>(*c.master));
  if (c.netns_fd) m.put_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(*c.netns_fd));
  if (c.alias) m.put_str(IFLA_IFALIAS, *c.alias);
}

int namespace_id(Socket& socket, int netns_fd) {
  Batch b;
  auto m = b.add<rtgenmsg>(RTM_GETNSID, 0, "get namespace id", "fd " + std::to_string(netns_fd));
  m.header<rtgenmsg>().rtgen_family = AF_UNSPEC;
  m.put_u32(NETNSA_FD, static_cast<uint32_t>(netns_fd));
  int id = -1;
  socket.query(b, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWNSID) return;
    detail::for_each_attr(nlh, sizeof(rtgenmsg), [&](const nlattr* attr) {
      if (mnl_attr_get_type(attr) == NETNSA_NSID) id = static_cast<int>(mnl_attr_get_u32(attr));
    });
  });
  return id;
}

void delete_link(Batch& batch, const std::string& name) {
  auto m = batch.add<ifinfomsg>(RTM_DELLINK, 0, "delete link", name);
  m.put_str(IFLA_IFNAME, name);
}

}  // namespace nswire::netlink
