// Lab tests -> probes -> outcomes; see include/nswire/reconcile/connectivity.h. Pair tests and
// meshes become probes that all run together in one event loop; tests that measure and
// sequences are measure_tests.cpp's.
#include "nswire/reconcile/connectivity.h"

#include "nswire/error.h"
#include "nswire/model/hosts.h"
#include "test_runner.h"

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
    for (const auto* i : all_interfaces(n))
      for (const auto& a : i->addresses)
        if (a.address() == address) return n.name;
  }
  for (const auto& l : lab.links)
    for (int k = 0; k < 2; ++k)
      if (l.endpoints[k].kind == EndpointKind::node)
        for (const auto& a : l.addresses[k])
          if (a.address() == address) return l.endpoints[k].node;
  return {};
}

bool plain(const ConnectivityTest& t) { return !t.measures() && !t.is_sequence(); }

}  // namespace

TestRunner::TestRunner(Session& session, ProgressSteps steps)
    : session_(session), lab_(session.lab()), steps_(std::move(steps)) {
  if (!lab_.hosts.empty()) node_host_ = place(lab_).node_host;
}

bool TestRunner::here(const std::string& node) const {
  if (lab_.hosts.empty()) return true;
  auto it = node_host_.find(node);
  return it != node_host_.end() && it->second == session_.host();
}

const netns::Namespace* TestRunner::ns(const std::string& node) {
  auto& h = handles_[node];
  if (!h) h = std::make_unique<netns::Namespace>(session_.open_node(node));
  return h.get();
}

TestRunner::Target TestRunner::target(const std::string& from, const std::string& to) const {
  if (const Node* n = find_node(lab_, to)) {
    auto a = first_address(lab_, *n);
    if (!a) throw Error("test " + from + " -> " + to + ": node \"" + to + "\" has no address");
    return {to, a->address().to_string()};
  }
  if (auto ip = IpAddress::parse(to)) return {owner_of(lab_, *ip), ip->to_string()};
  throw Error("test " + from + " -> " + to + ": \"" + to + "\" is neither a node nor an IP address");
}

void TestRunner::add_probes(const ConnectivityTest& t, const std::string& prefix, std::vector<probe::Probe>& probes,
                            std::vector<probe::Outcome>& outcomes) {
  auto add = [&](const std::string& from, const std::string& to) {
    auto [target_node, address] = target(from, to);
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
    if (!t.name.empty()) name = t.name + (t.is_mesh() ? ": " + name : "");
    outcomes.push_back({.name = prefix + name, .from = from, .to = to, .address = address, .protocol = p.protocol,
                        .port = p.port, .expect_reachable = t.expect == Expect::reachable});
  };
  if (t.is_mesh()) {
    for (const auto& a : t.mesh)
      for (const auto& b : t.mesh)
        if (a != b && here(a)) add(a, b);
  } else if (here(t.from)) {
    add(t.from, t.to);
  }
}

std::vector<probe::Outcome> TestRunner::run_plain(const ConnectivityTest& t, const std::string& prefix) {
  std::vector<probe::Probe> probes;
  std::vector<probe::Outcome> outcomes;
  add_probes(t, prefix, probes, outcomes);
  auto results = probe::run(probes);
  for (size_t i = 0; i < results.size(); ++i) outcomes[i].result = results[i];
  return outcomes;
}

std::vector<probe::Outcome> TestRunner::run() {
  const auto& tests = lab_.tests;
  std::vector<std::vector<probe::Outcome>> slots(tests.size());
  // Plain tests: every probe at once, in one loop.
  std::vector<probe::Probe> probes;
  std::vector<probe::Outcome> outcomes;
  std::vector<std::pair<size_t, size_t>> ranges(tests.size());  // per test: [first, last) of outcomes
  for (size_t i = 0; i < tests.size(); ++i) {
    ranges[i].first = outcomes.size();
    if (plain(tests[i])) add_probes(tests[i], "", probes, outcomes);
    ranges[i].second = outcomes.size();
  }
  probe::Options options;
  if (steps_) {
    steps_({"probes", 0, probes.size()});
    options.progress = [&](size_t done, size_t total) { steps_({"probes", done, total}); };
  }
  auto results = probe::run(probes, options);
  for (size_t i = 0; i < results.size(); ++i) outcomes[i].result = results[i];
  for (size_t i = 0; i < tests.size(); ++i)
    slots[i].assign(outcomes.begin() + static_cast<long>(ranges[i].first), outcomes.begin() + static_cast<long>(ranges[i].second));
  // Measurements need the machine to themselves: one at a time, after the rest.
  for (size_t i = 0; i < tests.size(); ++i)
    if (tests[i].measures() && here(tests[i].from)) slots[i].push_back(measure(tests[i], ""));
  // A sequence's faults act on this host's links: a lab across hosts runs it on the host of its
  // first step's `from` node.
  for (size_t i = 0; i < tests.size(); ++i)
    if (tests[i].is_sequence() && sequence_here(tests[i])) slots[i] = sequence(tests[i], i + 1);
  std::vector<probe::Outcome> all;
  for (auto& s : slots) all.insert(all.end(), std::make_move_iterator(s.begin()), std::make_move_iterator(s.end()));
  return all;
}

bool TestRunner::sequence_here(const ConnectivityTest& t) const {
  for (const auto& step : t.steps)
    if (!step.from.empty()) return here(step.from);
    else if (!step.mesh.empty()) return here(step.mesh.front());
  return lab_.hosts.empty();
}

std::vector<probe::Outcome> run_tests(Session& session, const ProgressSteps& steps) {
  return TestRunner(session, steps).run();
}

}  // namespace nswire::reconcile
