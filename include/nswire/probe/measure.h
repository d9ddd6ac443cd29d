// Tests that measure: RTT and loss over paced ICMP echoes, TCP throughput with nswire's own
// sender and receiver (no iperf), and UDP loss at a given sending rate; each figure checked
// against bounds a lab file states (`rtt: { max: 5ms }`, `loss: { max: 2% }`,
// `throughput: { min: 80mbit }`). Every request is a plain value, every run returns a plain
// value, and evaluate() turns figures and bounds into a Measurement that the reports print.
//
// RTT and loss run on the probe engine (Probe with interval > 0: paced like ping, every round trip
// kept), so many of them run at once. Throughput and UDP load each run alone in one event loop on
// the caller's thread: both ends' sockets are opened inside their namespaces and driven from here,
// and the receiving end is where the figures are counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nswire/probe/probe.h"

namespace nswire::netns {
class Namespace;
}

namespace nswire::probe {

// A ping-like probe: `count` echo requests `interval` apart, `timeout` for the last answer.
Probe paced_ping(const netns::Namespace* from, std::string from_label, std::string to_label, std::string address,
                 int count, std::chrono::milliseconds interval, std::chrono::milliseconds timeout = std::chrono::seconds(1));

// TCP bulk transfer from `from` to a receiver nswire opens on address:port in `to`.
struct ThroughputRequest {
  const netns::Namespace* from = nullptr;  // nullptr: the caller's namespace
  const netns::Namespace* to = nullptr;
  std::string from_label, to_label;
  std::string address;  // the receiver's address (IPv4 or IPv6 literal), in `to`
  uint16_t port = 5201;
  std::chrono::milliseconds warmup{500};    // received before the window opens; not counted
  std::chrono::milliseconds duration{2000}; // the measured window, at the receiver
  std::chrono::milliseconds connect_timeout{2000};
};

struct ThroughputResult {
  bool connected = false;
  std::string detail;          // "12.50 MB in 2.00 s", "connection refused", ...
  uint64_t bytes = 0;          // received inside the window
  std::chrono::microseconds window{0};
  uint64_t bits_per_second = 0;
  bool operator==(const ThroughputResult&) const = default;
};

// Throws nswire::Error for invalid requests (bad address, zero port or duration) and setup
// failures (cannot bind the receiver); connectivity failures are results.
ThroughputResult measure_throughput(const ThroughputRequest& request);

// UDP datagrams from `from` to a counter nswire opens on address:port in `to`, paced at `rate_bps`
// (counted over UDP payload bytes) for `duration`; the counter waits `drain` after the last one.
struct UdpLoadRequest {
  const netns::Namespace* from = nullptr;
  const netns::Namespace* to = nullptr;
  std::string from_label, to_label;
  std::string address;
  uint16_t port = 5202;
  uint64_t rate_bps = 10000000;
  std::size_t payload = 1200;  // bytes per datagram, at least 24 (cookie + sequence number)
  std::chrono::milliseconds duration{1000};
  std::chrono::milliseconds drain{200};
};

struct UdpLoadResult {
  uint64_t sent = 0;
  uint64_t received = 0;       // distinct sequence numbers (duplicates not counted twice)
  uint64_t duplicates = 0;
  uint64_t reordered = 0;      // arrived after a later one
  uint64_t send_errors = 0;    // sends the kernel refused (ENOBUFS, ENETUNREACH, ...)
  uint64_t sent_bps = 0;       // what the pacer achieved, payload bits per second
  // What arrived, payload bits per second between the first and the last arrival (a rate the
  // path imposes shows here when sending above it).
  uint64_t received_bps = 0;
  std::string detail;
  bool operator==(const UdpLoadResult&) const = default;
  double loss_percent() const;
};

UdpLoadResult measure_udp_load(const UdpLoadRequest& request);

// What a lab test asks of the figures; unset bounds are not checked.
struct Bounds {
  std::optional<std::chrono::microseconds> rtt_min;  // every round trip at least this (a delay holds)
  std::optional<std::chrono::microseconds> rtt_max;  // every round trip at most this
  std::optional<double> loss_min;                    // percent of requests/datagrams unanswered (a loss holds)
  std::optional<double> loss_max;
  std::optional<uint64_t> throughput_min;            // bit/s (UDP: the received rate)
  std::optional<uint64_t> throughput_max;
  bool operator==(const Bounds&) const = default;
};

// A measured test's verdict for reports: what was expected, what was seen, and the figures.
struct Measurement {
  std::string expected;   // "rtt <= 5ms, loss <= 2%"
  std::string observed;   // "rtt 0.031/0.052/0.090/0.012 ms, loss 0% (0/20)"
  bool passed = false;
  std::vector<std::string> violations;  // "rtt max 7.1 ms above 5ms"
  nlohmann::json figures;  // {"rtt_us": {"min","avg","max","mdev"}, "sent", "received", "loss_percent"} ...
  bool operator==(const Measurement&) const = default;
};

Measurement evaluate(const RttStats& stats, const Bounds& bounds);
Measurement evaluate(const ThroughputResult& result, const Bounds& bounds);
Measurement evaluate(const UdpLoadResult& result, uint64_t rate_bps, const Bounds& bounds);

}  // namespace nswire::probe
