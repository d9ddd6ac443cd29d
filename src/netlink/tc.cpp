// Root qdiscs for link impairments; see include/nswire/netlink/tc.h. Layouts follow
// linux/pkt_sched.h and the kernel's parsers: net/sched/sch_netem.c (netem_change: TCA_OPTIONS is
// a struct tc_netem_qopt followed by TCA_NETEM_* attributes; LATENCY64/JITTER64 in ns override the
// qopt's 64 ns ticks) and net/sched/sch_tbf.c (tbf_change: TCA_OPTIONS holds TCA_TBF_* attributes;
// with TCA_TBF_BURST the kernel derives the token buffer itself, and with the rate's linklayer set
// it needs no rate table). Requests are built the way iproute2's tc/q_netem.c and tc/q_tbf.c
// build them: TCA_OPTIONS without NLA_F_NESTED.
#include "nswire/netlink/tc.h"

#include <libmnl/libmnl.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "attr.h"
#include "nswire/error.h"
#include "nswire/netlink/units.h"

namespace nswire::netlink {
namespace {

constexpr int kPschedShift = 6;  // include/net/pkt_sched.h: a psched tick is 64 ns
constexpr uint16_t kNetemPrngSeed = 14;  // TCA_NETEM_PRNG_SEED (kernel 5.19+; newer than our headers)
constexpr uint32_t kMinTbfBurst = 2 * 1514;

uint32_t ticks_of(std::chrono::nanoseconds ns) {
  return static_cast<uint32_t>(std::min<uint64_t>(static_cast<uint64_t>(ns.count()) >> kPschedShift, UINT_MAX));
}

template <class T>
T payload_as(const nlattr* attr) {
  T v{};
  std::memcpy(&v, mnl_attr_get_payload(attr), std::min<size_t>(sizeof v, mnl_attr_get_payload_len(attr)));
  return v;
}

// TCA_OPTIONS as the kernel and tc write it: a plain attribute whose length is fixed when it is
// closed, so that what follows its own payload (netem's attributes after the qopt) is inside it.
class Options {
 public:
  // Message::put keeps the message's own length current; only this attribute's is fixed here.
  Options(Batch& batch, Message& m, const void* head, size_t head_len) : batch_(batch), at_(batch.buffer().size()) {
    m.put(TCA_OPTIONS, head, head_len);
  }
  ~Options() {
    auto* nla = reinterpret_cast<nlattr*>(batch_.buffer().data() + at_);
    nla->nla_len = static_cast<uint16_t>(batch_.buffer().size() - at_);
  }
  Options(const Options&) = delete;
  Options& operator=(const Options&) = delete;

