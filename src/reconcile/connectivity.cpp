// Lab tests -> probes -> outcomes; see include/nswire/reconcile/connectivity.h.
#include "nswire/reconcile/connectivity.h"

#include <map>
#include <memory>

#include "nswire/error.h"
#include "nswire/model/hosts.h"
#include "nswire/probe/probe.h"

namespace nswire::reconcile {
namespace {

probe::Protocol protocol_of(Proto p) {
  switch (p) {
    case Proto::tcp: return probe::Protocol::tcp;
    case Proto::udp: return probe::Protocol::udp;
    default: return probe::Protocol::icmp;
  }
}

// The node that holds `address` on one of its interfaces or link ends, or "".
std::string owner_of(const Lab& lab, const IpAddress& address) {
  for (const auto& n : lab.nodes) {
    for (const auto& i : n.interfaces)
      for (const auto& a : i.addresses)
        if (a.address() == address) return n.name;
  }
  for (const auto& l : lab.links)
    for (int k = 0; k < 2; ++k)
      if (l.endpoints[k].kind == EndpointKind::node)
        for (const auto& a : l.addresses[k])
          if (a.address() == address) return l.endpoints[k].node;
  return {};
}

}  // namespace

std::vector<probe::Outcome> run_tests(Session& session, const ProgressSteps& steps) {
  const Lab& lab = session.lab();
  // A lab across hosts: the probes that start on this host (their `from` node lives here); a
  // listener for TCP/UDP only where the target node lives here too.
  const Placement placement = place(lab);
  auto here = [&](const std::string& node) {
    auto it = placement.node_host.find(node);
    return lab.hosts.empty() || (it != placement.node_host.end() && it->second == session.host());
  };
  std::map<std::string, std::unique_ptr<netns::Namespace>> handles;
  auto ns = [&](const std::string& node) -> const netns::Namespace* {
    auto& h = handles[node];
    if (!h) h = std::make_unique<netns::Namespace>(session.open_node(node));
    return h.get();
  };

  std::vector<probe::Probe> probes;
  std::vector<probe::Outcome> outcomes;
  auto add = [&](const ConnectivityTest& t, const std::string& from, const std::string& to) {
    std::string target_node, address;
    if (const Node* n = find_node(lab, to)) {
      auto a = first_address(lab, *n);
      if (!a) throw Error("test " + from + " -> " + to + ": node \"" + to + "\" has no address");
      target_node = to;
      address = a->address().to_string();
    } else if (auto ip = IpAddress::parse(to)) {
      address = ip->to_string();
      target_node = owner_of(lab, *ip);
    } else {
      throw Error("test " + from + " -> " + to + ": \"" + to + "\" is neither a node nor an IP address");
    }
    probe::Probe p{.from = ns(from), .from_label = from, .to_label = to, .address = address,
                   .protocol = protocol_of(t.proto), .port = static_cast<uint16_t>(t.port), .count = t.count,
                   .timeout = std::chrono::milliseconds(t.timeout_ms)};
    if (t.proto != Proto::icmp && !target_node.empty() && here(target_node)) {
      p.listen = true;
      p.listen_in = ns(target_node);
    }
    probes.push_back(p);
    std::string name = from + " -> " + to;
    if (t.proto != Proto::icmp) name += " " + std::string(to_string(t.proto)) + "/" + std::to_string(t.port);
    outcomes.push_back({.name = name, .from = from, .to = to, .address = address, .protocol = p.protocol,
                        .port = p.port, .expect_reachable = t.expect == Expect::reachable});
  };
  for (const auto& t : lab.tests) {
    if (t.is_mesh()) {
      for (const auto& a : t.mesh)
        for (const auto& b : t.mesh)
          if (a != b && here(a)) add(t, a, b);
    } else if (here(t.from)) {
      add(t, t.from, t.to);
    }
  }
  probe::Options options;
  if (steps) {
    steps({"probes", 0, probes.size()});
    options.progress = [&](size_t done, size_t total) { steps({"probes", done, total}); };
  }
  auto results = probe::run(probes, options);
  for (size_t i = 0; i < results.size(); ++i) outcomes[i].result = results[i];
  return outcomes;
}

}  // namespace nswire::reconcile
