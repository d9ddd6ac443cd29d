// The value rules of impairments: every accepted form, every refusal, and the exact conversions.
#include <gtest/gtest.h>

#include <climits>

#include "nswire/netlink/units.h"

using namespace nswire::netlink;
using namespace std::chrono_literals;

namespace {

template <class T>
std::string problem(const Parsed<T>& p) {
  EXPECT_FALSE(p.ok()) << "accepted";
  return p.problem;
}

}  // namespace

TEST(ParseDuration, AcceptsEachUnitAndDecimals) {
  EXPECT_EQ(parse_duration("20ms").value, 20ms);
  EXPECT_EQ(parse_duration("500us").value, 500us);
  EXPECT_EQ(parse_duration("1s").value, 1s);
  EXPECT_EQ(parse_duration("1.5ms").value, 1500us);
  EXPECT_EQ(parse_duration("0.000001ms").value, 1ns);
  EXPECT_EQ(parse_duration("250ns").value, 250ns);
  EXPECT_EQ(parse_duration("0s").value, 0ns);
  EXPECT_EQ(parse_duration("3600s").value, 3600s);
  EXPECT_TRUE(parse_duration("007ms").ok());
}

TEST(ParseDuration, RefusesWithAReason) {
  EXPECT_EQ(problem(parse_duration("20")), "needs a unit (s, ms, us, ns), e.g. 20ms");
  EXPECT_EQ(problem(parse_duration("20 ms")), "has spaces");
  EXPECT_EQ(problem(parse_duration(" 20ms")), "has spaces");
  EXPECT_EQ(problem(parse_duration("20msec")), "unknown unit \"msec\" (s, ms, us, ns)");
  EXPECT_EQ(problem(parse_duration("20MS")), "unknown unit \"MS\" (s, ms, us, ns)");
  EXPECT_EQ(problem(parse_duration("-1ms")), "is negative");
  EXPECT_EQ(problem(parse_duration("+1ms")), "has a sign");
  EXPECT_EQ(problem(parse_duration(".5ms")), "needs a digit before '.'");
  EXPECT_EQ(problem(parse_duration("1.ms")), "needs a digit after '.'");
  EXPECT_EQ(problem(parse_duration("1e3ms")), "has an exponent");
  EXPECT_EQ(problem(parse_duration("1.5ns")), "finer than 1ns");
  EXPECT_EQ(problem(parse_duration("3600.000000001s")), "above 1 hour");
  EXPECT_EQ(problem(parse_duration("")), "is empty");
  EXPECT_EQ(problem(parse_duration("ms")), "is not a number");
  EXPECT_EQ(problem(parse_duration("1234567890123456789012345s")), "has too many digits");
}

TEST(ParsePercent, ConvertsLikeTcRint) {
  EXPECT_EQ(parse_percent("0%").value.value, 0u);
  EXPECT_EQ(parse_percent("100%").value.value, UINT32_MAX);
  // rint(0.01 * 4294967295) = rint(42949672.95)
  EXPECT_EQ(parse_percent("1%").value.value, 42949673u);
  EXPECT_EQ(parse_percent("0.1%").value.value, 4294967u);  // 4294967.295
  EXPECT_EQ(parse_percent("50%").value.value, 2147483648u);  // 2147483647.5: half to even
  EXPECT_EQ(parse_percent("1%").value, Probability::from_percent(1.0));
  EXPECT_EQ(parse_percent("0.1%").value, Probability::from_percent(0.1));
  EXPECT_EQ(parse_percent("33.333%").value, Probability::from_percent(33.333));
}

TEST(ParsePercent, RefusesWithAReason) {
  EXPECT_EQ(problem(parse_percent("1")), "needs a % sign, e.g. 1%");
  EXPECT_EQ(problem(parse_percent("100.01%")), "above 100%");
  EXPECT_EQ(problem(parse_percent("-1%")), "is negative");
  EXPECT_EQ(problem(parse_percent("1 %")), "has spaces");
  EXPECT_EQ(problem(parse_percent("1pct")), "unknown unit \"pct\" (a percentage, e.g. 1%)");
}

