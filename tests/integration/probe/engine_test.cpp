// The probe engine against a real two-namespace lab made with `ip`:
//   pa eth0 10.1.0.1/24 fd00:1::1/64  <-veth->  pb eth0 10.1.0.2/24 fd00:1::2/64 (forwarding on)
//   pa eth2 10.3.0.1/24 fd00:3::1/64 <-veth-> pc eth2 (up, no address); 10.3.0.2 and fd00:3::2 are
//     static neighbours with a MAC nobody has, so whatever is sent there is silently dropped
//   pa eth1 10.4.0.1/24 <-veth-> pc eth1 left down (a link with no live peer)
//   pa routes fd00:50::/64 via pb, where it is a `prohibit` route, and 10.60.0.0/24 via pb, which
//     has it on eth3 <-veth-> pc eth3 (up, no address): ARP for 10.60.0.9 fails after ~100 ms and
//     pb reports "host unreachable". (IPv4 route errors such as `prohibit` go through ip_error(),
//     whose per-source rate limit is global and not settable in a namespace: flaky on repeats.)
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "lab.h"
#include "nswire/error.h"
#include "nswire/probe/probe.h"
#include "nswire/probe/report.h"
#include "oracle.h"

namespace nswire::probe {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Scheduling slack allowed past a probe's timeout (the loop wakes at ms granularity).
constexpr auto kSlack = 150ms;

class ProbeEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = new test::Lab();
    for (const char* n : {"pa", "pb", "pc"}) lab_->add_namespace(n);
    test::Lab::must(R"(
      ip link add eth0 netns pa type veth peer name eth0 netns pb
      ip -n pa addr add 10.1.0.1/24 dev eth0
      ip -n pa addr add fd00:1::1/64 dev eth0 nodad
      ip -n pb addr add 10.1.0.2/24 dev eth0
      ip -n pb addr add fd00:1::2/64 dev eth0 nodad
      ip -n pa link set eth0 up
      ip -n pb link set eth0 up
      ip link add eth2 netns pa type veth peer name eth2 netns pc
      ip -n pa addr add 10.3.0.1/24 dev eth2
      ip -n pa addr add fd00:3::1/64 dev eth2 nodad
      ip -n pa neigh add 10.3.0.2 lladdr 02:00:00:00:00:99 dev eth2
      ip -n pa neigh add fd00:3::2 lladdr 02:00:00:00:00:99 dev eth2
      ip -n pa link set eth2 up
      ip -n pc link set eth2 up
      ip link add eth1 netns pa type veth peer name eth1 netns pc
      ip -n pa addr add 10.4.0.1/24 dev eth1
      ip -n pa link set eth1 up
      ip netns exec pb sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
      ip netns exec pb sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
      ip -n pb -6 route add prohibit fd00:50::/64
      ip link add eth3 netns pb type veth peer name eth3 netns pc
      ip -n pb addr add 10.60.0.1/24 dev eth3
      ip -n pb link set eth3 up
      ip -n pc link set eth3 up
      ip netns exec pb sysctl -qw net.ipv4.neigh.eth3.mcast_solicit=1 net.ipv4.neigh.eth3.retrans_time_ms=100
      ip -n pa route add 10.60.0.0/24 via 10.1.0.2
    )");
    test::Lab::wait_ipv6_ready({{"pa", "eth0"}, {"pb", "eth0"}, {"pa", "eth2"}});
    test::Lab::must("ip -n pa -6 route add fd00:50::/64 via fd00:1::2");
  }
  static void TearDownTestSuite() {
    delete lab_;
    lab_ = nullptr;
  }

  static Probe make(const char* from, const char* to, const std::string& address, Protocol protocol = Protocol::icmp,
                    uint16_t port = 0, milliseconds timeout = 1000ms) {
    Probe p;
    p.from = &lab_->ns(from);
    p.from_label = from;
    p.to_label = to;
    p.address = address;
    p.protocol = protocol;
    p.port = port;
    p.timeout = timeout;
    return p;
  }

  static Probe listening(Probe p, const char* in) {
    p.listen = true;
    p.listen_in = &lab_->ns(in);
    return p;
  }

  static bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

  static test::Lab* lab_;
};
test::Lab* ProbeEngine::lab_ = nullptr;

TEST_F(ProbeEngine, IcmpV4ReachesThePeerAndItsOwnAddress) {
  ASSERT_TRUE(test::ping("pa", "10.1.0.2")) << "the lab itself is broken (iproute2 ping)";
  auto r = run({make("pa", "pb", "10.1.0.2"), make("pa", "pa", "10.1.0.1"), make("pb", "pa", "10.1.0.1")});
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) {
    EXPECT_TRUE(x.reached) << x.detail;
    EXPECT_GT(x.rtt.count(), 0);
    EXPECT_LE(x.rtt, x.elapsed);
  }
  EXPECT_TRUE(starts_with(r[0].detail, "reply from 10.1.0.2 in ")) << r[0].detail;
  EXPECT_TRUE(starts_with(r[1].detail, "reply from 10.1.0.1 in ")) << r[1].detail;
}

