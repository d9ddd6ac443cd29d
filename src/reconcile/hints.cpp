// Hints that tell why probes fail (see include/nswire/reconcile/hints.h). Pure.
#include "nswire/reconcile/hints.h"

#include <sys/socket.h>

#include <algorithm>
#include <map>

namespace nswire::reconcile {
namespace {

// The lab's L2 segments: bridges joined by bridge-to-bridge links or native patches, and the
// node interfaces plugged into each.
struct Segments {
  std::map<std::string, std::string> parent;  // union-find over bridge names
  struct Member {
    std::string ns, ifname;  // a node interface, or (kHost, bridge name) for the bridge itself
  };
  std::map<std::string, std::vector<Member>> members;  // segment root -> members
  std::vector<Member> link_ends;                       // node-to-node links, two ends each

  std::string root(const std::string& b) {
    auto it = parent.find(b);
    if (it == parent.end()) return parent[b] = b;
    if (it->second == b) return b;
    return it->second = root(it->second);
  }
  void join(const std::string& a, const std::string& b) { parent[root(a)] = root(b); }
  // Every bridge of the segment `bridge` is on.
  std::set<std::string> bridges_of(const std::string& bridge) {
    std::set<std::string> out;
    std::string r = root(bridge);
    for (auto& [b, p] : parent)
      if (root(b) == r) out.insert(b);
    return out;
  }
};

Segments segments_of(const Desired& d) {
  Segments s;
  for (const auto& b : d.bridges) s.root(b.name);
  for (const auto& v : d.veths)
    if (!v.a.bridge.empty() && !v.b.bridge.empty()) s.join(v.a.bridge, v.b.bridge);
  for (const auto& p : d.patches) s.join(p.bridge_a, p.bridge_b);
  for (const auto& b : d.bridges) s.members[s.root(b.name)].push_back({model::kHost, b.name});
  for (const auto& v : d.veths) {
    const auto& [a, b] = std::tie(v.a, v.b);
    if (!a.bridge.empty() && b.bridge.empty() && b.ns != model::kHost) s.members[s.root(a.bridge)].push_back({b.ns, b.ifname});
    if (!b.bridge.empty() && a.bridge.empty() && a.ns != model::kHost) s.members[s.root(b.bridge)].push_back({a.ns, a.ifname});
    if (a.bridge.empty() && b.bridge.empty()) {
      s.link_ends.push_back({a.ns, a.ifname});
      s.link_ends.push_back({b.ns, b.ifname});
    }
  }
  return s;
}

// Whether the interface has an address of `family` in the lab.
bool has_family(const Desired& d, const Segments::Member& m, int family) {
  const auto* ns = d.find_namespace(m.ns);
  if (!ns) return false;
  auto it = ns->addresses.find(m.ifname);
  if (it == ns->addresses.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const IpPrefix& p) { return p.family == family; });
}

std::size_t next_power_of_two(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

NeighbourNeed neighbour_need(const Desired& d) {
  Segments s = segments_of(d);
  NeighbourNeed need;
  for (const auto& [root, members] : s.members) {
    std::size_t n4 = 0, n6 = 0, any = 0;
    for (const auto& m : members) {
      bool v4 = has_family(d, m, AF_INET), v6 = has_family(d, m, AF_INET6);
      n4 += v4;
      n6 += v6;
      any += (v4 || v6);
    }
    need.ipv4 += n4 > 1 ? n4 * (n4 - 1) : 0;
    need.ipv6 += n6 > 1 ? n6 * (n6 - 1) : 0;
    need.largest_segment = std::max(need.largest_segment, any);
  }
  for (std::size_t i = 0; i + 1 < s.link_ends.size(); i += 2) {
    const auto &a = s.link_ends[i], &b = s.link_ends[i + 1];
    if (has_family(d, a, AF_INET) && has_family(d, b, AF_INET)) need.ipv4 += 2;
    if (has_family(d, a, AF_INET6) && has_family(d, b, AF_INET6)) need.ipv6 += 2;
  }
  return need;
}

std::vector<std::string> neighbour_hints(const std::vector<netlink::NeighbourTable>& tables, const NeighbourNeed& need) {
  std::vector<std::string> out;
  for (const auto& t : tables) {
    if (t.gc_thresh3 == 0 || (t.family != AF_INET && t.family != AF_INET6)) continue;
    bool v4 = t.family == AF_INET;
    std::string family = v4 ? "IPv4" : "IPv6";
    std::string sysctl = v4 ? "net.ipv4.neigh.default.gc_thresh3" : "net.ipv6.neigh.default.gc_thresh3";
    std::size_t needed = v4 ? need.ipv4 : need.ipv6;
    std::size_t limit = t.gc_thresh3;
    std::size_t raise = next_power_of_two(std::max({2 * limit, 2 * needed, 2 * static_cast<std::size_t>(t.entries)}));
    std::string how = "raise it: sysctl -w " + sysctl + "=" + std::to_string(raise) +
                      " (and gc_thresh2, gc_thresh1 below it; machine-wide, in the init namespace)";
    if (std::size_t{t.entries} * 10 >= limit * 9) {
      out.push_back("the machine's " + family + " neighbour table is nearly full: " + std::to_string(t.entries) +
                    " entries of the " + std::to_string(limit) + " that " + sysctl +
                    " allows. Every namespace shares it and entries of deleted namespaces linger until "
                    "garbage-collected, so new neighbours fail to resolve (the kernel logs \"neighbor table "
                    "overflow\") and probes time out; " + how);
    }
    if (needed > limit) {
      out.push_back("this lab may need about " + std::to_string(needed) + " " + family +
                    " neighbour entries (n·(n−1) for the n interfaces with an " + family +
                    " address on each bridged segment, the largest having " + std::to_string(need.largest_segment) +
                    ", and 2 per node-to-node link), more than the " + std::to_string(limit) + " that " + sysctl +
                    " allows machine-wide; " + how);
    }
  }
  return out;
}

std::set<std::string> bridges_crossed(const Desired& d, const FailedProbe& probe) {
  Segments s = segments_of(d);
  std::set<std::string> out;
  auto add = [&](const std::string& bridge) {
    auto bs = s.bridges_of(bridge);
    out.insert(bs.begin(), bs.end());
  };
  for (const auto& [root, members] : s.members)
    for (const auto& m : members)
      if ((m.ns == probe.from && m.ns != model::kHost) || (!probe.to_node.empty() && m.ns == probe.to_node)) add(root);
  if (probe.to_node.empty() && !probe.address.empty()) {
    auto target = IpAddress::parse(probe.address);
    const auto* host = d.find_namespace(model::kHost);
    if (target && host)
      for (const auto& b : d.bridges)
        if (auto it = host->addresses.find(b.name); it != host->addresses.end())
          for (const auto& p : it->second)
            if (p.address() == *target) add(b.name);
  }
  return out;
}

std::vector<backend::Warning> warnings_for(const std::vector<backend::Warning>& warnings, const Desired& d,
                                           const std::vector<FailedProbe>& failed) {
  std::map<std::string, std::string> backend_of;
  for (const auto& b : d.bridges) backend_of[b.name] = b.backend;
  std::set<std::string> crossed_backends;
  for (const auto& f : failed)
    for (const auto& b : bridges_crossed(d, f)) crossed_backends.insert(backend_of[b]);
  std::vector<backend::Warning> out;
  for (const auto& w : warnings)
    if (!failed.empty() && (!w.bridged_traffic_only || crossed_backends.count(w.backend))) out.push_back(w);
  return out;
}

}  // namespace nswire::reconcile
