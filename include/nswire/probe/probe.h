// Connectivity probes from inside network namespaces: ICMP echo (IPv4 and IPv6), TCP connect and
// UDP echo. All probes of one call run concurrently in a single epoll loop on the caller's thread:
// sockets are opened inside their namespace (a socket stays bound to the namespace it was opened
// in) and then driven from here, so a mesh of hundreds of probes needs no process or thread per
// probe, and a mesh full of failures takes about one timeout, not the sum of them.
#pragma once

#include <chrono>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nswire::netns {
class Namespace;
}

namespace nswire::probe {

enum class Protocol { icmp, tcp, udp };

// "icmp", "tcp", "udp".
const char* to_string(Protocol protocol);

// One connectivity check: from a namespace to an address.
struct Probe {
  // Where the probe's sockets are opened; nullptr = the caller's own namespace.
  const netns::Namespace* from = nullptr;
  std::string from_label;  // for details and reports, e.g. the node name
  std::string to_label;
  std::string address;  // IPv4 or IPv6 literal, no scope or prefix
  Protocol protocol = Protocol::icmp;
  uint16_t port = 0;  // tcp/udp only; required there
  // icmp/udp: echo requests (datagrams) sent; the next one goes out when the previous one was
  // answered or after timeout/count. tcp: ignored (one connect; the kernel retransmits the SYN).
  int count = 1;
  // Whole-probe deadline, counted from the moment the probe starts: an unanswered probe is
  // finished at `timeout`, never later. Paced probes (interval > 0): the wait for the last
  // answer, so the probe lasts at most (count - 1) * interval + timeout.
  std::chrono::milliseconds timeout{1000};
  // icmp/udp: 0 = the next request goes out when the previous one was answered (a connectivity
  // check, done as soon as `count` answers came); > 0 = paced like ping -i: request n goes out
  // at n * interval whatever the answers, every answer's round trip is kept (Result::stats), and
  // the probe ends when all were answered or at its deadline. For RTT and loss measurements.
  std::chrono::milliseconds interval{0};
  // tcp/udp: before probing, open nswire's own listener on address:port (a TCP acceptor, or a UDP
  // echo) in `listen_in` (nullptr = the caller's namespace), served by the same loop and closed
  // when run() returns. Probes naming the same listener share it.
  bool listen = false;
  const netns::Namespace* listen_in = nullptr;
};

// Round-trip statistics over the answered requests of a probe, like ping's summary line
// (mdev = population standard deviation, as iputils computes it).
struct RttStats {
  int sent = 0;
  int received = 0;  // answers to distinct requests (a duplicate answer counts once)
  std::chrono::microseconds min{0}, avg{0}, max{0}, mdev{0};  // 0 when nothing was received
  bool operator==(const RttStats&) const = default;
  // Requests without an answer, in percent of those sent (0 when nothing was sent).
  double loss_percent() const;
};

// From the round trips of the answered requests and the number sent.
RttStats rtt_stats(const std::vector<std::chrono::microseconds>& round_trips, int sent);

struct Result {
  bool reached = false;
  // What happened, for people: "reply from 10.0.0.2 in 0.21 ms", "timeout after 1000 ms",
  // "network unreachable (no route)", "unreachable: host unreachable (reported by 10.0.0.1)",
  // "connection refused".
  std::string detail;
  std::chrono::microseconds rtt{0};      // best round trip (connect time for tcp); 0 when not reached
  std::chrono::microseconds elapsed{0};  // from the probe's start until it finished
  RttStats stats;  // icmp/udp: over every request sent (tcp: the connect, once)
};

struct Options {
  // Bound on TCP/UDP client sockets open at once over the whole run; probes beyond it wait in
  // order, and their timeout starts when they start. ICMP probes share one raw socket per
  // (namespace, address family) and are not limited by this.
  std::size_t max_sockets_in_flight = 256;
  // Called on the probing thread each time a probe finishes (done of total), for a progress bar.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

// Runs all probes concurrently and returns one Result per probe, in the same order. Connectivity
// outcomes (timeouts, unreachable, refused, send errors such as ENETUNREACH) are Results. Invalid
// probes (bad address, count < 1, missing port) and setup failures (cannot enter a namespace, no
// CAP_NET_RAW for ICMP, a listener that cannot bind) throw nswire::Error before or instead of
// probing; invalid input is rejected before the first syscall.
std::vector<Result> run(const std::vector<Probe>& probes, const Options& options = {});

// Throws nswire::Error naming the probe ("probe 3 (blue -> red)") when it is not runnable.
void validate(const Probe& probe, std::size_t index);

}  // namespace nswire::probe
