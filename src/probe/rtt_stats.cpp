// Round-trip statistics of paced probes, computed the way iputils' ping prints its summary
// (min/avg/max/mdev, mdev the population standard deviation); see probe.h.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "nswire/probe/probe.h"

namespace nswire::probe {

double RttStats::loss_percent() const {
  return sent > 0 ? 100.0 * static_cast<double>(sent - received) / static_cast<double>(sent) : 0.0;
}

RttStats rtt_stats(const std::vector<std::chrono::microseconds>& round_trips, int sent) {
  RttStats s;
  s.sent = sent;
  s.received = static_cast<int>(round_trips.size());
  if (round_trips.empty()) return s;
  auto [lo, hi] = std::minmax_element(round_trips.begin(), round_trips.end());
  s.min = *lo;
  s.max = *hi;
  double sum = 0, sum2 = 0;
  for (auto r : round_trips) {
    const double v = static_cast<double>(r.count());
    sum += v;
    sum2 += v * v;
  }
  const double n = static_cast<double>(round_trips.size());
  const double avg = sum / n;
  s.avg = std::chrono::microseconds(std::llround(avg));
  s.mdev = std::chrono::microseconds(std::llround(std::sqrt(std::max(0.0, sum2 / n - avg * avg))));
  return s;
}

}  // namespace nswire::probe
