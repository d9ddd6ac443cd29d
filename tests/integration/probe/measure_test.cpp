// Tests that measure, against the real kernel in the sandbox: two namespaces joined by a veth
// (made with `ip`), a token bucket set on one end by nswire over rtnetlink, and figures measured
// by nswire's own probes. The oracles are the configured rate (checked with `tc -j`) and the
// kernel's own link state (`ip link set down`).
//   ma eth0 10.20.0.1/24 fd00:20::1/64  <-veth->  mb eth0 10.20.0.2/24 fd00:20::2/64
#include <gtest/gtest.h>

#include <chrono>

#include "lab.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/socket.h"
#include "nswire/netlink/tc.h"
#include "nswire/netlink/units.h"
#include "nswire/netns/namespace.h"
#include "nswire/probe/measure.h"
#include "nswire/probe/probe.h"
#include "nswire/probe/report.h"
#include "oracle.h"

namespace nswire::probe {
namespace {

using namespace std::chrono_literals;

class Measure : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = new test::Lab();
    lab_->add_namespace("ma");
    lab_->add_namespace("mb");
    test::Lab::must(R"(
      ip link add eth0 netns ma type veth peer name eth0 netns mb
      ip -n ma addr add 10.20.0.1/24 dev eth0
      ip -n mb addr add 10.20.0.2/24 dev eth0
      ip -n ma addr add fd00:20::1/64 dev eth0 nodad
      ip -n mb addr add fd00:20::2/64 dev eth0 nodad
      ip -n ma link set eth0 up
      ip -n mb link set eth0 up
    )");
    test::Lab::wait_ipv6_ready({{"ma", "eth0"}, {"mb", "eth0"}});
  }
  static void TearDownTestSuite() {
    delete lab_;
    lab_ = nullptr;
  }
  void TearDown() override { test::run({"tc", "-n", "ma", "qdisc", "del", "dev", "eth0", "root"}); }

  // Rate-limits ma's eth0 egress with nswire's tbf, from inside ma.
  static void limit_rate(uint64_t bps) {
    netns::run_in(lab_->ns("ma"), [&] {
      auto socket = netlink::Socket::open();
      netlink::Impairment imp;
      imp.rate_bps = bps;
      netlink::Batch b;
      netlink::replace_root_qdisc(b, netlink::find_link(socket, "eth0")->index, "eth0", imp);
      socket.execute(b);
    });
    auto q = test::run_json({"tc", "-n", "ma", "-j", "qdisc", "show", "dev", "eth0"});
    ASSERT_EQ(q[0]["kind"], "tbf");
    ASSERT_EQ(q[0]["options"]["rate"], bps / 8);
  }

  static ThroughputRequest tcp(const char* address = "10.20.0.2") {
    ThroughputRequest r;
    r.from = &lab_->ns("ma");
    r.to = &lab_->ns("mb");
    r.from_label = "ma";
    r.to_label = "mb";
    r.address = address;
    r.warmup = 300ms;
    r.duration = 1500ms;
    return r;
  }

  static test::Lab* lab_;
};
test::Lab* Measure::lab_ = nullptr;

TEST_F(Measure, TcpThroughputFollowsTheTokenBucketRate) {
  limit_rate(netlink::parse_rate("50mbit").value);
  auto r = measure_throughput(tcp());
  ASSERT_TRUE(r.connected) << r.detail;
  const double mbit = static_cast<double>(r.bits_per_second) / 1e6;
  // TCP goodput over a 50 mbit/s token bucket (which counts Ethernet frames): within 10%.
  EXPECT_GT(mbit, 45.0) << r.detail;
  EXPECT_LT(mbit, 51.0) << r.detail;
  EXPECT_GE(r.window, 1500ms);
  Bounds b;
  b.throughput_min = netlink::parse_rate("40mbit").value;
  EXPECT_TRUE(evaluate(r, b).passed) << evaluate(r, b).observed;
  b.throughput_min = netlink::parse_rate("80mbit").value;
  auto m = evaluate(r, b);
  EXPECT_FALSE(m.passed);
  ASSERT_EQ(m.violations.size(), 1u);
  EXPECT_NE(m.violations[0].find("below 80mbit"), std::string::npos) << m.violations[0];
}

TEST_F(Measure, TcpThroughputIsMuchHigherWithoutALimitAndOverIpv6) {
  auto r = measure_throughput(tcp("fd00:20::2"));
  ASSERT_TRUE(r.connected) << r.detail;
  EXPECT_GT(r.bits_per_second, 500000000u) << r.detail;  // a veth moves gigabits
}

TEST_F(Measure, ThroughputRequestsAreCheckedAndFailuresAreResults) {
  auto bad = tcp("not-an-address");
  EXPECT_THROW(measure_throughput(bad), nswire::Error);
  auto nowhere = tcp();
  nowhere.to = &lab_->ns("ma");  // 10.20.0.2 is not ma's: the receiver cannot bind there
  try {
    measure_throughput(nowhere);
    FAIL() << "bound a receiver to an address the namespace does not have";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("receiver on 10.20.0.2:5201"), std::string::npos) << e.what();
  }
  // mb has 10.20.9.9, but ma has an unreachable route to it: the connect fails at once.
  test::Lab::must("ip -n mb addr add 10.20.9.9/32 dev lo\nip -n ma route add unreachable 10.20.9.9/32");
  auto dead = tcp("10.20.9.9");
  auto r = measure_throughput(dead);
  test::Lab::must("ip -n mb addr del 10.20.9.9/32 dev lo\nip -n ma route del unreachable 10.20.9.9/32");
  EXPECT_FALSE(r.connected);
  EXPECT_TRUE(r.detail.find("unreachable") != std::string::npos || r.detail.find("route") != std::string::npos)
      << r.detail;
  EXPECT_FALSE(evaluate(r, Bounds{}).passed);
}

