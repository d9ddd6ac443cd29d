// Link impairments as root qdiscs over rtnetlink: one plain value type (Impairment) for what a lab
// asks of a link's egress (delay, jitter, loss, duplication, corruption, reordering, a rate, a
// queue limit), builders that add the RTM_NEWQDISC / RTM_DELQDISC requests to a Batch, and a dump
// (RTM_GETQDISC) parsed back into the same value type, so a planner compares desired and observed
// with ==. What is set is what is read back: every field is kept in the unit the kernel keeps
// (nanoseconds, the u32 probability, bytes per second), and what the kernel derives itself (tbf's
// token buffer) is predicted with the kernel's own arithmetic (see tbf_buffer_ticks).
//
// Qdisc choice: an Impairment that only limits the rate becomes a token bucket (tbf, which this
// kernel has); anything else becomes netem (sch_netem, which carries the rate itself). The qdisc
// gets a fixed handle per kind (kNetemHandle, kTbfHandle): a root with one of them on a link of
// the lab's is nswire's, and two handles let a replace switch kinds in one request (the kernel
// refuses to change the kind of a qdisc in place).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink {

// A probability as the kernel's netem keeps it: 0 = never, UINT32_MAX = always.
struct Probability {
  uint32_t value = 0;
  bool operator==(const Probability&) const = default;
  explicit operator bool() const { return value != 0; }
  // Percent (0..100) as a double, for people.
  double percent() const;
  // tc's rounding: rint(percent / 100 * UINT32_MAX).
  static Probability from_percent(double percent);
};

// "1%", "0.1%", "0.001%", "100%": the shortest decimal (up to 4 places) that reads back as p.
std::string format_percent(Probability p);

struct Impairment {
  std::chrono::nanoseconds delay{0};
  std::chrono::nanoseconds jitter{0};  // uniform +-jitter around delay; at most INT32_MAX ns
  Probability loss;
  Probability duplicate;
  Probability corrupt;
  Probability reorder;  // sent at once instead of delayed (needs a delay)
  // Correlations with the previous packet's draw (netem's "delay 10ms 5ms 25%" and friends).
  Probability delay_correlation;
  Probability loss_correlation;
  Probability duplicate_correlation;
  Probability reorder_correlation;
  Probability corrupt_correlation;
  uint32_t gap = 0;  // reorder every gap-th packet (netem's gap); 0 with reorder means 1
  uint64_t rate_bps = 0;  // bit/s, a multiple of 8 (the kernel counts bytes/s); 0 = unlimited
  uint32_t limit = 0;     // netem queue, packets; 0 = netem's default (1000)
  bool operator==(const Impairment&) const = default;

  bool empty() const { return *this == Impairment{}; }
  // True when only the rate is asked for: a token bucket does it, netem is not needed.
  bool rate_only() const;
  // The kernel's own default for an unset field filled in (netem: limit 1000, gap 1 when
  // reordering): what a dump of this impairment reads back as. A rate-only one is returned as is.
  Impairment normalized() const;
};

// "delay 20ms jitter 5ms loss 1% rate 50mbit" (only what is set), "none" when empty.
std::string describe(const Impairment& impairment);

// Problems that would make the kernel refuse the impairment or read it back differently, in a few
// words each ("jitter above 2.147483647s", "reorder needs a delay"); empty when it is fine.
std::vector<std::string> problems(const Impairment& impairment);

inline constexpr uint32_t kNetemHandle = 0x5e010000;  // "5e01:" in tc
inline constexpr uint32_t kTbfHandle = 0x5e020000;    // "5e02:"

// The token bucket nswire configures for a rate (bytes are what the kernel counts):
//   burst = 4 ms of traffic at the rate, at least two full Ethernet frames (3028 bytes);
//   limit = 50 ms of traffic at the rate plus the burst (the queue, in bytes).
uint32_t tbf_burst_bytes(uint64_t rate_bps);
uint32_t tbf_limit_bytes(uint64_t rate_bps);
// The token buffer the kernel derives from a burst, as its dump reports it (psched ticks of
// 64 ns): psched_l2t_ns() with psched_ratecfg_precompute()'s reciprocal, then >> PSCHED_SHIFT.
uint32_t tbf_buffer_ticks(uint64_t rate_bytes_per_second, uint32_t burst_bytes);

// A link's root qdisc as the kernel reports it.
struct RootQdisc {
  int ifindex = 0;
  std::string kind;     // "noqueue" (veth's default), "pfifo_fast", "netem", "tbf", "htb", ...
  uint32_t handle = 0;  // 0 for a default qdisc the kernel attached itself
  // Set for netem and tbf (any handle): what it does, in the value type nswire sets.
  std::optional<Impairment> impairment;
  // Why that netem or tbf is not one nswire would have made ("tbf limit 10000 bytes, nswire sets
  // 337500", "netem ecn set"); empty otherwise. netem's delay distribution tables are not dumped
  // by the kernel, so a hand-made "distribution normal" cannot be told apart.
  std::string unlike_ours;
  bool operator==(const RootQdisc&) const = default;

  // The kernel's own default (handle 0), as after delete_root_qdisc.
  bool is_default() const { return handle == 0; }
  // nswire's handle for its kind, and configured the way nswire configures it. A planner's
  // "in sync" for a link: desired.empty() ? is_default() : is_ours() && *impairment ==
  // desired.normalized().
  bool is_ours() const;
};

// Replaces the root qdisc of link `ifindex` (named `link` in errors) with what `impairment` needs
// (netem, or tbf for a rate alone), in one request: NLM_F_CREATE|NLM_F_REPLACE with nswire's
// handle. A root with the same handle is changed in place, anything else is replaced. Throws
// nswire::Error (and adds nothing) when problems(impairment) is not empty or impairment is empty.
void replace_root_qdisc(Batch& batch, int ifindex, const std::string& link, const Impairment& impairment);

// Deletes the root qdisc of the link; the kernel puts its default back (noqueue on a veth).
// With handle != 0 the kernel refuses ("Invalid handle") unless the root has that handle, so
// nswire never deletes a root it did not set. A default root cannot be deleted (ENOENT).
void delete_root_qdisc(Batch& batch, int ifindex, const std::string& link, uint32_t handle = 0);

// Root qdiscs of every link in the socket's namespace (or of one link when ifindex != 0).
std::vector<RootQdisc> dump_root_qdiscs(Socket& socket, int ifindex = 0);

// Parses one RTM_NEWQDISC message; nullopt when it is not a root qdisc. For unit tests of the
// parser with captured or constructed replies.
std::optional<RootQdisc> parse_root_qdisc(const nlmsghdr* nlh);

}  // namespace nswire::netlink