 private:
  Batch& batch_;
  size_t at_;
};

void put_netem(Batch& batch, Message& m, const Impairment& in) {
  const Impairment imp = in.normalized();
  tc_netem_qopt qopt{};
  qopt.latency = ticks_of(imp.delay);
  qopt.jitter = ticks_of(imp.jitter);
  qopt.limit = imp.limit;
  qopt.loss = imp.loss.value;
  qopt.gap = imp.gap;
  qopt.duplicate = imp.duplicate.value;
  Options options(batch, m, &qopt, sizeof qopt);
  if (imp.delay.count()) {
    const int64_t ns = imp.delay.count();
    m.put(TCA_NETEM_LATENCY64, &ns, sizeof ns);
  }
  if (imp.jitter.count()) {
    const int64_t ns = imp.jitter.count();
    m.put(TCA_NETEM_JITTER64, &ns, sizeof ns);
  }
  if (imp.delay_correlation || imp.loss_correlation || imp.duplicate_correlation) {
    tc_netem_corr corr{imp.delay_correlation.value, imp.loss_correlation.value, imp.duplicate_correlation.value};
    m.put(TCA_NETEM_CORR, &corr, sizeof corr);
  }
  if (imp.reorder || imp.reorder_correlation) {
    tc_netem_reorder reorder{imp.reorder.value, imp.reorder_correlation.value};
    m.put(TCA_NETEM_REORDER, &reorder, sizeof reorder);
  }
  if (imp.corrupt || imp.corrupt_correlation) {
    tc_netem_corrupt corrupt{imp.corrupt.value, imp.corrupt_correlation.value};
    m.put(TCA_NETEM_CORRUPT, &corrupt, sizeof corrupt);
  }
  if (imp.rate_bps) {
    const uint64_t bytes = imp.rate_bps / 8;
    tc_netem_rate rate{};
    if (bytes >= (1ULL << 32)) {
      m.put(TCA_NETEM_RATE64, &bytes, sizeof bytes);
      rate.rate = ~0U;
    } else {
      rate.rate = static_cast<uint32_t>(bytes);
    }
    m.put(TCA_NETEM_RATE, &rate, sizeof rate);
  }
}

void put_tbf(Batch& batch, Message& m, uint64_t rate_bps) {
  const uint64_t bytes = rate_bps / 8;
  const uint32_t burst = tbf_burst_bytes(rate_bps);
  tc_tbf_qopt qopt{};
  qopt.rate.rate = bytes >= (1ULL << 32) ? ~0U : static_cast<uint32_t>(bytes);
  qopt.rate.linklayer = TC_LINKLAYER_ETHERNET;  // the kernel then needs no rate table
  qopt.limit = tbf_limit_bytes(rate_bps);
  qopt.buffer = tbf_buffer_ticks(bytes, burst);  // ignored by the kernel next to TCA_TBF_BURST
  Options options(batch, m, nullptr, 0);
  m.put(TCA_TBF_PARMS, &qopt, sizeof qopt);
  m.put_u32(TCA_TBF_BURST, burst);
  if (bytes >= (1ULL << 32)) m.put(TCA_TBF_RATE64, &bytes, sizeof bytes);
}

// netem's TCA_OPTIONS: the qopt, then attributes (nla_parse after NLA_ALIGN(sizeof qopt)).
void parse_netem(const nlattr* options, RootQdisc& q) {
  const size_t len = mnl_attr_get_payload_len(options);
  if (len < sizeof(tc_netem_qopt)) {
    q.unlike_ours = "netem options too short";
    return;
  }
  tc_netem_qopt qopt;
  std::memcpy(&qopt, mnl_attr_get_payload(options), sizeof qopt);
  Impairment imp;
  imp.delay = std::chrono::nanoseconds(static_cast<int64_t>(qopt.latency) << kPschedShift);
  imp.jitter = std::chrono::nanoseconds(static_cast<int64_t>(qopt.jitter) << kPschedShift);
  imp.limit = qopt.limit;
  imp.loss = {qopt.loss};
  imp.gap = qopt.gap;
  imp.duplicate = {qopt.duplicate};
  std::vector<std::string> unlike;
  const auto* base = static_cast<const uint8_t*>(mnl_attr_get_payload(options));
  size_t at = NLA_ALIGN(sizeof(tc_netem_qopt));
  while (at + NLA_HDRLEN <= len) {
    const auto* attr = reinterpret_cast<const nlattr*>(base + at);
    if (attr->nla_len < NLA_HDRLEN || at + attr->nla_len > len) break;
    switch (mnl_attr_get_type(attr)) {
      case TCA_NETEM_LATENCY64: imp.delay = std::chrono::nanoseconds(payload_as<int64_t>(attr)); break;
      case TCA_NETEM_JITTER64: imp.jitter = std::chrono::nanoseconds(payload_as<int64_t>(attr)); break;
      case TCA_NETEM_CORR: {
        auto c = payload_as<tc_netem_corr>(attr);
        imp.delay_correlation = {c.delay_corr};
        imp.loss_correlation = {c.loss_corr};
        imp.duplicate_correlation = {c.dup_corr};
        break;
      }
      case TCA_NETEM_REORDER: {
        auto r = payload_as<tc_netem_reorder>(attr);
        imp.reorder = {r.probability};
        imp.reorder_correlation = {r.correlation};
        break;
      }
      case TCA_NETEM_CORRUPT: {
        auto c = payload_as<tc_netem_corrupt>(attr);
        imp.corrupt = {c.probability};
        imp.corrupt_correlation = {c.correlation};
        break;
      }
      case TCA_NETEM_RATE: {
        auto r = payload_as<tc_netem_rate>(attr);
        if (r.rate != ~0U) imp.rate_bps = static_cast<uint64_t>(r.rate) * 8;
        if (r.packet_overhead || r.cell_size || r.cell_overhead) unlike.push_back("netem rate overhead/cell set");
        break;
      }
      case TCA_NETEM_RATE64: imp.rate_bps = payload_as<uint64_t>(attr) * 8; break;
      case TCA_NETEM_ECN: unlike.push_back("netem ecn set"); break;
      case TCA_NETEM_LOSS:
        if (mnl_attr_get_payload_len(attr) > 0) unlike.push_back("netem loss model set");
        break;
      case TCA_NETEM_SLOT: unlike.push_back("netem slot set"); break;
      case kNetemPrngSeed: break;  // random per qdisc unless set; not part of an impairment
      default: break;
    }
    at += NLA_ALIGN(attr->nla_len);
  }
  // The kernel reports a reorder probability of ~0 with a gap and no explicit one (see
  // netem_change: "if gap is set, need to assume 100% probability"); nswire always sends it.
  q.impairment = imp;
  for (const auto& u : unlike) q.unlike_ours += (q.unlike_ours.empty() ? "" : "; ") + u;
}

void parse_tbf(const nlattr* options, RootQdisc& q) {
  const tc_tbf_qopt* qopt = nullptr;
  tc_tbf_qopt copy{};
  uint64_t rate64 = 0;
  detail::for_each_nested(options, [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) == TCA_TBF_PARMS && mnl_attr_get_payload_len(attr) >= sizeof(tc_tbf_qopt)) {
      std::memcpy(&copy, mnl_attr_get_payload(attr), sizeof copy);
      qopt = &copy;
    }
    if (mnl_attr_get_type(attr) == TCA_TBF_RATE64) rate64 = payload_as<uint64_t>(attr);
  });
  if (!qopt) {
    q.unlike_ours = "tbf without parameters";
    return;
  }
  const uint64_t bytes = std::max<uint64_t>(qopt->rate.rate, rate64);
  Impairment imp;
  imp.rate_bps = bytes * 8;
  q.impairment = imp;
  std::vector<std::string> unlike;
  if (qopt->peakrate.rate) unlike.push_back("tbf peakrate set");
  if (qopt->rate.overhead || qopt->rate.mpu) unlike.push_back("tbf overhead/mpu set");
  if (qopt->limit != tbf_limit_bytes(imp.rate_bps))
    unlike.push_back("tbf limit " + std::to_string(qopt->limit) + " bytes, nswire sets " +
                     std::to_string(tbf_limit_bytes(imp.rate_bps)));
  if (qopt->buffer != tbf_buffer_ticks(bytes, tbf_burst_bytes(imp.rate_bps)))
    unlike.push_back("tbf burst differs from nswire's " + std::to_string(tbf_burst_bytes(imp.rate_bps)) + " bytes");
  for (const auto& u : unlike) q.unlike_ours += (q.unlike_ours.empty() ? "" : "; ") + u;
}

}  // namespace