TEST_F(ProbeEngine, IcmpV6ReachesThePeer) {
  auto r = run({make("pa", "pb", "fd00:1::2"), make("pb", "pa", "fd00:1:0::1")});
  EXPECT_TRUE(r[0].reached) << r[0].detail;
  EXPECT_TRUE(starts_with(r[0].detail, "reply from fd00:1::2 in ")) << r[0].detail;
  EXPECT_TRUE(r[1].reached) << r[1].detail;
  EXPECT_TRUE(starts_with(r[1].detail, "reply from fd00:1::1 in ")) << r[1].detail;
}

TEST_F(ProbeEngine, NoRouteIsAnImmediateResultNotAnException) {
  ASSERT_NE(test::run({"ip", "-n", "pa", "route", "get", "10.99.0.1"}).exit_code, 0) << "expected no route";
  auto r = run({make("pa", "x", "10.99.0.1"), make("pa", "x", "fd00:99::1"),
                make("pa", "x", "10.99.0.1", Protocol::tcp, 80), make("pa", "x", "10.99.0.1", Protocol::udp, 53)});
  for (const auto& x : r) {
    EXPECT_FALSE(x.reached);
    EXPECT_EQ(x.detail, "network unreachable (no route)");
    EXPECT_LT(x.elapsed, 100ms);
  }
}

TEST_F(ProbeEngine, SilentDropsTimeOutWithinTheirTimeoutAllAtOnce) {
  const auto timeout = 600ms;
  std::vector<Probe> probes{make("pa", "void", "10.3.0.2", Protocol::icmp, 0, timeout),
                            make("pa", "no-peer", "10.4.0.2", Protocol::icmp, 0, timeout),
                            make("pa", "void6", "fd00:3::2", Protocol::icmp, 0, timeout),
                            make("pa", "void", "10.3.0.2", Protocol::tcp, 22, timeout),
                            make("pa", "no-peer", "10.4.0.2", Protocol::udp, 53, timeout),
                            make("pa", "pb", "10.1.0.2", Protocol::icmp, 0, timeout)};
  const auto start = Clock::now();
  auto r = run(probes);
  const auto total = Clock::now() - start;
  for (std::size_t i = 0; i + 1 < r.size(); ++i) {
    SCOPED_TRACE(probes[i].to_label + " " + to_string(probes[i].protocol));
    EXPECT_FALSE(r[i].reached) << r[i].detail;
    EXPECT_EQ(r[i].detail, "timeout after 600 ms");
    EXPECT_GE(r[i].elapsed, timeout);
    EXPECT_LT(r[i].elapsed, timeout + kSlack);
  }
  EXPECT_TRUE(r.back().reached) << r.back().detail;
  EXPECT_LT(r.back().elapsed, 100ms) << "a reachable probe does not wait for the others";
  EXPECT_LT(total, timeout + 2 * kSlack) << "five timeouts in parallel take one timeout";
}

TEST_F(ProbeEngine, DestinationUnreachableFromARouterIsRecognised) {
  auto r = run({make("pa", "x", "10.60.0.9"), make("pa", "x", "fd00:50::9")});
  EXPECT_FALSE(r[0].reached);
  EXPECT_EQ(r[0].detail, "unreachable: host unreachable (reported by 10.1.0.2)");
  EXPECT_FALSE(r[1].reached);
  EXPECT_EQ(r[1].detail, "unreachable: communication administratively prohibited (reported by fd00:1::2)");
  for (const auto& x : r) EXPECT_LT(x.elapsed, 500ms) << "an ICMP error ends the probe before its timeout";
}

TEST_F(ProbeEngine, CountSendsThatManyEchoRequests) {
  const long before4 = test::in_echos("pb", false), before6 = test::in_echos("pb", true);
  auto p4 = make("pa", "pb", "10.1.0.2");
  p4.count = 3;
  auto p6 = make("pa", "pb", "fd00:1::2");
  p6.count = 4;
  auto silent = make("pa", "void", "10.3.0.2", Protocol::icmp, 0, 400ms);
  silent.count = 3;
  auto r = run({p4, p6, silent});
  EXPECT_TRUE(r[0].reached);
  EXPECT_TRUE(starts_with(r[0].detail, "3/3 replies from 10.1.0.2, best ")) << r[0].detail;
  EXPECT_TRUE(starts_with(r[1].detail, "4/4 replies from fd00:1::2, best ")) << r[1].detail;
  EXPECT_EQ(test::in_echos("pb", false) - before4, 3);
  EXPECT_EQ(test::in_echos("pb", true) - before6, 4);
  EXPECT_FALSE(r[2].reached);
  EXPECT_EQ(r[2].detail, "timeout after 400 ms");
  EXPECT_LT(r[2].elapsed, 400ms + kSlack) << "count does not stretch the deadline";
}

