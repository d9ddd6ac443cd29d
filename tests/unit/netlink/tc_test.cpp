// tc requests checked byte by byte against linux/pkt_sched.h and the kernel's parsers (netem's
// TCA_OPTIONS is a tc_netem_qopt followed by attributes; tbf's holds attributes only), and
// replies built the way netem_dump()/tbf_dump() write them parsed back into the same value.
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <climits>
#include <cstring>
#include <map>

#include "nswire/error.h"
#include "nswire/netlink/tc.h"
#include "nswire/netlink/units.h"

using namespace nswire::netlink;
using namespace std::chrono_literals;

namespace {

Probability pct(const char* text) { return parse_percent(text).value; }

const nlmsghdr* first(const Batch& b) { return reinterpret_cast<const nlmsghdr*>(b.buffer().data()); }

// Top-level attributes of a tc message, by type (type bits only, flags kept in `raw_type`).
struct Attr {
  uint16_t raw_type;
  std::vector<uint8_t> payload;
};
std::map<uint16_t, Attr> attributes(const nlmsghdr* nlh) {
  std::map<uint16_t, Attr> out;
  const auto* base = reinterpret_cast<const uint8_t*>(nlh) + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(tcmsg));
  size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(tcmsg)), at = 0;
  while (at + NLA_HDRLEN <= len) {
    const auto* a = reinterpret_cast<const nlattr*>(base + at);
    out[a->nla_type & NLA_TYPE_MASK] = {a->nla_type, std::vector<uint8_t>(base + at + NLA_HDRLEN, base + at + a->nla_len)};
    at += NLA_ALIGN(a->nla_len);
  }
  EXPECT_EQ(at, len) << "attributes do not fill the message exactly";
  return out;
}

// Attributes inside a payload from `offset` on (netem: after the qopt).
std::vector<std::pair<uint16_t, std::vector<uint8_t>>> inner(const std::vector<uint8_t>& payload, size_t offset) {
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> out;
  size_t at = offset;
  while (at + NLA_HDRLEN <= payload.size()) {
    nlattr a;
    std::memcpy(&a, payload.data() + at, sizeof a);
    out.push_back({a.nla_type, std::vector<uint8_t>(payload.begin() + at + NLA_HDRLEN, payload.begin() + at + a.nla_len)});
    at += NLA_ALIGN(a.nla_len);
  }
  EXPECT_EQ(at, payload.size());
  return out;
}

template <class T>
T as(const std::vector<uint8_t>& bytes) {
  EXPECT_EQ(bytes.size(), sizeof(T));
  T v{};
  std::memcpy(&v, bytes.data(), std::min(bytes.size(), sizeof v));
  return v;
}

Impairment wan() {
  Impairment imp;
  imp.delay = 20ms;
  imp.jitter = 5ms;
  imp.loss = pct("1%");
  imp.duplicate = pct("0.1%");
  imp.corrupt = pct("0.1%");
  imp.reorder = pct("1%");
  imp.rate_bps = parse_rate("100mbit").value;
  imp.limit = 1000;
  return imp;
}

}  // namespace

TEST(ReplaceRootQdisc, NetemRequestCarriesQoptThenAttributesLikeTc) {
  Batch b;
  replace_root_qdisc(b, 7, "eth0", wan());
  const nlmsghdr* nlh = first(b);
  EXPECT_EQ(nlh->nlmsg_type, RTM_NEWQDISC);
  EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
  EXPECT_EQ(nlh->nlmsg_len, b.buffer().size());
  const auto* t = reinterpret_cast<const tcmsg*>(reinterpret_cast<const uint8_t*>(nlh) + NLMSG_HDRLEN);
  EXPECT_EQ(t->tcm_ifindex, 7);
  EXPECT_EQ(t->tcm_parent, TC_H_ROOT);
  EXPECT_EQ(t->tcm_handle, 0x5e010000u);
  auto attrs = attributes(nlh);
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(std::string(attrs[TCA_KIND].payload.begin(), attrs[TCA_KIND].payload.end()), std::string("netem\0", 6));
  // TCA_OPTIONS is not flagged nested: its payload starts with a struct, as q_netem.c sends it.
  EXPECT_EQ(attrs[TCA_OPTIONS].raw_type, TCA_OPTIONS);
  const auto& options = attrs[TCA_OPTIONS].payload;
  ASSERT_GE(options.size(), sizeof(tc_netem_qopt));
  tc_netem_qopt qopt;
  std::memcpy(&qopt, options.data(), sizeof qopt);
  EXPECT_EQ(qopt.latency, 20000000u >> 6);  // 64 ns ticks, for kernels before LATENCY64
  EXPECT_EQ(qopt.jitter, 5000000u >> 6);
  EXPECT_EQ(qopt.limit, 1000u);
  EXPECT_EQ(qopt.loss, 42949673u);
  EXPECT_EQ(qopt.duplicate, 4294967u);
  EXPECT_EQ(qopt.gap, 1u);  // reorder without a gap means every packet may be sent early, as tc sets it
  auto list = inner(options, NLA_ALIGN(sizeof(tc_netem_qopt)));
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0].first, TCA_NETEM_LATENCY64);
  EXPECT_EQ(as<int64_t>(list[0].second), 20000000);
  EXPECT_EQ(list[1].first, TCA_NETEM_JITTER64);
  EXPECT_EQ(as<int64_t>(list[1].second), 5000000);
  EXPECT_EQ(list[2].first, TCA_NETEM_REORDER);
  EXPECT_EQ(as<tc_netem_reorder>(list[2].second).probability, 42949673u);
  EXPECT_EQ(as<tc_netem_reorder>(list[2].second).correlation, 0u);
  EXPECT_EQ(list[3].first, TCA_NETEM_CORRUPT);
  EXPECT_EQ(as<tc_netem_corrupt>(list[3].second).probability, 4294967u);
  EXPECT_EQ(list[4].first, TCA_NETEM_RATE);
  auto rate = as<tc_netem_rate>(list[4].second);
  EXPECT_EQ(rate.rate, 12500000u);  // bytes per second
  EXPECT_EQ(rate.packet_overhead, 0);
}