TEST_F(Measure, RttIsLowAndLossZeroOnACleanLink) {
  auto results = run({paced_ping(&lab_->ns("ma"), "ma", "mb", "10.20.0.2", 20, 10ms),
                      paced_ping(&lab_->ns("ma"), "ma", "mb", "fd00:20::2", 20, 10ms)});
  for (const auto& r : results) {
    EXPECT_TRUE(r.reached) << r.detail;
    EXPECT_EQ(r.stats.sent, 20);
    EXPECT_EQ(r.stats.received, 20);
    EXPECT_EQ(r.stats.loss_percent(), 0.0);
    EXPECT_LE(r.stats.min, r.stats.avg);
    EXPECT_LE(r.stats.avg, r.stats.max);
    EXPECT_LT(r.stats.max, 5ms);
    // Paced: 20 requests 10 ms apart take about 190 ms, not 20 back-to-back round trips.
    EXPECT_GE(r.elapsed, 190ms);
    EXPECT_LT(r.elapsed, 600ms);
    Bounds b;
    b.rtt_max = 5ms;
    b.loss_max = 2.0;
    EXPECT_TRUE(evaluate(r.stats, b).passed) << evaluate(r.stats, b).observed;
    b.rtt_min = 40ms;  // proves a 40 ms delay holds: it does not here
    auto m = evaluate(r.stats, b);
    EXPECT_FALSE(m.passed);
    EXPECT_NE(m.violations.at(0).find("below 40ms"), std::string::npos) << m.violations[0];
  }
}

TEST_F(Measure, LinkDownIsUnreachableAndUpIsReachableAgain) {
  auto ping = [&] { return run({paced_ping(&lab_->ns("ma"), "ma", "mb", "10.20.0.2", 5, 20ms, 300ms)}).front(); };
  ASSERT_TRUE(ping().reached);
  test::Lab::must("ip -n mb link set eth0 down");
  auto down = ping();
  EXPECT_FALSE(down.reached) << down.detail;
  EXPECT_EQ(down.stats.received, 0);
  Bounds b;
  b.loss_max = 2.0;
  EXPECT_FALSE(evaluate(down.stats, b).passed);
  test::Lab::must("ip -n mb link set eth0 up");
  // The carrier comes back asynchronously (linkwatch): retry within a deadline, not a sleep.
  Result up;
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;)
    if ((up = ping()).reached) break;
  EXPECT_TRUE(up.reached) << up.detail;
  // The kernel dropped mb's IPv6 address with the link (keep_addr_on_down is 0): put it back.
  test::Lab::must("ip -n mb addr replace fd00:20::2/64 dev eth0 nodad");
  test::Lab::wait_ipv6_ready({{"mb", "eth0"}});
}

TEST_F(Measure, UdpAtARateBelowTheBucketLosesNothingAndAboveLosesTheDifference) {
  limit_rate(netlink::parse_rate("20mbit").value);
  UdpLoadRequest req;
  req.from = &lab_->ns("ma");
  req.to = &lab_->ns("mb");
  req.from_label = "ma";
  req.to_label = "mb";
  req.address = "10.20.0.2";
  req.rate_bps = 10000000;
  req.duration = 1000ms;
  auto below = measure_udp_load(req);
  EXPECT_GT(below.sent, 900u);  // 10 mbit/s of 1200-byte datagrams for 1 s: 1041
  EXPECT_NEAR(static_cast<double>(below.sent_bps), 10e6, 0.5e6) << below.detail;
  EXPECT_EQ(below.received, below.sent) << below.detail;
  Bounds b;
  b.loss_max = 1.0;
  EXPECT_TRUE(evaluate(below, req.rate_bps, b).passed) << evaluate(below, req.rate_bps, b).observed;
  // 40 mbit/s into a 20 mbit/s bucket (whose 50 ms queue absorbs a little): about half is lost.
  req.rate_bps = 40000000;
  auto above = measure_udp_load(req);
  EXPECT_GT(above.loss_percent(), 35.0) << above.detail;
  EXPECT_LT(above.loss_percent(), 60.0) << above.detail;
  EXPECT_FALSE(evaluate(above, req.rate_bps, b).passed);
}

TEST_F(Measure, ReportsCarryTheMeasuredFigures) {
  auto r = run({paced_ping(&lab_->ns("ma"), "ma", "mb", "10.20.0.2", 10, 5ms)}).front();
  Outcome o;
  o.name = "ma -> mb rtt";
  o.from = "ma";
  o.to = "mb";
  o.address = "10.20.0.2";
  o.result = r;
  Bounds b;
  b.rtt_max = 5ms;
  o.measurement = evaluate(r.stats, b);
  auto json = to_json({o});
  EXPECT_EQ(json["results"][0]["measured"]["sent"], 10);
  EXPECT_EQ(json["results"][0]["measured"]["received"], 10);
  EXPECT_GT(json["results"][0]["measured"]["rtt_us"]["max"].get<long>(), 0);
  EXPECT_EQ(json["results"][0]["expect"], "rtt <= 5ms");
  EXPECT_NE(format_table({o}).find("rtt min/avg/max/mdev"), std::string::npos) << format_table({o});
}

}  // namespace
}  // namespace nswire::probe