// A connectivity check resends an unanswered request within its deadline: a path that comes up a
// moment after the probe starts (its first requests lost) is reachable, and a silent destination
// gets a request every 200 ms until the timeout. Answered at once, one request is all it sends.
TEST_F(ProbeEngine, UnansweredRequestsAreResentWithinTheDeadline) {
  const long before = test::in_echos("pb", false);
  auto answered = run({make("pa", "pb", "10.1.0.2")});
  EXPECT_TRUE(answered[0].reached);
  EXPECT_EQ(test::in_echos("pb", false) - before, 1);
  auto silent = run({make("pa", "void", "10.3.0.2", Protocol::icmp, 0, 1000ms)});
  EXPECT_FALSE(silent[0].reached);
  EXPECT_GE(silent[0].stats.sent, 4) << "requests sent within 1 s";
  // pc gets 10.3.0.9 only after the probe started: the first requests go nowhere.
  test::Lab::must("ip -n pa neigh replace 10.3.0.9 lladdr 02:00:00:00:00:99 dev eth2 nud permanent");
  std::thread late([] {
    std::this_thread::sleep_for(300ms);
    test::Lab::must("ip -n pc addr add 10.3.0.9/24 dev eth2; ip -n pa neigh del 10.3.0.9 dev eth2");
  });
  auto r = run({make("pa", "pc", "10.3.0.9", Protocol::icmp, 0, 1500ms)});
  late.join();
  test::Lab::must("ip -n pc addr del 10.3.0.9/24 dev eth2");
  EXPECT_TRUE(r[0].reached) << r[0].detail;
  EXPECT_GE(r[0].stats.sent, 2);
}

TEST_F(ProbeEngine, TcpConnectsToNswiresListenerWhichIsClosedAfterwards) {
  auto r = run({listening(make("pa", "pb", "10.1.0.2", Protocol::tcp, 8080), "pb"),
                listening(make("pa", "pb", "fd00:1::2", Protocol::tcp, 8080), "pb"),
                listening(make("pb", "pb", "10.1.0.2", Protocol::tcp, 8080), "pb")});
  EXPECT_TRUE(r[0].reached) << r[0].detail;
  EXPECT_TRUE(starts_with(r[0].detail, "connected to 10.1.0.2:8080 in ")) << r[0].detail;
  EXPECT_TRUE(r[1].reached) << r[1].detail;
  EXPECT_TRUE(starts_with(r[1].detail, "connected to [fd00:1::2]:8080 in ")) << r[1].detail;
  EXPECT_TRUE(r[2].reached) << "probes naming the same listener share it: " << r[2].detail;
  auto ss = test::run({"ip", "netns", "exec", "pb", "ss", "-Hltn", "sport = :8080"});
  ASSERT_EQ(ss.exit_code, 0) << ss.err;
  EXPECT_EQ(ss.out, "") << "listener left open";
}

TEST_F(ProbeEngine, TcpRefusedSilentAndRouterErrorsAreResults) {
  auto r = run({make("pa", "pb", "10.1.0.2", Protocol::tcp, 9), make("pa", "pb", "fd00:1::2", Protocol::tcp, 9),
                make("pa", "void", "10.3.0.2", Protocol::tcp, 80, 500ms),
                make("pa", "x", "10.60.0.9", Protocol::tcp, 80), make("pa", "x", "fd00:50::9", Protocol::tcp, 80)});
  EXPECT_FALSE(r[0].reached);
  EXPECT_EQ(r[0].detail, "connection refused");
  EXPECT_EQ(r[1].detail, "connection refused");
  EXPECT_EQ(r[2].detail, "timeout after 500 ms");
  EXPECT_LT(r[2].elapsed, 500ms + kSlack);
  EXPECT_FALSE(r[3].reached);
  EXPECT_EQ(r[3].detail, "unreachable: host unreachable (reported by 10.1.0.2)");
  EXPECT_LT(r[3].elapsed, 500ms);
  EXPECT_FALSE(r[4].reached);
  EXPECT_EQ(r[4].detail, "unreachable: communication administratively prohibited (reported by fd00:1::2)");
  EXPECT_LT(r[4].elapsed, 500ms);
}