TEST(ReplaceRootQdisc, NetemCorrelationsAndHugeRate) {
  Impairment imp;
  imp.delay = 10ms;
  imp.delay_correlation = pct("25%");
  imp.loss = pct("1%");
  imp.loss_correlation = pct("50%");
  imp.rate_bps = 100000000000;  // 100gbit: 12.5e9 bytes/s does not fit the u32
  Batch b;
  replace_root_qdisc(b, 3, "x", imp);
  auto options = attributes(first(b))[TCA_OPTIONS].payload;
  auto list = inner(options, NLA_ALIGN(sizeof(tc_netem_qopt)));
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[1].first, TCA_NETEM_CORR);
  auto corr = as<tc_netem_corr>(list[1].second);
  EXPECT_EQ(corr.delay_corr, pct("25%").value);
  EXPECT_EQ(corr.loss_corr, pct("50%").value);
  EXPECT_EQ(corr.dup_corr, 0u);
  EXPECT_EQ(list[2].first, TCA_NETEM_RATE64);
  EXPECT_EQ(as<uint64_t>(list[2].second), 12500000000u);
  EXPECT_EQ(list[3].first, TCA_NETEM_RATE);
  EXPECT_EQ(as<tc_netem_rate>(list[3].second).rate, ~0U);
}

TEST(ReplaceRootQdisc, RateAloneIsATokenBucketWithoutRateTable) {
  Impairment imp;
  imp.rate_bps = 50000000;
  ASSERT_TRUE(imp.rate_only());
  Batch b;
  replace_root_qdisc(b, 9, "veth0", imp);
  const nlmsghdr* nlh = first(b);
  const auto* t = reinterpret_cast<const tcmsg*>(reinterpret_cast<const uint8_t*>(nlh) + NLMSG_HDRLEN);
  EXPECT_EQ(t->tcm_handle, 0x5e020000u);
  auto attrs = attributes(nlh);
  EXPECT_EQ(std::string(attrs[TCA_KIND].payload.begin(), attrs[TCA_KIND].payload.end()), std::string("tbf\0", 4));
  EXPECT_EQ(attrs[TCA_OPTIONS].raw_type, TCA_OPTIONS);
  auto list = inner(attrs[TCA_OPTIONS].payload, 0);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].first, TCA_TBF_PARMS);
  auto qopt = as<tc_tbf_qopt>(list[0].second);
  EXPECT_EQ(qopt.rate.rate, 6250000u);
  EXPECT_EQ(qopt.rate.linklayer, TC_LINKLAYER_ETHERNET);
  EXPECT_EQ(qopt.peakrate.rate, 0u);
  EXPECT_EQ(qopt.limit, 6250000u / 20 + 25000);  // 50 ms of queue plus the burst
  EXPECT_EQ(qopt.buffer, tbf_buffer_ticks(6250000, 25000));
  EXPECT_EQ(list[1].first, TCA_TBF_BURST);
  EXPECT_EQ(as<uint32_t>(list[1].second), 25000u);  // 4 ms at 50 mbit
}

TEST(ReplaceRootQdisc, TbfAbove4GBytesPerSecondAddsRate64) {
  Impairment imp;
  imp.rate_bps = 400000000000;  // 400gbit
  Batch b;
  replace_root_qdisc(b, 1, "x", imp);
  auto list = inner(attributes(first(b))[TCA_OPTIONS].payload, 0);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(as<tc_tbf_qopt>(list[0].second).rate.rate, ~0U);
  EXPECT_EQ(list[2].first, TCA_TBF_RATE64);
  EXPECT_EQ(as<uint64_t>(list[2].second), 50000000000u);
}

