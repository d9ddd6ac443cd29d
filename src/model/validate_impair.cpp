// Whole-lab checks for link impairments (the netlink layer's rules of an impairment, and a
// device to put it on) and for tests that measure, sequences and their faults.
#include <chrono>
#include <cstdio>

#include "nswire/netlink/tc.h"
#include "nswire/netlink/units.h"
#include "validator.h"

namespace nswire::model {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool impaired(const Link& l) {
  for (const auto& i : l.impairment)
    if (i && !i->value.empty()) return true;
  return false;
}

std::string text(std::chrono::nanoseconds d) { return netlink::format_duration(d); }
std::string text(uint64_t bps) { return netlink::format_rate(bps); }
std::string text(double percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g%%", percent);
  return buf;
}

// The node that holds `address` on an interface or a link end, or nullptr.
const Node* holder(const Lab& lab, const IpAddress& address) {
  for (const auto& n : lab.nodes)
    for (const auto* i : all_interfaces(n))
      for (const auto& a : i->addresses)
        if (a.address() == address) return &n;
  for (const auto& l : lab.links)
    for (int k = 0; k < 2; ++k)
      if (l.endpoints[k].kind == EndpointKind::node)
        for (const auto& a : l.addresses[k])
          if (a.address() == address) return find_node(lab, l.endpoints[k].node);
  return nullptr;
}

}  // namespace

bool Validator::native_patch(const Link& l) const {
  if (l.endpoints[0].kind != EndpointKind::bridge || l.endpoints[1].kind != EndpointKind::bridge) return false;
  if (l.patch == Patch::native) return true;
  if (l.patch == Patch::veth || impaired(l)) return false;  // flatten joins an impaired pair with a veth
  auto a = bridges_.find(l.endpoints[0].bridge), b = bridges_.find(l.endpoints[1].bridge);
  if (a == bridges_.end() || b == bridges_.end()) return false;
  const auto* traits = traits_of(*a->second);
  return effective_backend(lab_, *a->second) == effective_backend(lab_, *b->second) && traits && traits->native_patches;
}

void Validator::check_impairment(const ImpairmentSpec& spec, const std::string& ctx) {
  for (const auto& p : netlink::problems(spec.value)) error(spec.loc, ctx, "netem: " + p);
}

void Validator::check_impairments() {
  for (const auto& n : lab_.nodes)
    for (const auto& i : n.interfaces)
      if (i.impairment) {
        std::string ctx = "node " + quoted(n.name) + ": interface " + quoted(i.name);
        check_impairment(*i.impairment, ctx);
        // Both would own the root qdisc of the port's device: the switch's shaper and nswire's.
        if (i.port.qos)
          error(i.option_keys.count("qos") ? i.option_keys.at("qos") : i.impairment->loc, ctx,
                "qos: and netem:/rate: both shape this interface (the switch's shaper and nswire's qdisc on one "
                "device): use one of them");
      }
  for (const auto& l : lab_.links) {
    std::string ctx = "link " + quoted(link_name(l));
    for (const auto& i : l.impairment)
      if (i) check_impairment(*i, ctx);
    if (impaired(l) && l.patch == Patch::native)
      error(l.loc, ctx, "an impairment needs a device, and a native patch has none: join the bridges with patch: veth");
  }
}

void Validator::check_timing(const ConnectivityTest& t, const std::string& ctx) {
  if (t.duration.count() && !t.throughput && !t.udp) error(t.loc, ctx, "duration is for throughput and udp tests");
  if (t.interval != ConnectivityTest{}.interval && !t.is_ping_measure())
    error(t.loc, ctx, "interval is for rtt and loss tests (the time between echo requests)");
}

void Validator::check_measure(const ConnectivityTest& t, const std::string& ctx) {
  if (t.is_mesh()) error(t.loc, ctx, "a measuring test runs between one pair: give \"from\" and \"to\", not \"mesh\"");
  if (t.expect == Expect::unreachable)
    error(t.loc, ctx, "a measuring test needs a working path: drop expect: unreachable (or test reachability apart)");
  int kinds = (t.rtt || t.loss ? 1 : 0) + (t.throughput ? 1 : 0) + (t.udp ? 1 : 0);
  if (kinds > 1) error(t.loc, ctx, "one measurement per test: rtt and loss, throughput, or udp");
  if (t.proto != Proto::icmp)
    error(t.loc, ctx, "a measuring test takes no proto (rtt and loss use ICMP echo, throughput TCP, udp UDP)");
  if ((t.throughput || t.udp) && !t.is_mesh() && !nodes_.count(t.to)) {
    auto ip = IpAddress::parse(t.to);
    if (ip && !holder(lab_, *ip))
      error(t.loc, ctx, std::string(t.throughput ? "throughput" : "udp") + " needs nswire's receiver in a node: \"to\" " +
                            quoted(t.to) + " is no node's address");
  }
  auto order = [&](const char* what, const auto& b) {
    if (b.min && b.max && *b.min > *b.max)
      error(t.loc, ctx, std::string(what) + " min " + text(*b.min) + " above max " + text(*b.max));
  };
  if (t.rtt) order("rtt", *t.rtt);
  if (t.loss) order("loss", *t.loss);
  if (t.throughput) order("throughput", *t.throughput);
  if (t.udp) {
    order("udp loss", t.udp->loss);
    order("udp throughput", t.udp->throughput);
  }
  if (t.is_ping_measure() && (t.interval < milliseconds(1) || t.interval > seconds(10)))
    error(t.loc, ctx, "interval " + text(t.interval) + " out of range 1ms..10s");
  if ((t.throughput || t.udp) && t.duration.count() && (t.duration < milliseconds(100) || t.duration > seconds(60)))
    error(t.loc, ctx, "duration " + text(t.duration) + " out of range 100ms..60s");
  if (t.port != 0 && (t.port < 1 || t.port > 65535)) error(t.loc, ctx, "port " + std::to_string(t.port) + " out of range 1..65535");
}

void Validator::check_sequence(const ConnectivityTest& t, const std::string& ctx) {
  for (size_t i = 0; i < t.steps.size(); ++i) {
    const auto& s = t.steps[i];
    std::string sctx = ctx + " step " + std::to_string(i + 1);
    if (!s.is_fault()) sctx += s.is_mesh() ? " (mesh)" : " (" + s.from + " -> " + s.to + ")";
    check_test(s, sctx);
  }
}

void Validator::check_fault(const ConnectivityTest& t, const std::string& ctx) {
  auto named = resolve_link_name(lab_, t.link);
  std::string what = std::string(to_string(t.fault)) + " " + quoted(t.link);
  if (!named) {
    error(t.loc, ctx, what + ": names no interface or link of the lab (NODE:IF, host:IF or BRIDGE:BRIDGE)");
    return;
  }
  if (named->kind == LinkName::Kind::bridges && native_patch(*named->link))
    error(t.loc, ctx, what + ": a native patch has no device to take down; join the bridges with patch: veth");
}

}  // namespace nswire::model
