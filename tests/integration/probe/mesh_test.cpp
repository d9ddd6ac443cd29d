// A full mesh of 30 namespaces on one Linux bridge (made with `ip`), probed all at once: 870
// ordered pairs per protocol, in one event loop. Also the failure case that matters for CI time:
// a mesh where every probe times out finishes in about one timeout, not 870 of them.
// Size limit: a full L2 mesh of N nodes needs N*(N-1) neighbour entries per address family, and
// the kernel caps the entries of ALL namespaces together at net.ipv4/ipv6.neigh.default.gc_thresh3
// (1024 unless the host raised it; settable only in the initial namespace). 30 nodes need 870.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "lab.h"
#include "nswire/probe/probe.h"
#include "nswire/probe/report.h"
#include "oracle.h"

namespace nswire::probe {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kNodes = 30;

std::string node(int i) { return "m" + std::to_string(i); }
std::string v4(int i) { return "10.30.0." + std::to_string(i + 1); }
std::string v6(int i) { return "fd00:30::" + std::to_string(i + 1); }

class ProbeMesh : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = new test::Lab();
    test::Lab::must("ip link add brm type bridge\nip addr add 10.30.0.254/24 dev brm\nip link set brm up");
    lab_->remember_link("brm");
    std::string script;
    for (int i = 0; i < kNodes; ++i) {
      lab_->add_namespace(node(i));
      const std::string n = node(i), veth = "vm" + std::to_string(i);
      script += "ip link add " + veth + " type veth peer name eth0 netns " + n + "\n";
      script += "ip link set " + veth + " master brm up\n";
      script += "ip -n " + n + " addr add " + v4(i) + "/24 dev eth0\n";
      script += "ip -n " + n + " addr add " + v6(i) + "/64 dev eth0 nodad\n";
      script += "ip -n " + n + " link set eth0 up\n";
      // Silent targets: 10.31.0.0/24 via a gateway nobody is (ARP unanswered, nothing comes back
      // before a probe's timeout). One neighbour entry per node, not one per target: the kernel's
      // neighbour table limit (gc_thresh3, 1024 by default) is shared by all namespaces.
      script += "ip -n " + n + " route add 10.31.0.0/24 via 10.30.0.250\n";
      lab_->remember_link(veth);
    }
    test::Lab::must(script);
    std::vector<std::pair<std::string, std::string>> devices;
    for (int i = 0; i < kNodes; ++i) devices.emplace_back(node(i), "eth0");
    test::Lab::wait_ipv6_ready(devices);
  }
  static void TearDownTestSuite() {
    delete lab_;
    lab_ = nullptr;
  }

  // Every ordered pair (from != to), addressed by `address(to)`.
  template <typename AddressOf>
  static std::vector<Probe> mesh(AddressOf address, Protocol protocol, uint16_t port, std::chrono::milliseconds timeout) {
    std::vector<Probe> probes;
    for (int f = 0; f < kNodes; ++f)
      for (int t = 0; t < kNodes; ++t) {
        if (f == t) continue;
        Probe p;
        p.from = &lab_->ns(node(f));
        p.from_label = node(f);
        p.to_label = node(t);
        p.address = address(t);
        p.protocol = protocol;
        p.port = port;
        p.timeout = timeout;
        if (protocol != Protocol::icmp) {
          p.listen = true;
          p.listen_in = &lab_->ns(node(t));
        }
        probes.push_back(p);
      }
    return probes;
  }

  // Runs the probes, reports the time, and returns outcomes expecting `expect_reachable`.
  static std::vector<Outcome> run_mesh(const std::vector<Probe>& probes, bool expect_reachable, const char* what,
                                       Clock::duration* took = nullptr) {
    const auto start = Clock::now();
    auto results = run(probes);
    const auto elapsed = Clock::now() - start;
    if (took) *took = elapsed;
    const double ms = std::chrono::duration<double, std::milli>(elapsed).count();
    std::cout << what << ": " << probes.size() << " probes in " << ms << " ms\n";
    ::testing::Test::RecordProperty(std::string(what) + "_ms", static_cast<int>(ms));
    std::vector<Outcome> outcomes;
    for (std::size_t i = 0; i < probes.size(); ++i)
      outcomes.push_back(Outcome{probes[i].from_label + " -> " + probes[i].to_label, probes[i].from_label,
                                 probes[i].to_label, probes[i].address, probes[i].protocol, probes[i].port,
                                 expect_reachable, results[i]});
    return outcomes;
  }

  static test::Lab* lab_;
};
test::Lab* ProbeMesh::lab_ = nullptr;

