// Tests that measure and sequences, for run_tests (test_runner.h). A measuring test has the
// machine to itself: an RTT/loss test is one paced probe (count echo requests `interval` apart),
// a throughput test one TCP transfer with nswire's own sender and receiver, a udp test one paced
// UDP load; their figures and bounds become the outcome's Measurement (probe/measure.h). A
// sequence runs its steps in order: tests as above, faults through the Session (the link's
// override recorded and applied, as `nswire link` does); links it took down and did not bring up
// are brought up when it ends, whatever happened.
#include <chrono>
#include <cstdio>
#include <set>

#include "nswire/error.h"
#include "nswire/netlink/units.h"
#include "nswire/probe/measure.h"
#include "test_runner.h"

namespace nswire::reconcile {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr uint16_t kThroughputPort = 5201, kUdpPort = 5202;

template <class T>
void bounds_into(const std::optional<Bounds<T>>& from, std::optional<T>& min, std::optional<T>& max) {
  if (!from) return;
  min = from->min;
  max = from->max;
}

probe::Bounds bounds_of(const ConnectivityTest& t) {
  probe::Bounds b;
  if (t.rtt) {
    if (t.rtt->min) b.rtt_min = duration_cast<microseconds>(*t.rtt->min);
    if (t.rtt->max) b.rtt_max = duration_cast<microseconds>(*t.rtt->max);
  }
  bounds_into(t.loss, b.loss_min, b.loss_max);
  bounds_into(t.throughput, b.throughput_min, b.throughput_max);
  if (t.udp) {
    bounds_into(std::optional(t.udp->loss), b.loss_min, b.loss_max);
    bounds_into(std::optional(t.udp->throughput), b.throughput_min, b.throughput_max);
  }
  return b;
}

std::string kind_of(const ConnectivityTest& t) {
  if (t.throughput) return "throughput";
  if (t.udp) return "udp " + netlink::format_rate(t.udp->rate_bps);
  return t.rtt && t.loss ? "rtt/loss" : t.rtt ? "rtt" : "loss";
}

milliseconds ms(std::chrono::nanoseconds d) { return duration_cast<milliseconds>(d); }

std::string seconds_text(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

probe::Outcome TestRunner::measure(const ConnectivityTest& t, const std::string& prefix) {
  auto [node, address] = target(t.from, t.to);
  probe::Outcome o{.name = prefix + (t.name.empty() ? t.from + " -> " + t.to + " " + kind_of(t) : t.name),
                   .from = t.from, .to = t.to, .address = address};
  const auto bounds = bounds_of(t);
  if (t.is_ping_measure()) {
    auto p = probe::paced_ping(ns(t.from), t.from, t.to, address, t.count, ms(t.interval), milliseconds(t.timeout_ms));
    o.result = probe::run({p}).front();
    o.measurement = probe::evaluate(o.result.stats, bounds);
    return o;
  }
  if (node.empty()) throw Error("test " + t.from + " -> " + t.to + ": no node holds " + address + " to receive");
  if (t.throughput) {
    probe::ThroughputRequest req{.from = ns(t.from), .to = ns(node), .from_label = t.from, .to_label = t.to,
                                 .address = address, .port = t.port ? static_cast<uint16_t>(t.port) : kThroughputPort};
    req.duration = t.duration.count() ? ms(t.duration) : kThroughputDuration;
    auto r = probe::measure_throughput(req);
    o.protocol = probe::Protocol::tcp;
    o.port = req.port;
    o.result = {.reached = r.connected, .detail = r.detail, .elapsed = r.window};
    o.measurement = probe::evaluate(r, bounds);
    return o;
  }
  probe::UdpLoadRequest req{.from = ns(t.from), .to = ns(node), .from_label = t.from, .to_label = t.to,
                            .address = address, .port = t.port ? static_cast<uint16_t>(t.port) : kUdpPort,
                            .rate_bps = t.udp->rate_bps};
  req.duration = t.duration.count() ? ms(t.duration) : kUdpDuration;
  auto start = std::chrono::steady_clock::now();
  auto r = probe::measure_udp_load(req);
  o.protocol = probe::Protocol::udp;
  o.port = req.port;
  o.result = {.reached = r.received > 0, .detail = r.detail,
              .elapsed = duration_cast<microseconds>(std::chrono::steady_clock::now() - start)};
  o.measurement = probe::evaluate(r, t.udp->rate_bps, bounds);
  return o;
}

probe::Outcome TestRunner::fault(const ConnectivityTest& step, const std::string& prefix) {
  const std::string what = "link " + step.link + " " + to_string(step.fault);
  probe::Outcome o{.name = prefix + to_string(step.fault) + " " + step.link, .from = step.link, .fault = true};
  probe::Measurement m{.expected = what};
  auto start = std::chrono::steady_clock::now();
  try {
    auto plan = step.fault == Fault::down ? session_.link_down(step.link) : session_.link_up(step.link);
    m.observed = std::string(to_string(step.fault)) + " (" + std::to_string(plan.actions.size()) + " change(s) in " +
                 seconds_text(std::chrono::steady_clock::now() - start) + ")";
    m.passed = true;
    for (const auto& a : plan.actions)
      o.result.detail += (o.result.detail.empty() ? "" : "; ") + std::string(to_string(a.op)) + " " + to_string(a.kind) +
                         " " + a.object + (a.detail.empty() ? "" : " (" + a.detail + ")");
    if (plan.actions.empty()) o.result.detail = "already so";
  } catch (const std::exception& e) {
    m.observed = "failed";
    m.violations.push_back(e.what());
    o.result.detail = e.what();
  }
  o.result.elapsed = duration_cast<microseconds>(std::chrono::steady_clock::now() - start);
  o.measurement = std::move(m);
  return o;
}

std::vector<probe::Outcome> TestRunner::sequence(const ConnectivityTest& t, size_t index) {
  const std::string name = t.name.empty() ? "sequence " + std::to_string(index) : t.name;
  std::vector<probe::Outcome> out;
  std::set<std::string> down;  // links this sequence holds down
  for (size_t i = 0; i < t.steps.size(); ++i) {
    const auto& step = t.steps[i];
    const std::string prefix = name + " / " + std::to_string(i + 1) + ". ";
    if (step.is_fault()) {
      out.push_back(fault(step, prefix));
      if (!out.back().passed()) break;  // the rest would not test what it says
      if (step.fault == Fault::down) down.insert(step.link);
      else down.erase(step.link);
    } else if (step.measures()) {
      out.push_back(measure(step, prefix));
    } else {
      auto outcomes = run_plain(step, prefix);
      out.insert(out.end(), outcomes.begin(), outcomes.end());
    }
  }
  // Whatever happened, the links go back up.
  for (const auto& link : down) {
    ConnectivityTest up{.fault = Fault::up, .link = link};
    auto o = fault(up, name + " / end: ");
    if (!o.passed()) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace nswire::reconcile
