// A recording fake of the System the applier acts through (include/nswire/reconcile/system.h),
// in the spirit of ninja's VirtualFileSystem: it keeps a small model of what exists (namespaces,
// veth pairs, VLAN devices, addresses, routes, sysctls, resolv.confs, backend bridges and ports), changes it the
// way the kernel and the switch would, logs every call, and can refuse the Nth change or any
// netlink request matching a text. Pure: no syscalls.
#pragma once

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "nswire/error.h"
#include "nswire/netlink/tc.h"
#include "nswire/reconcile/system.h"

namespace nswire::reconcile::fake {

struct SystemState {
  std::set<std::string> namespaces;
  std::map<std::string, std::string> peer;            // "node|ifname" -> "node|ifname" of its peer
  std::map<std::string, std::pair<std::string, int>> vlans;  // "node|ifname" -> {"node|parent", id}
  std::set<std::string> addresses, routes;            // "node|what the request names"
  std::map<std::string, std::string> sysctls;         // "node|key" -> value
  std::set<std::string> resolv_confs;                 // nodes
  std::map<std::string, std::set<std::string>> bridges;  // "backend:bridge" -> its ports
  std::set<std::string> tunnels;                          // "backend:bridge" of each tunnel
  std::map<std::string, netlink::RootQdisc> qdiscs;     // "node|ifname" -> a root set on it (absent: the default)
  bool operator==(const SystemState&) const = default;
};

inline std::string key(const std::string& node, const std::string& name) { return node + "|" + name; }

class FakeSystem : public System {
 public:
  SystemState state;
  std::vector<std::string> log;          // every call that changes something, in order
  long fail_at = 0;                      // refuse the Nth change (1-based), before it happens
  long fail_after = 0;                   // a backend's apply that is the Nth change happens, then fails
  std::string refuse_request;            // a netlink request whose "what object" contains this fails
  int refuse_errno = EINVAL;
  long changes = 0;

  void create_namespace(const std::string& node) override {
    change("create namespace " + node);
    std::lock_guard<std::mutex> hold(lock_);
    if (!state.namespaces.insert(node).second) throw Error("namespace \"" + node + "\" exists");
  }
  void remove_namespace(const std::string& node) override {
    change("remove namespace " + node);
    state.namespaces.erase(node);
    // Everything inside goes with it; a veth's other end too.
    for (auto it = state.peer.begin(); it != state.peer.end();) {
      if (it->first.rfind(node + "|", 0) == 0) {
        state.peer.erase(it->second);
        it = state.peer.erase(it);
      } else {
        ++it;
      }
    }
    drop_orphan_vlans();
    erase_prefix(state.addresses, node + "|");
    erase_prefix(state.routes, node + "|");
    for (auto it = state.qdiscs.begin(); it != state.qdiscs.end();)
      it = it->first.rfind(node + "|", 0) == 0 || !state.peer.count(it->first) ? state.qdiscs.erase(it) : std::next(it);
    for (auto it = state.sysctls.begin(); it != state.sysctls.end();)
      it = it->first.rfind(node + "|", 0) == 0 ? state.sysctls.erase(it) : std::next(it);
  }
  bool namespace_exists(const std::string& node) override { return node.empty() || state.namespaces.count(node); }
  int namespace_fd(const std::string& node) override {
    std::lock_guard<std::mutex> hold(lock_);
    for (size_t i = 0; i < fds_.size(); ++i)
      if (fds_[i] == node) return 1000 + static_cast<int>(i);
    fds_.push_back(node);
    return 1000 + static_cast<int>(fds_.size() - 1);
  }

