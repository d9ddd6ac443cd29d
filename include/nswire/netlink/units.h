// The value rules of link impairments and measurements, in one place: strict parsing of durations,
// percentages, rates and packet counts as a lab file writes them, and their canonical text. The
// model's parser calls these and puts the problem after "file:line:col: ". Each parse returns the
// value, or a problem in a few words ("needs a unit, e.g. 20ms", "above 100%").
//
// The rules (all exact: decimal text is converted with integer arithmetic, never a double):
//   duration   DIGITS[.DIGITS]UNIT, UNIT one of s ms us ns; whole nanoseconds; 0 to 1 hour.
//   percent    DIGITS[.DIGITS]%; 0% to 100%; converted the way tc does (rint(p/100 * UINT32_MAX)).
//   rate       DIGITS[.DIGITS]UNIT, UNIT one of bit kbit mbit gbit tbit (any case; SI: k = 1000,
//              as tc); whole bytes per second (a multiple of 8 bit/s, the unit the kernel counts);
//              8bit to 1tbit. tc's byte units (bps, kbps, mbps, ...) and binary prefixes (kibit)
//              are refused with a hint: "mbps" reads as megabits to most people, as megabytes to tc.
//   packets    DIGITS; 1 to 4294967295.
// No signs, spaces, exponents, or leading '.' anywhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "nswire/netlink/tc.h"

namespace nswire::netlink {

template <class T>
struct Parsed {
  T value{};
  std::string problem;  // empty when value is valid
  bool ok() const { return problem.empty(); }
};

Parsed<std::chrono::nanoseconds> parse_duration(std::string_view text);
Parsed<Probability> parse_percent(std::string_view text);
Parsed<uint64_t> parse_rate(std::string_view text);  // bit/s
Parsed<uint32_t> parse_packets(std::string_view text);

// Canonical text, in the largest unit that keeps the value whole ("1.5ms" -> "1500us"; "20ms",
// "0s"); parse_duration(format_duration(d)) == d.
std::string format_duration(std::chrono::nanoseconds d);
// "50mbit", "1500kbit", "8bit"; parse_rate(format_rate(r)) == r for every valid rate.
std::string format_rate(uint64_t bits_per_second);

}  // namespace nswire::netlink