TEST(FormatPercent, ShortestTextThatReadsBack) {
  EXPECT_EQ(format_percent(parse_percent("1%").value), "1%");
  EXPECT_EQ(format_percent(parse_percent("0.1%").value), "0.1%");
  EXPECT_EQ(format_percent(parse_percent("12.345%").value), "12.345%");
  EXPECT_EQ(format_percent(Probability{0}), "0%");
  EXPECT_EQ(format_percent(Probability{UINT32_MAX}), "100%");
  for (const char* text : {"0.5%", "2%", "99.99%", "0.0001%"})
    EXPECT_EQ(parse_percent(format_percent(parse_percent(text).value)).value, parse_percent(text).value) << text;
}

TEST(ParseRate, SiUnitsAnyCase) {
  EXPECT_EQ(parse_rate("50mbit").value, 50000000u);
  EXPECT_EQ(parse_rate("50Mbit").value, 50000000u);
  EXPECT_EQ(parse_rate("100kbit").value, 100000u);
  EXPECT_EQ(parse_rate("1gbit").value, 1000000000u);
  EXPECT_EQ(parse_rate("1.5gbit").value, 1500000000u);
  EXPECT_EQ(parse_rate("800bit").value, 800u);
  EXPECT_EQ(parse_rate("1tbit").value, 1000000000000u);
  EXPECT_EQ(parse_rate("8bit").value, 8u);
}

TEST(ParseRate, RefusesWithAReason) {
  EXPECT_EQ(problem(parse_rate("50")), "needs a unit (bit, kbit, mbit, gbit, tbit), e.g. 50mbit");
  EXPECT_EQ(problem(parse_rate("50mbps")),
            "\"mbps\" is ambiguous (tc reads it as bytes per second); write mbit for bits per second");
  EXPECT_EQ(problem(parse_rate("10bps")),
            "\"bps\" is ambiguous (tc reads it as bytes per second); write bit for bits per second");
  EXPECT_EQ(problem(parse_rate("1mibit")), "binary prefixes are not used; write kbit, mbit, gbit (SI: 1000s)");
  EXPECT_EQ(problem(parse_rate("1.5kbit")), "not a whole number of bytes per second (a multiple of 8bit)");
  EXPECT_EQ(problem(parse_rate("1.0000001kbit")), "not a whole number of bit/s");
  EXPECT_EQ(problem(parse_rate("0mbit")), "is zero");
  EXPECT_EQ(problem(parse_rate("2tbit")), "above 1tbit");
  EXPECT_EQ(problem(parse_rate("4bit")), "not a whole number of bytes per second (a multiple of 8bit)");
  EXPECT_EQ(problem(parse_rate("50 mbit")), "has spaces");
  EXPECT_EQ(problem(parse_rate("fast")), "is not a number");
}

TEST(FormatRate, LargestWholeUnitReadsBack) {
  EXPECT_EQ(format_rate(50000000), "50mbit");
  EXPECT_EQ(format_rate(1500000000), "1500mbit");
  EXPECT_EQ(format_rate(8), "8bit");
  EXPECT_EQ(format_rate(1000000000000), "1tbit");
  for (uint64_t r : {8ull, 1000ull, 12345678ull * 8, 999999992ull})
    EXPECT_EQ(parse_rate(format_rate(r)).value, r) << r;
}

TEST(FormatDuration, LargestWholeUnitReadsBack) {
  EXPECT_EQ(format_duration(20ms), "20ms");
  EXPECT_EQ(format_duration(1500us), "1500us");
  EXPECT_EQ(format_duration(0ns), "0s");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(format_duration(1ns), "1ns");
  for (std::chrono::nanoseconds d : {1ns, 999ns, std::chrono::nanoseconds(1001us), std::chrono::nanoseconds(3599s)})
    EXPECT_EQ(parse_duration(format_duration(d)).value, d);
}

TEST(ParsePackets, WholePositiveNumbers) {
  EXPECT_EQ(parse_packets("1000").value, 1000u);
  EXPECT_EQ(parse_packets("4294967295").value, 4294967295u);
  EXPECT_EQ(problem(parse_packets("0")), "is zero");
  EXPECT_EQ(problem(parse_packets("4294967296")), "above 4294967295");
  EXPECT_EQ(problem(parse_packets("1.5")), "is not a whole number of packets");
  EXPECT_EQ(problem(parse_packets("10p")), "takes no unit (a number of packets)");
  EXPECT_EQ(problem(parse_packets("-1")), "is negative");
}