TEST_F(ProbeMesh, IcmpV4FullMeshOf30IsAllReachable) {
  ASSERT_TRUE(test::ping(node(0), v4(kNodes - 1))) << "the lab itself is broken (iproute2 ping)";
  auto probes = mesh(v4, Protocol::icmp, 0, 3000ms);
  ASSERT_EQ(probes.size(), 870u);
  auto outcomes = run_mesh(probes, true, "icmp_v4_mesh30");
  const auto summary = summarize(outcomes);
  EXPECT_EQ(summary.passed, 870u) << format_table(outcomes, false);
  const std::string matrix = format_matrix(outcomes);
  const std::string cells = matrix.substr(matrix.find('\n') + 1);  // past the legend
  EXPECT_EQ(cells.find("✗"), std::string::npos) << matrix;
  EXPECT_NE(cells.find("30 m29 "), std::string::npos) << matrix;
  std::cout << matrix;
}

TEST_F(ProbeMesh, IcmpV6FullMeshOf30IsAllReachable) {
  ASSERT_TRUE(test::ping(node(kNodes - 1), v6(0))) << "the lab itself is broken (iproute2 ping)";
  auto outcomes = run_mesh(mesh(v6, Protocol::icmp, 0, 3000ms), true, "icmp_v6_mesh30");
  EXPECT_EQ(summarize(outcomes).passed, 870u) << format_table(outcomes, false);
}

TEST_F(ProbeMesh, TcpAndUdpFullMeshesThroughNswiresListeners) {
  auto probes = mesh(v4, Protocol::tcp, 7777, 3000ms);
  auto udp = mesh(v6, Protocol::udp, 7777, 3000ms);
  probes.insert(probes.end(), udp.begin(), udp.end());
  auto outcomes = run_mesh(probes, true, "tcp_v4_udp_v6_mesh30");
  EXPECT_EQ(summarize(outcomes).passed, 1740u) << format_table(outcomes, false);
}

TEST_F(ProbeMesh, TheCallersOwnNamespaceProbesAndListensWithoutAHandle) {
  // The sandbox's namespace holds the bridge and its address 10.30.0.254: a nullptr `from` and a
  // nullptr `listen_in` mean "here", as for a lab's `host` endpoint.
  std::vector<Probe> probes;
  for (int i = 0; i < kNodes; ++i) {
    Probe out;
    out.from_label = "host";
    out.to_label = node(i);
    out.address = v4(i);
    probes.push_back(out);
    Probe in;
    in.from = &lab_->ns(node(i));
    in.from_label = node(i);
    in.to_label = "host";
    in.address = "10.30.0.254";
    in.protocol = Protocol::tcp;
    in.port = 7001;
    in.listen = true;
    probes.push_back(in);
  }
  auto outcomes = run_mesh(probes, true, "host_to_and_from_30");
  EXPECT_EQ(summarize(outcomes).passed, probes.size()) << format_table(outcomes, false);
}

TEST_F(ProbeMesh, AMeshOfSilentTargetsTakesOneTimeoutNotTheirSum) {
  const auto timeout = 500ms;
  auto probes = mesh([](int t) { return "10.31.0." + std::to_string(1 + t); }, Protocol::icmp, 0, timeout);
  Clock::duration took{};
  auto outcomes = run_mesh(probes, false, "icmp_silent_mesh30", &took);
  EXPECT_EQ(summarize(outcomes).passed, 870u) << format_table(outcomes, false);
  for (const auto& o : outcomes) {
    ASSERT_EQ(o.result.detail, "timeout after 500 ms") << o.name;
    ASSERT_GE(o.result.elapsed, timeout) << o.name;
  }
  EXPECT_LT(took, timeout + 400ms);
}

}  // namespace
}  // namespace nswire::probe
