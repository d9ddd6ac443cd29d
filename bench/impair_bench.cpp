// Benchmark helper for bench/impair.sh (issue 13), run inside the sandbox:
//   impair_bench star N RATE     impair links s0..s(N-1) of this namespace with a token bucket at
//                                RATE in one batched send; observe them back; reset them (one send)
//   impair_bench accuracy NS_FROM NS_TO ADDRESS RATE...
//                                for each RATE: tbf on NS_FROM's eth0, then nswire's TCP
//                                throughput test to ADDRESS in NS_TO; measured vs configured
// Prints one line per figure, "key value", for the script to tabulate.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "nswire/netlink/links.h"
#include "nswire/netlink/socket.h"
#include "nswire/netlink/tc.h"
#include "nswire/netlink/units.h"
#include "nswire/netns/namespace.h"
#include "nswire/probe/measure.h"

using namespace nswire;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

uint64_t rate_of(const char* text) {
  auto r = netlink::parse_rate(text);
  if (!r.ok()) throw Error(std::string("rate ") + text + ": " + r.problem);
  return r.value;
}

int star(int n, uint64_t rate) {
  auto socket = netlink::Socket::open();
  auto t0 = Clock::now();
  std::vector<std::pair<int, std::string>> links;
  for (const auto& l : netlink::dump_links(socket))
    if (l.name.size() > 1 && l.name[0] == 's' && l.name.find_first_not_of("0123456789", 1) == std::string::npos)
      links.push_back({l.index, l.name});
  if (static_cast<int>(links.size()) != n) throw Error("expected " + std::to_string(n) + " links s*, found " + std::to_string(links.size()));
  netlink::Impairment imp;
  imp.rate_bps = rate;
  netlink::Batch batch;
  for (const auto& [index, name] : links) netlink::replace_root_qdisc(batch, index, name, imp);
  socket.execute(batch);
  std::printf("impair_ms %.1f\n", ms_since(t0));
  auto t1 = Clock::now();
  int ours = 0;
  for (const auto& q : netlink::dump_root_qdiscs(socket))
    if (q.is_ours() && q.impairment == imp) ++ours;
  std::printf("observe_ms %.1f\n", ms_since(t1));
  if (ours != n) throw Error("only " + std::to_string(ours) + " of " + std::to_string(n) + " links read back impaired");
  auto t2 = Clock::now();
  netlink::Batch reset;
  for (const auto& [index, name] : links) netlink::delete_root_qdisc(reset, index, name, netlink::kTbfHandle);
  socket.execute(reset);
  std::printf("reset_ms %.1f\n", ms_since(t2));
  return 0;
}

int accuracy(const std::string& from, const std::string& to, const std::string& address, const std::vector<uint64_t>& rates) {
  auto a = netns::Namespace::open_named(from), b = netns::Namespace::open_named(to);
  for (uint64_t rate : rates) {
    netns::run_in(a, [&] {
      auto socket = netlink::Socket::open();
      netlink::Impairment imp;
      imp.rate_bps = rate;
      netlink::Batch batch;
      netlink::replace_root_qdisc(batch, netlink::find_link(socket, "eth0")->index, "eth0", imp);
      socket.execute(batch);
    });
    probe::ThroughputRequest req;
    req.from = &a;
    req.to = &b;
    req.from_label = from;
    req.to_label = to;
    req.address = address;
    req.warmup = std::chrono::milliseconds(500);
    req.duration = std::chrono::milliseconds(2000);
    auto r = probe::measure_throughput(req);
    if (!r.connected) throw Error("throughput at " + netlink::format_rate(rate) + ": " + r.detail);
    std::printf("rate %s measured_bps %llu error_percent %.2f\n", netlink::format_rate(rate).c_str(),
                static_cast<unsigned long long>(r.bits_per_second),
                100.0 * (static_cast<double>(r.bits_per_second) - static_cast<double>(rate)) / static_cast<double>(rate));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "star" && argc == 4) return star(std::stoi(argv[2]), rate_of(argv[3]));
    if (mode == "accuracy" && argc >= 6) {
      std::vector<uint64_t> rates;
      for (int i = 5; i < argc; ++i) rates.push_back(rate_of(argv[i]));
      return accuracy(argv[2], argv[3], argv[4], rates);
    }
    std::fprintf(stderr, "usage: impair_bench star N RATE | accuracy NS_FROM NS_TO ADDRESS RATE...\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "impair_bench: %s\n", e.what());
    return 1;
  }
}