  std::vector<netlink::Outcome> send(const std::string& node, netlink::Batch& batch) override {
    if (batch.empty()) return {};
    std::string what = "send " + std::to_string(batch.size()) + " in " + (node.empty() ? "host" : node) + ":";
    for (const auto& e : batch.entries()) what += " [" + e.what + " " + e.object + "]";
    change(what);
    std::vector<netlink::Outcome> out(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) out[i] = execute_one(node, batch, i);  // every request runs
    return out;
  }
  std::vector<netlink::Link> links(const std::string& node) override {
    std::vector<netlink::Link> out{{.index = 1, .name = "lo"}};
    for (const auto& [k, p] : state.peer)
      if (k.rfind(node + "|", 0) == 0)  // both ends exist, so both are up with a carrier (the applier waits for it)
        out.push_back({.index = static_cast<int>(out.size()) + 1, .name = k.substr(node.size() + 1), .kind = "veth",
                       .up = true, .operstate = "UP"});
    for (const auto& [b, ports] : state.bridges)
      if (node.empty()) out.push_back({.index = static_cast<int>(out.size()) + 1, .name = b.substr(b.find(':') + 1)});
    auto index_of = [&](const std::string& name) {
      for (const auto& l : out)
        if (l.name == name) return l.index;
      return 0;
    };
    for (const auto& [k, v] : state.vlans)  // last: a VLAN is listed after its parent
      if (k.rfind(node + "|", 0) == 0)
        out.push_back({.index = static_cast<int>(out.size()) + 1, .name = k.substr(node.size() + 1), .kind = "vlan",
                       .up = true, .operstate = "UP", .peer_index = index_of(v.first.substr(node.size() + 1)),
                       .vlan_id = static_cast<uint16_t>(v.second)});
    return out;
  }
  // Every link has its (usable) IPv6 link-local address at once.
  std::vector<netlink::Address> addresses(const std::string& node, int) override {
    std::vector<netlink::Address> out;
    for (const auto& l : links(node))
      out.push_back({.index = l.index, .prefix = IpPrefix::from("fe80::1/64"), .scope = RT_SCOPE_LINK});
    return out;
  }
  bool host_link_exists(const std::string& name) override { return state.peer.count(key("", name)) > 0; }
  void set_tx_checksum(const std::string& node, const std::string& ifname, bool) override {
    change("checksum offload " + key(node, ifname));
  }
  std::string read_sysctl(const std::string& node, const std::string& k) override {
    auto it = state.sysctls.find(key(node, k));
    return it == state.sysctls.end() ? "0" : it->second;
  }
  void write_sysctl(const std::string& node, const std::string& k, const std::string& value) override {
    change("sysctl " + key(node, k) + " = " + value);
    if (value == "0") state.sysctls.erase(key(node, k));  // back to the kernel's default
    else state.sysctls[key(node, k)] = value;
  }
  bool resolv_conf_exists(const std::string& node) override { return state.resolv_confs.count(node) > 0; }
  void write_resolv_conf(const std::string& node, const std::vector<std::string>&, const std::vector<std::string>&) override {
    change("write resolv.conf " + node);
    state.resolv_confs.insert(node);
  }
  void remove_etc(const std::string& node) override {
    change("remove /etc/netns/" + node);
    state.resolv_confs.erase(node);
  }
  std::vector<std::string> wait_ready(const std::string&, const std::vector<backend::PortRef>&) override { return {}; }
  void apply(const std::string& backend, const backend::Changes& c) override {
    std::string what = "apply " + backend + ":";
    for (const auto& b : c.ensure_bridges) what += " ensure " + b.name;
    for (const auto& t : c.ensure_tunnels) what += " tunnel " + t.bridge;
    for (const auto& p : c.attach_ports) what += " attach " + p.bridge + ":" + p.name;
    for (const auto& p : c.add_patches) what += " patch " + p.port_a + "-" + p.port_b;
    for (const auto& p : c.detach_ports) what += " detach " + p.bridge + ":" + p.name;
    for (const auto& p : c.remove_patches) what += " unpatch " + p.name;
    for (const auto& b : c.remove_tunnels) what += " untunnel " + b;
    for (const auto& b : c.remove_bridges) what += " remove " + b;
    change(what);
    std::lock_guard<std::mutex> hold(lock_);
    for (const auto& b : c.ensure_bridges) state.bridges[backend + ":" + b.name];
    for (const auto& t : c.ensure_tunnels) {
      if (!state.bridges.count(backend + ":" + t.bridge)) throw Error("fake: tunnel on no bridge " + t.bridge);
      state.tunnels.insert(backend + ":" + t.bridge);
    }
    for (const auto& b : c.remove_tunnels) state.tunnels.erase(backend + ":" + b);
    for (const auto& b : c.remove_bridges) state.tunnels.erase(backend + ":" + b);  // tunnels go with their bridge
    for (const auto& p : c.attach_ports) state.bridges[backend + ":" + p.bridge].insert(p.name);
    for (const auto& p : c.add_patches) {
      state.bridges[backend + ":" + p.bridge_a].insert(p.port_a);
      state.bridges[backend + ":" + p.bridge_b].insert(p.port_b);
    }
    for (const auto& p : c.detach_ports) state.bridges[backend + ":" + p.bridge].erase(p.name);
    for (const auto& p : c.remove_patches)
      for (auto& [b, ports] : state.bridges) ports.erase(p.name);
    for (const auto& b : c.remove_bridges) state.bridges.erase(backend + ":" + b);
    if (changes == fail_after) throw Error("fake: " + what + " committed, then failed");
  }

