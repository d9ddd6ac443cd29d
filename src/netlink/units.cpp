// Strict parsing of impairment and measurement values; see include/nswire/netlink/units.h.
// Decimal text becomes an integer mantissa and a power of ten, and every conversion is done in
// 128-bit integers, so "0.1%" and "1.5ms" mean exactly what they say.
#include "nswire/netlink/units.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

namespace nswire::netlink {
namespace {

using u128 = unsigned __int128;

struct Decimal {
  u128 mantissa = 0;  // digits without the point
  unsigned scale = 0; // digits after the point
  std::string_view unit;
  std::string problem;
};

constexpr unsigned kMaxDigits = 24;

u128 pow10(unsigned n) {
  u128 p = 1;
  while (n--) p *= 10;
  return p;
}

// DIGITS[.DIGITS] then the rest as the unit.
Decimal split(std::string_view text) {
  Decimal d;
  if (text.empty()) {
    d.problem = "is empty";
    return d;
  }
  size_t i = 0, digits = 0;
  auto digit = [&](size_t at) { return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); };
  if (!digit(0)) {
    if (text[0] == '-') d.problem = "is negative";
    else if (text[0] == '+') d.problem = "has a sign";
    else if (text[0] == '.') d.problem = "needs a digit before '.'";
    else if (std::isspace(static_cast<unsigned char>(text[0]))) d.problem = "has spaces";
    else d.problem = "is not a number";
    return d;
  }
  for (; digit(i); ++i, ++digits) d.mantissa = d.mantissa * 10 + static_cast<unsigned>(text[i] - '0');
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digit(i)) {
      d.problem = "needs a digit after '.'";
      return d;
    }
    for (; digit(i); ++i, ++digits, ++d.scale) d.mantissa = d.mantissa * 10 + static_cast<unsigned>(text[i] - '0');
  }
  if (digits > kMaxDigits) {
    d.problem = "has too many digits";
    return d;
  }
  d.unit = text.substr(i);
  if (d.unit.find_first_of(" \t\r\n") != std::string_view::npos) d.problem = "has spaces";
  else if (!d.unit.empty() && (d.unit[0] == 'e' || d.unit[0] == 'E') && d.unit.size() > 1 &&
           (std::isdigit(static_cast<unsigned char>(d.unit[1])) || d.unit[1] == '-' || d.unit[1] == '+'))
    d.problem = "has an exponent";
  return d;
}

// value * numerator / 10^scale must be whole: the whole value, or nullopt.
bool whole(const Decimal& d, u128 multiplier, u128& out) {
  const u128 total = d.mantissa * multiplier;
  const u128 divisor = pow10(d.scale);
  if (total % divisor) return false;
  out = total / divisor;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

template <class T>
Parsed<T> fail(std::string problem) {
  Parsed<T> p;
  p.problem = std::move(problem);
  return p;
}

}  // namespace

