// Route requests and dumps; see include/nswire/netlink/routes.h and linux/rtnetlink.h.
#include "nswire/netlink/routes.h"

#include "attr.h"
#include "nswire/error.h"
#include "nswire/netlink/rules.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include <cstring>

namespace nswire::netlink {
namespace {

void fill(Message& m, const Route& r) {
  auto& rtm = m.header<rtmsg>();
  rtm.rtm_family = static_cast<uint8_t>(r.destination.family);
  rtm.rtm_dst_len = static_cast<uint8_t>(r.destination.length);
  rtm.rtm_table = RT_TABLE_MAIN;
  rtm.rtm_protocol = RTPROT_BOOT;  // what `ip route add` uses
  rtm.rtm_type = RTN_UNICAST;
  // A route with a gateway is universe-scoped; a device-only route is a link-scope route.
  rtm.rtm_scope = r.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  if (r.destination.length > 0) m.put(RTA_DST, r.destination.bytes.data(), r.destination.byte_size());
  if (r.gateway) m.put(RTA_GATEWAY, r.gateway->bytes.data(), r.gateway->byte_size());
  if (r.oif) m.put_u32(RTA_OIF, static_cast<uint32_t>(r.oif));
}

}  // namespace

std::string describe(const Route& r) {
  std::string s = r.destination.length == 0 ? std::string("default") : r.destination.network().to_string();
  if (r.gateway) s += " via " + r.gateway->address().to_string();
  if (r.oif) s += " dev " + std::to_string(r.oif);
  return s;
}

void add_route(Batch& batch, const Route& route) {
  if (route.gateway)
    if (auto p = gateway_problem(route.gateway->address()); !p.empty())
      throw nswire::Error("add route " + describe(route) + ": the gateway " + p);
  auto m = batch.add<rtmsg>(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "add route", describe(route));
  fill(m, route);
}

void delete_route(Batch& batch, const Route& route) {
  auto m = batch.add<rtmsg>(RTM_DELROUTE, 0, "delete route", describe(route));
  fill(m, route);
  m.header<rtmsg>().rtm_scope = RT_SCOPE_NOWHERE;  // match any scope
  m.header<rtmsg>().rtm_protocol = 0;
}

std::vector<Route> dump_routes(Socket& socket, int family) {
  rtmsg req{};
  req.rtm_family = static_cast<uint8_t>(family);
  std::vector<Route> out;
  socket.dump(RTM_GETROUTE, &req, sizeof req, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWROUTE) return;
    const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
    if (rtm->rtm_type != RTN_UNICAST) return;
    Route r;
    r.destination.family = rtm->rtm_family;
    r.destination.length = rtm->rtm_dst_len;
    r.protocol = rtm->rtm_protocol;
    r.scope = rtm->rtm_scope;
    uint32_t table = rtm->rtm_table;
    detail::for_each_attr(nlh, sizeof(rtmsg), [&](const nlattr* attr) {
      auto len = mnl_attr_get_payload_len(attr);
      switch (mnl_attr_get_type(attr)) {
        case RTA_TABLE: table = mnl_attr_get_u32(attr); break;
        case RTA_DST:
          if (len <= 16) std::memcpy(r.destination.bytes.data(), mnl_attr_get_payload(attr), len);
          break;
        case RTA_GATEWAY:
          if (len <= 16) {
            IpPrefix gw;
            gw.family = rtm->rtm_family;
            gw.length = gw.max_length();
            std::memcpy(gw.bytes.data(), mnl_attr_get_payload(attr), len);
            r.gateway = gw;
          }
          break;
        case RTA_OIF: r.oif = static_cast<int>(mnl_attr_get_u32(attr)); break;
      }
    });
    if (table == RT_TABLE_MAIN) out.push_back(r);
  });
  return out;
}

}  // namespace nswire::netlink