 private:
  void change(const std::string& what) {
    std::lock_guard<std::mutex> hold(lock_);
    ++changes;
    log.push_back(what);
    if (changes == fail_at) throw Error("fake: change " + std::to_string(changes) + " refused: " + what);
  }

  // A VLAN device goes with its parent (and with its namespace).
  void drop_orphan_vlans() {
    for (auto it = state.vlans.begin(); it != state.vlans.end();)
      it = state.peer.count(it->second.first) ? std::next(it) : state.vlans.erase(it);
  }

  static void erase_prefix(std::set<std::string>& s, const std::string& prefix) {
    for (auto it = s.begin(); it != s.end();) it = it->rfind(prefix, 0) == 0 ? s.erase(it) : std::next(it);
  }

  // The attribute of `type` among those in [begin, end), or nullptr.
  static const nlattr* attr(const uint8_t* begin, const uint8_t* end, int type) {
    for (const uint8_t* p = begin; p + sizeof(nlattr) <= end;) {
      const auto* a = reinterpret_cast<const nlattr*>(p);
      if (a->nla_len < sizeof(nlattr)) break;
      if ((a->nla_type & NLA_TYPE_MASK) == type) return a;
      p += NLA_ALIGN(a->nla_len);
    }
    return nullptr;
  }
  static const uint8_t* payload(const nlattr* a) { return reinterpret_cast<const uint8_t*>(a) + NLA_HDRLEN; }
  static const uint8_t* end_of(const nlattr* a) { return reinterpret_cast<const uint8_t*>(a) + a->nla_len; }
  static int fd_in(const uint8_t* begin, const uint8_t* end) {
    const auto* a = attr(begin, end, IFLA_NET_NS_FD);
    if (!a) return -1;
    int fd;
    std::memcpy(&fd, payload(a), sizeof fd);
    return fd;
  }
  // The namespace fds of a veth request's two ends (linux/veth.h: the peer's ifinfomsg and
  // attributes sit in IFLA_LINKINFO > IFLA_INFO_DATA > VETH_INFO_PEER); -1 where none is given.
  static std::pair<int, int> veth_fds(const uint8_t* begin, const uint8_t* end) {
    int peer = -1;
    if (const auto* info = attr(begin, end, IFLA_LINKINFO))
      if (const auto* data = attr(payload(info), end_of(info), IFLA_INFO_DATA))
        if (const auto* p = attr(payload(data), end_of(data), VETH_INFO_PEER))
          peer = fd_in(payload(p) + NLMSG_ALIGN(sizeof(ifinfomsg)), end_of(p));
    return {fd_in(begin, end), peer};
  }

  std::string node_of_fd(int fd, const std::string& otherwise) const {
    return fd >= 1000 && fd - 1000 < static_cast<int>(fds_.size()) ? fds_[fd - 1000] : otherwise;
  }