TEST(ReplaceRootQdisc, RefusesBadImpairmentsBeforeAddingAnything) {
  Batch b;
  EXPECT_THROW(replace_root_qdisc(b, 1, "x", Impairment{}), nswire::Error);
  Impairment reorder_only;
  reorder_only.reorder = pct("1%");
  try {
    replace_root_qdisc(b, 1, "eth0", reorder_only);
    FAIL() << "accepted";
  } catch (const nswire::Error& e) {
    EXPECT_STREQ(e.what(), "impair eth0: reorder needs a delay");
  }
  Impairment big_jitter;
  big_jitter.delay = 1s;
  big_jitter.jitter = 3s;
  EXPECT_EQ(problems(big_jitter), std::vector<std::string>{"jitter above 2.147483647s"});
  Impairment odd_rate;
  odd_rate.rate_bps = 12;
  EXPECT_EQ(problems(odd_rate), std::vector<std::string>{"rate not a whole number of bytes per second"});
  EXPECT_TRUE(b.empty());
}

TEST(DeleteRootQdisc, NamesTheRootAndOptionallyOurHandle) {
  Batch b;
  delete_root_qdisc(b, 4, "eth1", kTbfHandle);
  const nlmsghdr* nlh = first(b);
  EXPECT_EQ(nlh->nlmsg_type, RTM_DELQDISC);
  EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  const auto* t = reinterpret_cast<const tcmsg*>(reinterpret_cast<const uint8_t*>(nlh) + NLMSG_HDRLEN);
  EXPECT_EQ(t->tcm_ifindex, 4);
  EXPECT_EQ(t->tcm_parent, TC_H_ROOT);
  EXPECT_EQ(t->tcm_handle, kTbfHandle);
  EXPECT_EQ(nlh->nlmsg_len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(tcmsg)));
}

TEST(ParseRootQdisc, OurRequestReadsBackAsTheNormalizedImpairment) {
  for (Impairment imp : {wan(), [] {
         Impairment i;
         i.delay = 30ms;
         i.loss = pct("1%");
         return i;
       }()}) {
    Batch b;
    replace_root_qdisc(b, 7, "eth0", imp);
    auto q = parse_root_qdisc(first(b));
    ASSERT_TRUE(q);
    EXPECT_EQ(q->kind, "netem");
    EXPECT_EQ(q->ifindex, 7);
    ASSERT_TRUE(q->impairment);
    EXPECT_EQ(*q->impairment, imp.normalized()) << describe(*q->impairment);
    EXPECT_TRUE(q->is_ours());
  }
  Impairment rate;
  rate.rate_bps = 50000000;
  Batch b;
  replace_root_qdisc(b, 2, "eth0", rate);
  auto q = parse_root_qdisc(first(b));
  ASSERT_TRUE(q && q->impairment);
  EXPECT_EQ(*q->impairment, rate);
  EXPECT_EQ(q->unlike_ours, "");
  EXPECT_TRUE(q->is_ours());
}

namespace {

// A reply as netem_dump() writes it: qopt, LATENCY64, JITTER64, CORR, REORDER, CORRUPT, RATE,
// [ECN], [LOSS], [SLOT], PRNG_SEED, all inside one TCA_OPTIONS.
Batch netem_dump(uint32_t handle, int64_t latency_ns, uint32_t loss, bool ecn) {
  Batch b;
  auto m = b.add<tcmsg>(RTM_NEWQDISC, 0, "reply", "");
  m.header<tcmsg>().tcm_ifindex = 5;
  m.header<tcmsg>().tcm_handle = handle;
  m.header<tcmsg>().tcm_parent = TC_H_ROOT;
  m.put_str(TCA_KIND, "netem");
  size_t at = b.buffer().size();
  tc_netem_qopt qopt{static_cast<uint32_t>(latency_ns >> 6), 1000, loss, 0, 0, 0};
  m.put(TCA_OPTIONS, &qopt, sizeof qopt);
  int64_t zero = 0;
  m.put(TCA_NETEM_LATENCY64, &latency_ns, 8);
  m.put(TCA_NETEM_JITTER64, &zero, 8);
  tc_netem_corr corr{};
  m.put(TCA_NETEM_CORR, &corr, sizeof corr);
  tc_netem_reorder reorder{};
  m.put(TCA_NETEM_REORDER, &reorder, sizeof reorder);
  tc_netem_corrupt corrupt{};
  m.put(TCA_NETEM_CORRUPT, &corrupt, sizeof corrupt);
  tc_netem_rate rate{};
  m.put(TCA_NETEM_RATE, &rate, sizeof rate);
  if (ecn) m.put_u32(TCA_NETEM_ECN, 1);
  uint64_t seed = 0x1234;
  m.put(14, &seed, 8);  // TCA_NETEM_PRNG_SEED
  reinterpret_cast<nlattr*>(b.buffer().data() + at)->nla_len = static_cast<uint16_t>(b.buffer().size() - at);
  return b;
}

}  // namespace