Parsed<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  using R = std::chrono::nanoseconds;
  Decimal d = split(text);
  if (!d.problem.empty()) return fail<R>(d.problem);
  struct Unit {
    std::string_view name;
    u128 ns;
  };
  static constexpr std::array<Unit, 4> kUnits{{{"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"ns", 1}}};
  if (d.unit.empty()) return fail<R>("needs a unit (s, ms, us, ns), e.g. 20ms");
  const Unit* unit = nullptr;
  for (const auto& u : kUnits)
    if (d.unit == u.name) unit = &u;
  if (!unit) return fail<R>("unknown unit \"" + std::string(d.unit) + "\" (s, ms, us, ns)");
  u128 ns;
  if (!whole(d, unit->ns, ns)) return fail<R>("finer than 1ns");
  if (ns > u128(3600) * 1000000000) return fail<R>("above 1 hour");
  return {R(static_cast<int64_t>(ns)), {}};
}

Parsed<Probability> parse_percent(std::string_view text) {
  Decimal d = split(text);
  if (!d.problem.empty()) return fail<Probability>(d.problem);
  if (d.unit.empty()) return fail<Probability>("needs a % sign, e.g. 1%");
  if (d.unit != "%") return fail<Probability>("unknown unit \"" + std::string(d.unit) + "\" (a percentage, e.g. 1%)");
  const u128 divisor = pow10(d.scale) * 100;
  if (d.mantissa > divisor) return fail<Probability>("above 100%");
  // rint(p / 100 * UINT32_MAX): round half to even, as rint does in the default rounding mode.
  const u128 scaled = d.mantissa * UINT32_MAX;
  u128 q = scaled / divisor;
  const u128 r = scaled % divisor;
  if (2 * r > divisor || (2 * r == divisor && (q & 1))) ++q;
  return {Probability{static_cast<uint32_t>(q)}, {}};
}

Parsed<uint64_t> parse_rate(std::string_view text) {
  Decimal d = split(text);
  if (!d.problem.empty()) return fail<uint64_t>(d.problem);
  if (d.unit.empty()) return fail<uint64_t>("needs a unit (bit, kbit, mbit, gbit, tbit), e.g. 50mbit");
  const std::string unit = lower(d.unit);
  struct Unit {
    std::string_view name;
    u128 bits;
  };
  static constexpr std::array<Unit, 5> kUnits{
      {{"bit", 1}, {"kbit", 1000}, {"mbit", 1000000}, {"gbit", 1000000000}, {"tbit", 1000000000000}}};
  const Unit* found = nullptr;
  for (const auto& u : kUnits)
    if (unit == u.name) found = &u;
  if (!found) {
    if (unit == "bps" || unit == "kbps" || unit == "mbps" || unit == "gbps" || unit == "tbps")
      return fail<uint64_t>("\"" + std::string(d.unit) + "\" is ambiguous (tc reads it as bytes per second); write " +
                            unit.substr(0, unit.size() - 3) + "bit for bits per second");
    if (unit.size() > 3 && unit.compare(unit.size() - 3, 3, "bit") == 0 && unit[1] == 'i')
      return fail<uint64_t>("binary prefixes are not used; write kbit, mbit, gbit (SI: 1000s)");
    return fail<uint64_t>("unknown unit \"" + std::string(d.unit) + "\" (bit, kbit, mbit, gbit, tbit)");
  }
  u128 bits;
  if (!whole(d, found->bits, bits)) return fail<uint64_t>("not a whole number of bit/s");
  if (bits == 0) return fail<uint64_t>("is zero");
  if (bits > u128(1000000000000)) return fail<uint64_t>("above 1tbit");
  if (bits % 8) return fail<uint64_t>("not a whole number of bytes per second (a multiple of 8bit)");
  return {static_cast<uint64_t>(bits), {}};
}

Parsed<uint32_t> parse_packets(std::string_view text) {
  Decimal d = split(text);
  if (!d.problem.empty()) return fail<uint32_t>(d.problem);
  if (d.scale) return fail<uint32_t>("is not a whole number of packets");
  if (!d.unit.empty()) return fail<uint32_t>("takes no unit (a number of packets)");
  if (d.mantissa == 0) return fail<uint32_t>("is zero");
  if (d.mantissa > UINT32_MAX) return fail<uint32_t>("above 4294967295");
  return {static_cast<uint32_t>(d.mantissa), {}};
}

std::string format_duration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  if (ns == 0) return "0s";
  if (ns % 1000000000 == 0) return std::to_string(ns / 1000000000) + "s";
  if (ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  if (ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
  return std::to_string(ns) + "ns";
}

std::string format_rate(uint64_t bps) {
  static constexpr std::array<std::pair<const char*, uint64_t>, 4> kUnits{
      {{"tbit", 1000000000000ULL}, {"gbit", 1000000000ULL}, {"mbit", 1000000ULL}, {"kbit", 1000ULL}}};
  if (bps == 0) return "0bit";
  for (const auto& [name, size] : kUnits)
    if (bps % size == 0) return std::to_string(bps / size) + name;
  return std::to_string(bps) + "bit";
}

}  // namespace nswire::netlink