  netlink::Outcome execute_one(const std::string& node, netlink::Batch& batch, size_t i) {
    const auto& e = batch.entries()[i];
    if (!refuse_request.empty() && (e.what + " " + e.object).find(refuse_request) != std::string::npos)
      return {refuse_errno, "fake refusal"};
    std::lock_guard<std::mutex> hold(lock_);
    if (e.what == "create veth pair") {
      const auto* msg = batch.buffer().data() + e.offset;
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg);
      const uint8_t* attrs = msg + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
      const uint8_t* end = msg + nlh->nlmsg_len;
      std::string a_name = e.object.substr(0, e.object.find(" <-> "));
      std::string b_name = e.object.substr(e.object.find(" <-> ") + 5);
      auto [fd_a, fd_b] = veth_fds(attrs, end);
      std::string a = key(node_of_fd(fd_a, node), a_name);
      std::string b = key(node_of_fd(fd_b, node), b_name);
      if (state.peer.count(a) || state.peer.count(b)) return {EEXIST, ""};
      state.peer[a] = b;
      state.peer[b] = a;
    } else if (e.what.rfind("create VLAN ", 0) == 0) {
      const auto* msg = batch.buffer().data() + e.offset;
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg);
      const uint8_t* attrs = msg + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
      const auto* link = attr(attrs, msg + nlh->nlmsg_len, IFLA_LINK);
      if (!link) return {EINVAL, "no IFLA_LINK"};
      uint32_t parent_index;
      std::memcpy(&parent_index, payload(link), sizeof parent_index);
      std::string parent;
      for (const auto& l : links(node))
        if (l.index == static_cast<int>(parent_index)) parent = l.name;
      if (parent.empty() || !state.peer.count(key(node, parent))) return {ENODEV, "no parent"};
      if (state.vlans.count(key(node, e.object)) || state.peer.count(key(node, e.object))) return {EEXIST, ""};
      int id = std::stoi(e.what.substr(std::string("create VLAN ").size()));
      state.vlans[key(node, e.object)] = {key(node, parent), id};
    } else if (e.what == "delete link" && state.vlans.count(key(node, e.object))) {
      state.vlans.erase(key(node, e.object));
    } else if (e.what == "delete link") {
      auto it = state.peer.find(key(node, e.object));
      if (it == state.peer.end()) return {ENODEV, ""};
      state.qdiscs.erase(it->first);  // a link's qdiscs go with it
      state.qdiscs.erase(it->second);
      state.peer.erase(it->second);
      state.peer.erase(it);
      drop_orphan_vlans();
    } else if (e.what.rfind("set root qdisc", 0) == 0) {
      // Read back the way a dump reports it (the request and the dump share their layout).
      auto q = netlink::parse_root_qdisc(reinterpret_cast<const nlmsghdr*>(batch.buffer().data() + e.offset));
      if (!state.peer.count(key(node, e.object))) return {ENODEV, ""};
      if (!q) return {EINVAL, "not a root qdisc"};
      q->ifindex = 0;
      state.qdiscs[key(node, e.object)] = *q;
    } else if (e.what == "delete root qdisc of") {
      const auto* t = reinterpret_cast<const tcmsg*>(batch.buffer().data() + e.offset + NLMSG_HDRLEN);
      auto it = state.qdiscs.find(key(node, e.object));
      if (it == state.qdiscs.end()) return {ENOENT, "Cannot delete qdisc with handle of zero."};
      if (t->tcm_handle && t->tcm_handle != it->second.handle) return {EINVAL, "Invalid handle."};
      state.qdiscs.erase(it);
    } else if (e.what == "add address") {
      if (!state.addresses.insert(key(node, e.object)).second) return {EEXIST, ""};
    } else if (e.what == "delete address") {
      if (!state.addresses.erase(key(node, e.object))) return {EADDRNOTAVAIL, ""};
    } else if (e.what == "add route") {
      if (!state.routes.insert(key(node, e.object)).second) return {EEXIST, ""};
    } else if (e.what == "delete route") {
      if (!state.routes.erase(key(node, e.object))) return {ESRCH, ""};
    }
    return {};
  }

  std::mutex lock_;
  std::vector<std::string> fds_;
};

}  // namespace nswire::reconcile::fake
