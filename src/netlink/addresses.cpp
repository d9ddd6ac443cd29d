// Address requests and dumps; see include/nswire/netlink/addresses.h and linux/if_addr.h.
#include "nswire/netlink/addresses.h"

#include "attr.h"
#include "nswire/error.h"
#include "nswire/netlink/rules.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <cstring>

namespace nswire::netlink {
namespace {

void fill(Message& m, int ifindex, const IpPrefix& p) {
  auto& ifa = m.header<ifaddrmsg>();
  ifa.ifa_family = static_cast<uint8_t>(p.family);
  ifa.ifa_prefixlen = static_cast<uint8_t>(p.length);
  ifa.ifa_index = static_cast<uint32_t>(ifindex);
  // Like `ip addr add`: IFA_LOCAL and IFA_ADDRESS both the address (no point-to-point peer).
  m.put(IFA_LOCAL, p.bytes.data(), p.byte_size());
  m.put(IFA_ADDRESS, p.bytes.data(), p.byte_size());
}

}  // namespace

void add_address(Batch& batch, int ifindex, const std::string& ifname, const IpPrefix& prefix) {
  if (auto p = interface_address_problem(prefix); !p.empty())
    throw nswire::Error("add address " + prefix.to_string() + " on " + ifname + ": the address " + p);
  auto m = batch.add<ifaddrmsg>(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, "add address",
                                prefix.to_string() + " on " + ifname);
  fill(m, ifindex, prefix);
  if (prefix.family == AF_INET6) {
    m.header<ifaddrmsg>().ifa_flags = IFA_F_NODAD;
    m.put_u32(IFA_FLAGS, IFA_F_NODAD);
  }
}

void delete_address(Batch& batch, int ifindex, const std::string& ifname, const IpPrefix& prefix) {
  auto m = batch.add<ifaddrmsg>(RTM_DELADDR, 0, "delete address", prefix.to_string() + " on " + ifname);
  fill(m, ifindex, prefix);
}

std::vector<Address> dump_addresses(Socket& socket, int family) {
  ifaddrmsg req{};
  req.ifa_family = static_cast<uint8_t>(family);
  std::vector<Address> out;
  socket.dump(RTM_GETADDR, &req, sizeof req, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWADDR) return;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    Address a;
    a.index = static_cast<int>(ifa->ifa_index);
    a.scope = ifa->ifa_scope;
    a.prefix.family = ifa->ifa_family;
    a.prefix.length = ifa->ifa_prefixlen;
    uint32_t flags = ifa->ifa_flags;
    const nlattr* local = nullptr;
    const nlattr* address = nullptr;
    detail::for_each_attr(nlh, sizeof(ifaddrmsg), [&](const nlattr* attr) {
      if (mnl_attr_get_type(attr) == IFA_LOCAL) local = attr;
      if (mnl_attr_get_type(attr) == IFA_ADDRESS) address = attr;
      if (mnl_attr_get_type(attr) == IFA_FLAGS) flags = mnl_attr_get_u32(attr);  // all 32 bits (ifa_flags has 8)
    });
    a.tentative = (flags & IFA_F_TENTATIVE) != 0;
    const nlattr* use = local ? local : address;  // IPv6 reports only IFA_ADDRESS
    if (!use || mnl_attr_get_payload_len(use) > 16) return;
    std::memcpy(a.prefix.bytes.data(), mnl_attr_get_payload(use), mnl_attr_get_payload_len(use));
    out.push_back(a);
  });
  return out;
}

}  // namespace nswire::netlink
