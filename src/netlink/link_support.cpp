// Link kind detection; see include/nswire/netlink/link_support.h. A VLAN device needs a parent
// that can carry tags (lo cannot): a veth pair made first in the throwaway namespace.
#include "nswire/netlink/link_support.h"

#include <cerrno>

#include "nswire/error.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/socket.h"
#include "throwaway_ns.h"

namespace nswire::netlink {
namespace {

LinkKindSupport try_vlan(Socket& socket) {
  LinkKindSupport s{"vlan", false, {}};
  Batch parent;
  add_veth(parent, {.name = "nsw-try0", .peer_name = "nsw-try1"});
  socket.execute(parent);
  auto veth = find_link(socket, "nsw-try0");
  if (!veth) throw nswire::Error("check link support: the trial veth nsw-try0 is not there after its creation");
  Batch batch;
  add_vlan(batch, {.name = "nsw-try0.1", .parent = veth->index, .id = 1});
  auto outcome = socket.send(batch).front();
  if (outcome.error == 0) {
    s.available = true;
    return s;
  }
  // rtnl_newlink(): -EOPNOTSUPP ("Unknown device type") when no module provides the kind.
  if (outcome.error == EOPNOTSUPP)
    s.problem = "the kernel has no 802.1Q VLAN devices (module " + link_module("vlan") +
                " is not loaded and could not be loaded: modprobe 8021q, or use a kernel built with CONFIG_VLAN_8021Q)";
  else
    s.problem = describe_failure(batch.entries().front(), outcome);
  return s;
}

}  // namespace

std::string link_module(const std::string& kind) { return kind == "vlan" ? "8021q" : kind; }

std::vector<LinkKindSupport> check_link_support(const std::vector<std::string>& kinds) {
  for (const auto& kind : kinds)
    if (kind != "vlan") throw nswire::Error("check link support: nswire does not make links of kind \"" + kind + "\"");
  std::vector<LinkKindSupport> out;
  detail::in_throwaway_namespace("check link support", [&](Socket& socket) {
    if (kinds.empty()) return;
    auto vlan = try_vlan(socket);  // every kind asked is "vlan"
    out.assign(kinds.size(), vlan);
  });
  return out;
}

}  // namespace nswire::netlink
