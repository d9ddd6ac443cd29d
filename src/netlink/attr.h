// Attribute iteration for parsing replies. libmnl's mnl_attr_for_each macros assign void* and
// do not compile as C++, so these wrap the same libmnl calls in two small loops.
#pragma once

#include <libmnl/libmnl.h>

namespace nswire::netlink::detail {

template <class Fn>
void for_each_attr(const nlmsghdr* nlh, size_t offset, Fn&& fn) {
  auto* msg = const_cast<nlmsghdr*>(nlh);
  auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(msg, offset));
  const char* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(msg));
  while (mnl_attr_ok(attr, static_cast<int>(tail - reinterpret_cast<const char*>(attr)))) {
    fn(attr);
    attr = mnl_attr_next(attr);
  }
}

template <class Fn>
void for_each_nested(const nlattr* nest, Fn&& fn) {
  auto* attr = static_cast<const nlattr*>(mnl_attr_get_payload(nest));
  const char* tail = reinterpret_cast<const char*>(nest) + nest->nla_len;
  while (mnl_attr_ok(attr, static_cast<int>(tail - reinterpret_cast<const char*>(attr)))) {
    fn(attr);
    attr = mnl_attr_next(attr);
  }
}

}  // namespace nswire::netlink::detail