TEST_F(ProbeEngine, UdpEchoesThroughNswiresListenerWhichIsClosedAfterwards) {
  auto v4 = listening(make("pa", "pb", "10.1.0.2", Protocol::udp, 5353), "pb");
  v4.count = 2;
  auto r = run({v4, listening(make("pa", "pb", "fd00:1::2", Protocol::udp, 5353), "pb")});
  EXPECT_TRUE(r[0].reached) << r[0].detail;
  EXPECT_TRUE(starts_with(r[0].detail, "2/2 echoes from 10.1.0.2:5353, best ")) << r[0].detail;
  EXPECT_TRUE(r[1].reached) << r[1].detail;
  EXPECT_TRUE(starts_with(r[1].detail, "echo from [fd00:1::2]:5353 in ")) << r[1].detail;
  auto ss = test::run({"ip", "netns", "exec", "pb", "ss", "-Hlun", "sport = :5353"});
  ASSERT_EQ(ss.exit_code, 0) << ss.err;
  EXPECT_EQ(ss.out, "") << "listener left open";
}

TEST_F(ProbeEngine, UdpWithoutListenerIsRefusedAndSilentDropsTimeOut) {
  auto r = run({make("pa", "pb", "10.1.0.2", Protocol::udp, 9), make("pa", "pb", "fd00:1::2", Protocol::udp, 9),
                make("pa", "void", "10.3.0.2", Protocol::udp, 9, 500ms)});
  EXPECT_FALSE(r[0].reached);
  EXPECT_EQ(r[0].detail, "connection refused (port unreachable, reported by 10.1.0.2)");
  EXPECT_FALSE(r[1].reached);
  EXPECT_EQ(r[1].detail, "connection refused (port unreachable, reported by fd00:1::2)");
  EXPECT_FALSE(r[2].reached);
  EXPECT_EQ(r[2].detail, "timeout after 500 ms");
}

TEST_F(ProbeEngine, AListenerThatCannotBindIsASetupError) {
  try {
    run({listening(make("pa", "pb", "10.77.0.1", Protocol::tcp, 80), "pb")});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "listener tcp 10.77.0.1:80 in namespace pb: bind: Cannot assign requested address");
  }
}

TEST_F(ProbeEngine, SocketBoundQueuesTcpProbesAndStillRunsThemAll) {
  std::vector<Probe> probes;
  for (int i = 0; i < 40; ++i) {
    probes.push_back(listening(make("pa", "pb", "10.1.0.2", Protocol::tcp, 7000), "pb"));
    probes.push_back(make("pa", "pb", "10.1.0.2", Protocol::tcp, 9));
  }
  Options options;
  options.max_sockets_in_flight = 3;
  auto r = run(probes, options);
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].reached, i % 2 == 0) << i << ": " << r[i].detail;
    EXPECT_LT(r[i].elapsed, 500ms) << "a queued probe's timeout starts when it starts";
  }
}

TEST_F(ProbeEngine, JunitReportOfARealRunHasTheRequiredElements) {
  std::vector<Probe> probes{make("pa", "pb", "10.1.0.2"), make("pa", "void", "10.3.0.2", Protocol::icmp, 0, 300ms),
                            make("pb", "pa", "10.1.0.1")};
  const std::vector<bool> expect{true, false, false};  // the last expectation is wrong on purpose
  auto results = run(probes);
  std::vector<Outcome> outcomes;
  for (std::size_t i = 0; i < probes.size(); ++i)
    outcomes.push_back(Outcome{probes[i].from_label + " -> " + probes[i].to_label, probes[i].from_label,
                               probes[i].to_label, probes[i].address, probes[i].protocol, probes[i].port, expect[i],
                               results[i]});
  ASSERT_EQ(test::sh("command -v xmllint").exit_code, 0) << "xmllint (Debian package libxml2-utils) is needed";
  const std::string file = ::testing::TempDir() + "probe_engine_junit.xml";
  JunitOptions options;
  options.suite = "pairs";
  std::ofstream(file) << to_junit(outcomes, options);
  ASSERT_EQ(test::run({"xmllint", "--noout", file}).exit_code, 0) << "not well-formed";
  auto xpath = [&](const std::string& e) {
    auto out = test::run({"xmllint", "--xpath", e, file}).out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  };
  EXPECT_EQ(xpath("string(/testsuites/testsuite/@tests)"), "3");
  EXPECT_EQ(xpath("string(/testsuites/testsuite/@failures)"), "1");
  EXPECT_EQ(xpath("string(/testsuites/testsuite/@errors)"), "0");
  EXPECT_EQ(xpath("count(//testcase[@name and @classname and @time])"), "3");
  EXPECT_EQ(xpath("string(//testcase[failure]/@name)"), "pb -> pa");
  EXPECT_EQ(xpath("string(//testcase[failure]/@classname)"), "pairs.pb");
  EXPECT_EQ(xpath("substring-before(string(//failure/@message), ':')"), "expected unreachable, observed reachable");
}

}  // namespace
}  // namespace nswire::probe
