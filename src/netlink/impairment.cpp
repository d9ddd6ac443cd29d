// The impairment value type's own rules (see include/nswire/netlink/tc.h): probabilities as the
// kernel's u32, the defaults netem applies (so a planner compares what the kernel will report),
// text for people, and what makes an impairment one the kernel refuses. Pure: part of
// nswire_netlink_rules, which the model links.
#include <climits>
#include <cmath>
#include <cstdio>

#include "nswire/netlink/tc.h"
#include "nswire/netlink/units.h"

namespace nswire::netlink {
namespace {

constexpr uint32_t kNetemDefaultLimit = 1000;  // net/sched/sch_netem.c: netem_init

std::string describe_probability(const char* name, Probability p, Probability correlation) {
  std::string s = std::string(" ") + name + " " + format_percent(p);
  if (correlation) s += " (correlation " + format_percent(correlation) + ")";
  return s;
}

}  // namespace

double Probability::percent() const { return static_cast<double>(value) * 100.0 / UINT32_MAX; }

Probability Probability::from_percent(double percent) {
  const double v = std::rint(percent / 100.0 * UINT32_MAX);
  if (!(v > 0)) return {0};
  if (v >= static_cast<double>(UINT32_MAX)) return {UINT32_MAX};
  return {static_cast<uint32_t>(v)};
}

std::string format_percent(Probability p) {
  for (int decimals = 0; decimals <= 4; ++decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f%%", decimals, p.percent());
    auto back = parse_percent(buf);
    if (back.ok() && back.value == p) return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f%%", p.percent());
  return buf;
}

bool Impairment::rate_only() const {
  Impairment just_rate;
  just_rate.rate_bps = rate_bps;
  return rate_bps != 0 && *this == just_rate;
}

Impairment Impairment::normalized() const {
  if (rate_only()) return *this;  // a token bucket: no netem defaults
  Impairment n = *this;
  if (n.limit == 0) n.limit = kNetemDefaultLimit;
  if (n.reorder && n.gap == 0) n.gap = 1;
  return n;
}

std::string describe(const Impairment& imp) {
  std::string s;
  if (imp.delay.count()) s += " delay " + format_duration(imp.delay);
  if (imp.jitter.count()) s += " jitter " + format_duration(imp.jitter);
  if (imp.delay_correlation) s += " (correlation " + format_percent(imp.delay_correlation) + ")";
  if (imp.loss) s += describe_probability("loss", imp.loss, imp.loss_correlation);
  if (imp.duplicate) s += describe_probability("duplicate", imp.duplicate, imp.duplicate_correlation);
  if (imp.corrupt) s += describe_probability("corrupt", imp.corrupt, imp.corrupt_correlation);
  if (imp.reorder) s += describe_probability("reorder", imp.reorder, imp.reorder_correlation);
  if (imp.gap > 1) s += " gap " + std::to_string(imp.gap);
  if (imp.rate_bps) s += " rate " + format_rate(imp.rate_bps);
  if (imp.limit) s += " limit " + std::to_string(imp.limit);
  return s.empty() ? "none" : s.substr(1);
}

std::vector<std::string> problems(const Impairment& imp) {
  std::vector<std::string> out;
  if (imp.delay.count() < 0) out.push_back("negative delay");
  if (imp.jitter.count() < 0) out.push_back("negative jitter");
  // netem_change caps jitter at INT_MAX ns; a larger one would read back smaller.
  if (imp.jitter.count() > INT_MAX) out.push_back("jitter above 2.147483647s");
  if (imp.rate_bps % 8) out.push_back("rate not a whole number of bytes per second");
  if (imp.reorder && imp.delay.count() == 0) out.push_back("reorder needs a delay");
  if (imp.gap && !imp.reorder) out.push_back("gap needs reorder");
  if (imp.reorder_correlation && !imp.reorder) out.push_back("reorder correlation needs reorder");
  if (imp.corrupt_correlation && !imp.corrupt) out.push_back("corrupt correlation needs corrupt");
  return out;
}

}  // namespace nswire::netlink