uint32_t tbf_burst_bytes(uint64_t rate_bps) {
  const uint64_t per_4ms = rate_bps / 8 * 4 / 1000;
  return static_cast<uint32_t>(std::clamp<uint64_t>(per_4ms, kMinTbfBurst, UINT32_MAX));
}

uint32_t tbf_limit_bytes(uint64_t rate_bps) {
  const uint64_t per_50ms = rate_bps / 8 * 50 / 1000;
  return static_cast<uint32_t>(std::min<uint64_t>(per_50ms + tbf_burst_bytes(rate_bps), UINT32_MAX));
}

uint32_t tbf_buffer_ticks(uint64_t rate_bytes_per_second, uint32_t burst_bytes) {
  // net/sched/sch_generic.c psched_ratecfg_precompute__(): the largest mult (below 2^31) and shift
  // with time_ns = (len * mult) >> shift ~ len * NSEC_PER_SEC / rate.
  uint32_t mult = 1;
  unsigned shift = 0;
  if (rate_bytes_per_second > 0) {
    uint64_t factor = 1000000000ULL;
    for (;;) {
      mult = static_cast<uint32_t>(factor / rate_bytes_per_second);
      if ((mult & (1U << 31)) || (factor & (1ULL << 63))) break;
      factor <<= 1;
      ++shift;
    }
  }
  const uint64_t ns = (static_cast<uint64_t>(burst_bytes) * mult) >> shift;  // psched_l2t_ns()
  return static_cast<uint32_t>(ns >> kPschedShift);                          // PSCHED_NS2TICKS()
}

