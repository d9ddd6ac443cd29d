// Figures against bounds, for reports; see include/nswire/probe/measure.h. Pure: no I/O.
#include <cstdio>

#include "nswire/probe/measure.h"

namespace nswire::probe {
namespace {

using std::chrono::microseconds;

std::string ms(microseconds us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(us.count()) / 1000.0);
  return buf;
}

// "0.052", milliseconds with microsecond digits, as ping prints them.
std::string number(microseconds us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(us.count()) / 1000.0);
  return buf;
}

// Bounds as a lab file writes them: "5ms", "500us".
std::string bound_duration(microseconds us) {
  if (us.count() % 1000000 == 0) return std::to_string(us.count() / 1000000) + "s";
  if (us.count() % 1000 == 0) return std::to_string(us.count() / 1000) + "ms";
  return std::to_string(us.count()) + "us";
}

std::string percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g%%", p);
  return buf;
}

std::string rate(uint64_t bps) {
  char buf[32];
  if (bps >= 1000000000) std::snprintf(buf, sizeof buf, "%.2f gbit/s", static_cast<double>(bps) / 1e9);
  else if (bps >= 1000000) std::snprintf(buf, sizeof buf, "%.2f mbit/s", static_cast<double>(bps) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f kbit/s", static_cast<double>(bps) / 1e3);
  return buf;
}

std::string bound_rate(uint64_t bps) {
  for (auto [name, size] : {std::pair{"gbit", 1000000000ULL}, {"mbit", 1000000ULL}, {"kbit", 1000ULL}})
    if (bps % size == 0) return std::to_string(bps / size) + name;
  return std::to_string(bps) + "bit";
}

void add(std::string& list, const std::string& item) { list += (list.empty() ? "" : ", ") + item; }

void check_loss(Measurement& m, double loss, const Bounds& b) {
  if (b.loss_min) {
    add(m.expected, "loss >= " + percent(*b.loss_min));
    if (loss < *b.loss_min) m.violations.push_back("loss " + percent(loss) + " below " + percent(*b.loss_min));
  }
  if (!b.loss_max) return;
  add(m.expected, "loss <= " + percent(*b.loss_max));
  if (loss > *b.loss_max) m.violations.push_back("loss " + percent(loss) + " above " + percent(*b.loss_max));
}

void check_throughput(Measurement& m, uint64_t bps, const Bounds& b) {
  if (b.throughput_min) {
    add(m.expected, "throughput >= " + bound_rate(*b.throughput_min));
    if (bps < *b.throughput_min)
      m.violations.push_back("throughput " + rate(bps) + " below " + bound_rate(*b.throughput_min));
  }
  if (b.throughput_max) {
    add(m.expected, "throughput <= " + bound_rate(*b.throughput_max));
    if (bps > *b.throughput_max)
      m.violations.push_back("throughput " + rate(bps) + " above " + bound_rate(*b.throughput_max));
  }
}

void finish(Measurement& m) {
  if (m.expected.empty()) m.expected = "measured";
  m.passed = m.violations.empty();
}

}  // namespace

Probe paced_ping(const netns::Namespace* from, std::string from_label, std::string to_label, std::string address,
                 int count, std::chrono::milliseconds interval, std::chrono::milliseconds timeout) {
  Probe p;
  p.from = from;
  p.from_label = std::move(from_label);
  p.to_label = std::move(to_label);
  p.address = std::move(address);
  p.protocol = Protocol::icmp;
  p.count = count;
  p.interval = interval;
  p.timeout = timeout;
  return p;
}

Measurement evaluate(const RttStats& s, const Bounds& b) {
  Measurement m;
  const double loss = s.loss_percent();
  if (s.received > 0)
    m.observed = "rtt min/avg/max/mdev " + number(s.min) + "/" + number(s.avg) + "/" + number(s.max) + "/" +
                 number(s.mdev) + " ms";
  else
    m.observed = "no replies";
  m.observed += ", loss " + percent(loss) + " (" + std::to_string(s.sent - s.received) + "/" +
                std::to_string(s.sent) + ")";
  if (b.rtt_min) {
    add(m.expected, "rtt >= " + bound_duration(*b.rtt_min));
    if (s.received == 0) m.violations.push_back("no round trip to measure");
    else if (s.min < *b.rtt_min) m.violations.push_back("rtt min " + ms(s.min) + " below " + bound_duration(*b.rtt_min));
  }
  if (b.rtt_max) {
    add(m.expected, "rtt <= " + bound_duration(*b.rtt_max));
    if (s.received == 0) m.violations.push_back("no round trip to measure");
    else if (s.max > *b.rtt_max) m.violations.push_back("rtt max " + ms(s.max) + " above " + bound_duration(*b.rtt_max));
  }
  check_loss(m, loss, b);
  m.figures = {{"sent", s.sent}, {"received", s.received}, {"loss_percent", loss}};
  if (s.received > 0)
    m.figures["rtt_us"] = {{"min", s.min.count()}, {"avg", s.avg.count()}, {"max", s.max.count()}, {"mdev", s.mdev.count()}};
  finish(m);
  return m;
}

Measurement evaluate(const ThroughputResult& r, const Bounds& b) {
  Measurement m;
  m.observed = r.connected ? "throughput " + rate(r.bits_per_second) + " (" + r.detail + ")" : r.detail;
  if (!r.connected) m.violations.push_back("no transfer: " + r.detail);
  check_throughput(m, r.bits_per_second, b);
  m.figures = {{"bits_per_second", r.bits_per_second}, {"bytes", r.bytes}, {"window_us", r.window.count()}};
  finish(m);
  return m;
}

Measurement evaluate(const UdpLoadResult& r, uint64_t rate_bps, const Bounds& b) {
  Measurement m;
  const double loss = r.loss_percent();
  m.observed = "udp at " + rate(r.sent_bps) + " (asked " + bound_rate(rate_bps) + "): loss " + percent(loss) + " (" +
               std::to_string(r.sent - r.received) + "/" + std::to_string(r.sent) + ")";
  if (r.duplicates) m.observed += ", " + std::to_string(r.duplicates) + " duplicates";
  if (r.reordered) m.observed += ", " + std::to_string(r.reordered) + " reordered";
  if (b.throughput_min || b.throughput_max) m.observed += ", received " + rate(r.received_bps);
  if (r.sent == 0) m.violations.push_back("nothing sent: " + r.detail);
  check_loss(m, loss, b);
  check_throughput(m, r.received_bps, b);
  m.figures = {{"sent", r.sent},          {"received", r.received},       {"duplicates", r.duplicates},
               {"reordered", r.reordered}, {"send_errors", r.send_errors}, {"sent_bps", r.sent_bps},
               {"received_bps", r.received_bps}, {"rate_bps", rate_bps},   {"loss_percent", loss}};
  finish(m);
  return m;
}

}  // namespace nswire::probe
