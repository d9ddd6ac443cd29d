// The flood list of a VXLAN device: all-zeros FDB entries, one per remote (head-end
// replication); see include/nswire/netlink/vxlan.h. Requests are what iproute2's bridge/fdb.c
// sends for `bridge fdb append|del 00:00:00:00:00:00 dev DEV dst REMOTE`: an ndmsg of family
// AF_BRIDGE on the device, NTF_SELF (the device's own FDB, not its master bridge's), state
// NUD_NOARP|NUD_PERMANENT (vxlan_fdb_add refuses entries that are neither permanent nor
// reachable), NDA_LLADDR 00:00:00:00:00:00 and NDA_DST the remote's raw address.
#include "nswire/netlink/vxlan.h"

#include "attr.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cstring>

#include "nswire/error.h"

namespace nswire::netlink {
namespace {

constexpr uint8_t kZeroMac[6] = {};

void fdb_request(Batch& batch, uint16_t type, uint16_t flags, const char* what, int ifindex, const std::string& device,
                 const std::string& remote) {
  auto dst = IpAddress::parse(remote);
  if (!dst) throw nswire::Error("vxlan " + device + ": remote: bad IP address \"" + remote + "\"");
  auto m = batch.add<ndmsg>(type, flags, what, remote + " on " + device);
  auto& ndm = m.header<ndmsg>();
  ndm.ndm_family = AF_BRIDGE;
  ndm.ndm_ifindex = ifindex;
  ndm.ndm_flags = NTF_SELF;
  ndm.ndm_state = NUD_NOARP | NUD_PERMANENT;
  m.put(NDA_LLADDR, kZeroMac, sizeof kZeroMac);
  m.put(NDA_DST, dst->bytes.data(), dst->byte_size());
}

}  // namespace

void add_vxlan_remote(Batch& batch, int ifindex, const std::string& device, const std::string& remote) {
  // NLM_F_APPEND: another entry for the same (all-zeros) MAC, not a replacement of the first.
  fdb_request(batch, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, "add vxlan remote", ifindex, device, remote);
}

void delete_vxlan_remote(Batch& batch, int ifindex, const std::string& device, const std::string& remote) {
  fdb_request(batch, RTM_DELNEIGH, 0, "delete vxlan remote", ifindex, device, remote);
}

std::vector<std::string> dump_vxlan_remotes(Socket& socket, int ifindex) {
  Batch request;
  auto m = request.add<ndmsg>(RTM_GETNEIGH, 0, "dump vxlan remotes", "ifindex " + std::to_string(ifindex));
  m.header<ndmsg>().ndm_family = AF_BRIDGE;
  m.header<ndmsg>().ndm_ifindex = ifindex;  // the kernel dumps only this device's entries
  std::vector<std::string> out;
  socket.dump(request, [&](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != RTM_NEWNEIGH) return;
    const auto* ndm = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(nlh));
    if (ndm->ndm_ifindex != ifindex) return;
    bool zero = false;
    std::string dst;
    detail::for_each_attr(nlh, sizeof(ndmsg), [&](const nlattr* a) {
      const void* p = mnl_attr_get_payload(a);
      uint16_t len = mnl_attr_get_payload_len(a);
      if (mnl_attr_get_type(a) == NDA_LLADDR) zero = len == 6 && std::memcmp(p, kZeroMac, 6) == 0;
      if (mnl_attr_get_type(a) == NDA_DST && (len == 4 || len == 16)) {
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(len == 4 ? AF_INET : AF_INET6, p, buf, sizeof buf);
        dst = buf;
      }
    });
    if (zero && !dst.empty()) out.push_back(dst);
  });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nswire::netlink