TEST(ParseRootQdisc, KernelNetemDumpWithNanosecondLatency) {
  // 30 ms + 7 ns: not a whole number of ticks, so only LATENCY64 gives it back exactly.
  auto b = netem_dump(kNetemHandle, 30000007, 42949673, false);
  auto q = parse_root_qdisc(first(b));
  ASSERT_TRUE(q && q->impairment);
  Impairment want;
  want.delay = 30000007ns;
  want.loss = pct("1%");
  want.limit = 1000;
  EXPECT_EQ(*q->impairment, want);
  EXPECT_TRUE(q->is_ours());
}

TEST(ParseRootQdisc, HandMadeNetemIsNotOurs) {
  auto ecn = netem_dump(kNetemHandle, 1000000, 1, true);
  auto q = parse_root_qdisc(first(ecn));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->unlike_ours, "netem ecn set");
  EXPECT_FALSE(q->is_ours());
  auto other_handle = netem_dump(0x10000, 1000000, 0, false);
  q = parse_root_qdisc(first(other_handle));
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->unlike_ours.empty());
  EXPECT_FALSE(q->is_ours());
}

TEST(ParseRootQdisc, ForeignTbfBurstOrLimitIsNotOurs) {
  Batch b;
  auto m = b.add<tcmsg>(RTM_NEWQDISC, 0, "reply", "");
  m.header<tcmsg>().tcm_handle = kTbfHandle;
  m.header<tcmsg>().tcm_parent = TC_H_ROOT;
  m.put_str(TCA_KIND, "tbf");
  {
    auto n = m.nest(TCA_OPTIONS);
    tc_tbf_qopt qopt{};
    qopt.rate.rate = 6250000;
    qopt.limit = 10000;
    qopt.buffer = tbf_buffer_ticks(6250000, 25000);
    m.put(TCA_TBF_PARMS, &qopt, sizeof qopt);
  }
  auto q = parse_root_qdisc(first(b));
  ASSERT_TRUE(q && q->impairment);
  EXPECT_EQ(q->impairment->rate_bps, 50000000u);
  EXPECT_EQ(q->unlike_ours, "tbf limit 10000 bytes, nswire sets 337500");
  EXPECT_FALSE(q->is_ours());
}

TEST(ParseRootQdisc, DefaultsAndNonRoots) {
  Batch b;
  auto m = b.add<tcmsg>(RTM_NEWQDISC, 0, "reply", "");
  m.header<tcmsg>().tcm_parent = TC_H_ROOT;
  m.put_str(TCA_KIND, "noqueue");
  auto q = parse_root_qdisc(first(b));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->kind, "noqueue");
  EXPECT_TRUE(q->is_default());
  EXPECT_FALSE(q->impairment);
  Batch child;
  auto c = child.add<tcmsg>(RTM_NEWQDISC, 0, "reply", "");
  c.header<tcmsg>().tcm_parent = kTbfHandle | 1;
  c.put_str(TCA_KIND, "bfifo");
  EXPECT_FALSE(parse_root_qdisc(first(child)));
}

TEST(TbfBuffer, KernelReciprocalArithmetic) {
  // 4 ms at 6.25 MB/s: 62500 ticks of 64 ns, less what the reciprocal rounds away.
  const uint32_t t = tbf_buffer_ticks(6250000, 25000);
  EXPECT_LE(t, 62500u);
  EXPECT_GE(t, 62499u);
  EXPECT_EQ(tbf_buffer_ticks(1000000000, 1000), 15u);  // 1 us at 1 GB/s = 15.6 ticks
  EXPECT_EQ(tbf_burst_bytes(8000), 3028u);              // never below two full frames
  EXPECT_EQ(tbf_burst_bytes(200000000), 100000u);       // 4 ms at 200 mbit
}

TEST(Impairment, DescribeAndNormalize) {
  EXPECT_EQ(describe(wan()), "delay 20ms jitter 5ms loss 1% duplicate 0.1% corrupt 0.1% reorder 1% rate 100mbit limit 1000");
  EXPECT_EQ(describe(Impairment{}), "none");
  Impairment rate;
  rate.rate_bps = 8000000;
  EXPECT_EQ(rate.normalized(), rate);
  Impairment delay;
  delay.delay = 1ms;
  EXPECT_EQ(delay.normalized().limit, 1000u);
  EXPECT_EQ(delay.normalized().gap, 0u);
}
