// Observing the system for one lab: the namespaces it wants or recorded, and the bridges of
// every backend it uses or used. The thread enters each namespace in turn (run_in) and does all
// the reading there (a netlink socket for the dumps, /proc/sys/net for the sysctls).
#include "observe.h"
#include "two_threads.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <set>
#include <sstream>

#include "nswire/netlink/offload.h"
#include "nswire/netns/namespace.h"

namespace nswire::reconcile {
namespace {

std::string read_sysctl_here(const std::string& key) {
  std::ifstream f(netns::sysctl_path(key));
  std::string value;
  std::getline(f, value);
  return value;
}

// The root a link has until someone sets one: noqueue (veths, lo, bridges), noop (not up yet).
// A kind nswire sets (tbf, netem) or any other is read in full.
bool kernel_default_qdisc(const std::string& kind) { return kind.empty() || kind == "noqueue" || kind == "noop"; }

// TX checksum offload is read only when the lab turns it off (OVS on the userspace datapath):
// it is one ioctl per veth, and nothing else looks at it.
void read_here(ObservedNamespace& o, const std::map<std::string, std::string>& sysctls, bool checksums) {
  auto socket = netlink::Socket::open();
  o.exists = true;
  o.links = netlink::dump_links(socket);
  // One dump per family, not AF_UNSPEC: the kernel serves these without RTNL (since 6.9), so
  // they do not queue behind its own work, which right after a big `up` (IPv6 DAD on every new
  // link) holds RTNL often; an AF_UNSPEC dump always takes it.
  for (int family : {AF_INET, AF_INET6}) {
    auto addresses = netlink::dump_addresses(socket, family);
    o.addresses.insert(o.addresses.end(), addresses.begin(), addresses.end());
    auto routes = netlink::dump_routes(socket, family);
    o.routes.insert(o.routes.end(), routes.begin(), routes.end());
  }
  // Impairments: every link's root qdisc, ours or not. The link dump names each root's kind
  // (IFLA_QDISC); where every one is the kernel's default the qdisc dump would say no more, and
  // it is the one dump here that takes RTNL (queueing behind whatever holds it, machine-wide):
  // an in-sync lab of 2000 namespaces skips 2000 of them.
  if (!std::all_of(o.links.begin(), o.links.end(), [](const netlink::Link& l) { return kernel_default_qdisc(l.qdisc); }))
    for (auto& q : netlink::dump_root_qdiscs(socket))
      if (!q.is_default()) o.qdiscs.push_back(std::move(q));  // a default root says what no root says
  for (const auto& [key, value] : sysctls) o.sysctls[key] = read_sysctl_here(key);
  if (!checksums) return;
  for (const auto& l : o.links)
    if (l.kind == "veth")
      if (auto on = netlink::get_tx_checksum(l.name)) o.tx_checksum[l.name] = *on;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

std::optional<netns::Namespace> open_node_namespace(const std::string& node, const std::string& attach_path) {
  try {
    if (!attach_path.empty()) return netns::Namespace::open_path(attach_path);
    if (!netns::exists(node)) return std::nullopt;
    return netns::Namespace::open_named(node);
  } catch (const Error&) {
    if (!attach_path.empty()) throw;
    return std::nullopt;
  }
}

Observed observe(const Desired& desired, const std::optional<StateRecord>& record, Backends& backends) {
  Observed o;
  o.record = record;

  // Which namespaces: host, the wanted nodes, and what the record lists.
  std::map<std::string, std::string> nodes;  // node -> attach path ("" = named)
  std::map<std::string, std::map<std::string, std::string>> sysctls;
  for (const auto& n : desired.namespaces) {
    if (n.node.empty()) continue;
    nodes[n.node] = n.attach_path;
    sysctls[n.node] = n.sysctls;
  }
  // A namespace the lab made and no longer wants goes whole, with everything in it: whether it
  // exists and its id (to recognise the host ends of its veths) is all any plan needs of it,
  // and skipping its dumps is most of what makes `down` of a big lab quick.
  std::set<std::string> going;
  if (record) {
    for (const auto& n : record->namespaces)
      if (nodes.emplace(n, "").second) going.insert(n);
    for (const auto& [n, path] : record->attached) nodes.emplace(n, path);
  }
  read_here(o.namespaces[kHost], {}, desired.software_checksums);
  // Every namespace is read on its own (setns moves only the calling thread), so two threads
  // share them: the dumps are RTNL-free, and each thread's namespace switches, socket set-up and
  // parsing run on a core of their own. The map's entries are made here, filled there.
  std::vector<std::pair<const std::string*, ObservedNamespace*>> work;
  for (const auto& [node, path] : nodes) work.push_back({&node, &o.namespaces[node]});
  for (const auto& [node, path] : nodes) sysctls[node];  // no insertion from the threads below
  auto read_one = [&] {
    return [&, host = netlink::Socket::open()](size_t i) mutable {
      const std::string& node = *work[i].first;
      auto& on = *work[i].second;
      auto ns = open_node_namespace(node, nodes.at(node));
      if (ns) {
        if (going.count(node)) on.exists = true;
        else netns::run_in(*ns, [&] { read_here(on, sysctls.at(node), desired.software_checksums); });
        on.nsid = netlink::namespace_id(host, ns->fd());
      }
      on.resolv_conf = read_file(netns::resolv_conf_path(node));
      on.resolv_conf_cut_short = ::access(netns::resolv_conf_temporary_path(node).c_str(), F_OK) == 0;
    };
  };
  auto failure = for_each_index(0, work.size(), work.size() > 16, read_one);
  if (failure) std::rethrow_exception(failure);

  // Which backends: those cheap to observe always (netlink only), the others when the lab uses or
  // used them.
  std::set<std::string> names;
  for (const auto& b : desired.backends)
    if (b.traits.observe_always) names.insert(b.name);
  for (const auto& b : desired.bridges) names.insert(b.backend);
  if (record) names.insert(record->backends.begin(), record->backends.end());
  for (const auto& name : names) o.bridges[name] = backends.get(name).observe();
  return o;
}

}  // namespace nswire::reconcile