bool RootQdisc::is_ours() const {
  if (!impairment || !unlike_ours.empty()) return false;
  if (kind == "netem") return handle == kNetemHandle;
  if (kind == "tbf") return handle == kTbfHandle;
  return false;
}

void replace_root_qdisc(Batch& batch, int ifindex, const std::string& link, const Impairment& impairment) {
  if (impairment.empty()) throw nswire::Error("impair " + link + ": no impairment given (delete the root qdisc instead)");
  auto issues = problems(impairment);
  if (!issues.empty()) {
    std::string text;
    for (const auto& i : issues) text += (text.empty() ? "" : ", ") + i;
    throw nswire::Error("impair " + link + ": " + text);
  }
  const bool tbf = impairment.rate_only();
  auto m = batch.add<tcmsg>(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE,
                            std::string("set root qdisc ") + (tbf ? "tbf" : "netem") + " on", link);
  auto& t = m.header<tcmsg>();
  t.tcm_family = AF_UNSPEC;
  t.tcm_ifindex = ifindex;
  t.tcm_handle = tbf ? kTbfHandle : kNetemHandle;
  t.tcm_parent = TC_H_ROOT;
  m.put_str(TCA_KIND, tbf ? "tbf" : "netem");
  if (tbf) put_tbf(batch, m, impairment.rate_bps);
  else put_netem(batch, m, impairment);
}

void delete_root_qdisc(Batch& batch, int ifindex, const std::string& link, uint32_t handle) {
  auto m = batch.add<tcmsg>(RTM_DELQDISC, 0, "delete root qdisc of", link);
  auto& t = m.header<tcmsg>();
  t.tcm_family = AF_UNSPEC;
  t.tcm_ifindex = ifindex;
  t.tcm_handle = handle;
  t.tcm_parent = TC_H_ROOT;
}

std::optional<RootQdisc> parse_root_qdisc(const nlmsghdr* nlh) {
  if (nlh->nlmsg_type != RTM_NEWQDISC || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(tcmsg))) return std::nullopt;
  const auto* t = static_cast<const tcmsg*>(mnl_nlmsg_get_payload(nlh));
  if (t->tcm_parent != TC_H_ROOT) return std::nullopt;
  RootQdisc q;
  q.ifindex = t->tcm_ifindex;
  q.handle = t->tcm_handle;
  const nlattr* options = nullptr;
  detail::for_each_attr(nlh, sizeof(tcmsg), [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) == TCA_KIND) q.kind = mnl_attr_get_str(attr);
    if (mnl_attr_get_type(attr) == TCA_OPTIONS) options = attr;
  });
  if (q.kind == "netem") {
    if (options) parse_netem(options, q);
    else q.unlike_ours = "netem without options";
  } else if (q.kind == "tbf") {
    if (options) parse_tbf(options, q);
    else q.unlike_ours = "tbf without options";
  }
  return q;
}

std::vector<RootQdisc> dump_root_qdiscs(Socket& socket, int ifindex) {
  tcmsg request{};
  request.tcm_family = AF_UNSPEC;
  request.tcm_ifindex = ifindex;
  std::vector<RootQdisc> out;
  socket.dump(RTM_GETQDISC, &request, sizeof request, [&](const nlmsghdr* nlh) {
    auto q = parse_root_qdisc(nlh);
    if (q && (ifindex == 0 || q->ifindex == ifindex)) out.push_back(std::move(*q));
  });
  return out;
}

}  // namespace nswire::netlink
