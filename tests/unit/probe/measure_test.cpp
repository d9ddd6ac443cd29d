// Measurement verdicts: ping-style statistics, bounds against figures, and how the reports show a
// measured outcome. Pure functions: no sockets.
#include <gtest/gtest.h>

#include "nswire/probe/measure.h"
#include "nswire/probe/report.h"

namespace nswire::probe {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

TEST(RttStats, LikePingsSummary) {
  auto s = rtt_stats({microseconds(100), microseconds(200), microseconds(300), microseconds(400)}, 5);
  EXPECT_EQ(s.sent, 5);
  EXPECT_EQ(s.received, 4);
  EXPECT_EQ(s.min, 100us);
  EXPECT_EQ(s.max, 400us);
  EXPECT_EQ(s.avg, 250us);
  EXPECT_EQ(s.mdev, 112us);  // population standard deviation: sqrt(12500) = 111.8
  EXPECT_DOUBLE_EQ(s.loss_percent(), 20.0);
  auto none = rtt_stats({}, 3);
  EXPECT_EQ(none.received, 0);
  EXPECT_EQ(none.max, 0us);
  EXPECT_DOUBLE_EQ(none.loss_percent(), 100.0);
  EXPECT_DOUBLE_EQ(rtt_stats({}, 0).loss_percent(), 0.0);
}

TEST(Evaluate, RttBoundsHoldForEverySample) {
  auto s = rtt_stats({microseconds(41000), microseconds(45000), microseconds(52000)}, 3);
  Bounds b;
  b.rtt_min = 40ms;
  b.rtt_max = 50ms;
  b.loss_max = 2.0;
  auto m = evaluate(s, b);
  EXPECT_EQ(m.expected, "rtt >= 40ms, rtt <= 50ms, loss <= 2%");
  EXPECT_EQ(m.observed, "rtt min/avg/max/mdev 41.000/46.000/52.000/4.546 ms, loss 0% (0/3)");
  EXPECT_FALSE(m.passed);
  EXPECT_EQ(m.violations, std::vector<std::string>{"rtt max 52.000 ms above 50ms"});
  EXPECT_EQ(m.figures["rtt_us"]["max"], 52000);
  b.rtt_max = 60ms;
  EXPECT_TRUE(evaluate(s, b).passed);
}

TEST(Evaluate, LossAboveItsBoundAndNoRepliesAtAll) {
  auto s = rtt_stats({microseconds(100)}, 10);
  Bounds b;
  b.loss_max = 2.0;
  auto m = evaluate(s, b);
  EXPECT_FALSE(m.passed);
  EXPECT_EQ(m.violations, std::vector<std::string>{"loss 90% above 2%"});
  Bounds rtt;
  rtt.rtt_max = 5ms;
  auto silent = evaluate(rtt_stats({}, 4), rtt);
  EXPECT_EQ(silent.observed, "no replies, loss 100% (4/4)");
  EXPECT_EQ(silent.violations, std::vector<std::string>{"no round trip to measure"});
  EXPECT_EQ(evaluate(rtt_stats({}, 4), Bounds{}).expected, "measured");
}

TEST(Evaluate, ThroughputMinAndMax) {
  ThroughputResult r{true, "12.50 MB in 2.00 s", 12500000, 2000000us, 50000000};
  Bounds b;
  b.throughput_min = 80000000;
  auto m = evaluate(r, b);
  EXPECT_EQ(m.expected, "throughput >= 80mbit");
  EXPECT_EQ(m.observed, "throughput 50.00 mbit/s (12.50 MB in 2.00 s)");
  EXPECT_EQ(m.violations, std::vector<std::string>{"throughput 50.00 mbit/s below 80mbit"});
  b.throughput_min = 40000000;
  b.throughput_max = 55000000;
  EXPECT_TRUE(evaluate(r, b).passed);
  ThroughputResult refused;
  refused.detail = "connection refused";
  auto f = evaluate(refused, Bounds{});
  EXPECT_FALSE(f.passed);
  EXPECT_EQ(f.violations, std::vector<std::string>{"no transfer: connection refused"});
}

TEST(Evaluate, UdpLoss) {
  UdpLoadResult r;
  r.sent = 1000;
  r.received = 990;
  r.sent_bps = 9990000;
  Bounds b;
  b.loss_max = 0.5;
  auto m = evaluate(r, 10000000, b);
  EXPECT_EQ(m.observed, "udp at 9.99 mbit/s (asked 10mbit): loss 1% (10/1000)");
  EXPECT_EQ(m.violations, std::vector<std::string>{"loss 1% above 0.5%"});
  EXPECT_EQ(m.figures["received"], 990);
}

TEST(Evaluate, ALossThatMustHoldAndAUdpRateTheLinkImposes) {
  UdpLoadResult r;
  r.sent = 2000;
  r.received = 1990;
  r.sent_bps = 80000000;
  r.received_bps = 48300000;
  Bounds b;
  b.loss_min = 0.3;
  b.loss_max = 3.0;
  b.throughput_min = 40000000;
  b.throughput_max = 52000000;
  auto m = evaluate(r, 80000000, b);
  EXPECT_EQ(m.expected, "loss >= 0.3%, loss <= 3%, throughput >= 40mbit, throughput <= 52mbit");
  EXPECT_EQ(m.observed, "udp at 80.00 mbit/s (asked 80mbit): loss 0.5% (10/2000), received 48.30 mbit/s");
  EXPECT_TRUE(m.passed) << m.violations.at(0);
  EXPECT_EQ(m.figures["received_bps"], 48300000);
  r.received = 2000;
  r.received_bps = 79000000;
  m = evaluate(r, 80000000, b);
  EXPECT_EQ(m.violations, (std::vector<std::string>{"loss 0% below 0.3%", "throughput 79.00 mbit/s above 52mbit"}));
  // Without throughput bounds the received rate is a figure, not part of the text.
  Bounds loss_only;
  loss_only.loss_max = 3.0;
  EXPECT_EQ(evaluate(r, 80000000, loss_only).observed, "udp at 80.00 mbit/s (asked 80mbit): loss 0% (0/2000)");
}

TEST(Report, AFaultStepShowsTheLinkAndWhetherTheChangeTook) {
  Outcome o{.name = "failover / 1. down ra:wan", .from = "ra:wan", .fault = true};
  o.measurement = Measurement{.expected = "link ra:wan down", .observed = "down (1 change(s) in 0.01 s)", .passed = true};
  o.result.detail = "modify link ra:wan";
  EXPECT_EQ(format_table({o}),
            "    TEST                       PROTO  TARGET  EXPECTED          OBSERVED                      DETAIL\n"
            "ok  failover / 1. down ra:wan  link   ra:wan  link ra:wan down  down (1 change(s) in 0.01 s)  modify link ra:wan\n"
            "1 passed, 0 failed of 1\n");
  auto json = to_json({o});
  EXPECT_EQ(json["results"][0]["protocol"], "link");
  EXPECT_FALSE(json["results"][0].contains("port"));
  EXPECT_NE(to_junit({o}).find("<system-out>link ra:wan: expected link ra:wan down, observed down"), std::string::npos);
}

TEST(Report, MeasuredOutcomesShowBoundsAndFigures) {
  Outcome o;
  o.name = "site-a -> site-b rtt";
  o.from = "site-a";
  o.to = "site-b";
  o.address = "10.9.0.2";
  o.result.reached = true;
  o.result.detail = "20/20 replies from 10.9.0.2, best 30.10 ms";
  Bounds b;
  b.rtt_min = 40ms;
  o.measurement = evaluate(rtt_stats({microseconds(30100), microseconds(30200)}, 2), b);
  EXPECT_FALSE(o.passed()) << "a reached target out of bounds fails";
  EXPECT_EQ(format_table({o}),
            "      TEST                  PROTO  TARGET    EXPECTED     OBSERVED                                      "
            "                     DETAIL\n"
            "FAIL  site-a -> site-b rtt  icmp   10.9.0.2  rtt >= 40ms  rtt min/avg/max/mdev 30.100/30.150/30.200/0.050 "
            "ms, loss 0% (0/2)  rtt min 30.100 ms below 40ms\n"
            "0 passed, 1 failed of 1\n");
  auto json = to_json({o});
  EXPECT_EQ(json["results"][0]["expect"], "rtt >= 40ms");
  EXPECT_EQ(json["results"][0]["passed"], false);
  EXPECT_EQ(json["results"][0]["measured"]["rtt_us"]["min"], 30100);
  EXPECT_EQ(json["results"][0]["violations"][0], "rtt min 30.100 ms below 40ms");
  auto junit = to_junit({o});
  EXPECT_NE(junit.find("type=\"out-of-bounds\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("expected rtt &gt;= 40ms, observed rtt min/avg/max/mdev"), std::string::npos) << junit;
}

}  // namespace
}  // namespace nswire::probe
