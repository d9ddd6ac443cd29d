// Root qdiscs against the real kernel, inside the sandbox: veths made with `ip`, impaired by
// nswire over rtnetlink, and checked with `tc -j qdisc show` (iproute2, not nswire) as the oracle.
// netem is tested for the outcome this kernel gives: absent here (the request fails naming the
// module and changes nothing), present in the VM tier (then it round-trips like tbf).
#include <gtest/gtest.h>

#include <cerrno>

#include "nswire/error.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/qdisc_support.h"
#include "nswire/netlink/socket.h"
#include "nswire/netlink/tc.h"
#include "nswire/netlink/units.h"
#include "oracle.h"

namespace nswire::netlink {
namespace {

using namespace std::chrono_literals;

// The root qdisc of dev as tc sees it.
nlohmann::json tc_root(const std::string& dev) {
  for (const auto& q : test::run_json({"tc", "-j", "qdisc", "show", "dev", dev}))
    if (q.value("root", false)) return q;
  return {};
}

bool netem_available() {
  static const bool available = check_qdisc_support({"netem"}).front().available;
  return available;
}

class Tc : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = test::sh("ip link add name tca type veth peer name tcb && ip link set tca up && ip link set tcb up");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    socket_ = Socket::open();
    index_ = find_link(socket_, "tca")->index;
  }
  void TearDown() override { test::run({"ip", "link", "delete", "tca"}); }

  void apply(const Impairment& imp) {
    Batch b;
    replace_root_qdisc(b, index_, "tca", imp);
    socket_.execute(b);
  }
  RootQdisc observe() {
    auto roots = dump_root_qdiscs(socket_, index_);
    EXPECT_EQ(roots.size(), 1u);
    return roots.empty() ? RootQdisc{} : roots.front();
  }

  Socket socket_;
  int index_ = 0;
};

TEST_F(Tc, VethStartsWithNoqueueAndReadsBackAsDefault) {
  auto q = observe();
  EXPECT_EQ(q.kind, "noqueue");
  EXPECT_TRUE(q.is_default());
  EXPECT_FALSE(q.impairment);
  EXPECT_EQ(tc_root("tca")["kind"], "noqueue");
}

TEST_F(Tc, TbfRoundTripsExactlyAndMatchesTc) {
  Impairment imp;
  imp.rate_bps = parse_rate("50mbit").value;
  apply(imp);
  auto q = observe();
  EXPECT_EQ(q.kind, "tbf");
  EXPECT_EQ(q.handle, kTbfHandle);
  ASSERT_TRUE(q.impairment);
  EXPECT_EQ(*q.impairment, imp);
  // The kernel's token buffer is what tbf_buffer_ticks predicted: no "burst differs".
  EXPECT_EQ(q.unlike_ours, "");
  EXPECT_TRUE(q.is_ours());
  auto tc = tc_root("tca");
  EXPECT_EQ(tc["kind"], "tbf");
  EXPECT_EQ(tc["handle"], "5e02:");
  EXPECT_EQ(tc["options"]["rate"], 6250000);  // bytes per second
  // tc derives the burst back from the token buffer; within a byte of what nswire sent.
  EXPECT_NEAR(tc["options"]["burst"].get<double>(), tbf_burst_bytes(imp.rate_bps), 1.0);
}

TEST_F(Tc, ReplaceChangesTheRateInPlaceAndDeleteRestoresTheDefault) {
  for (const char* rate : {"10mbit", "200mbit", "1gbit", "40gbit"}) {
    Impairment imp;
    imp.rate_bps = parse_rate(rate).value;
    apply(imp);
    auto q = observe();
    ASSERT_TRUE(q.impairment) << rate;
    EXPECT_EQ(*q.impairment, imp) << rate;
    EXPECT_TRUE(q.is_ours()) << rate << ": " << q.unlike_ours;
    EXPECT_EQ(tc_root("tca")["options"]["rate"], imp.rate_bps / 8) << rate;
  }
  Batch del;
  delete_root_qdisc(del, index_, "tca", kTbfHandle);
  socket_.execute(del);
  EXPECT_TRUE(observe().is_default());
  EXPECT_EQ(tc_root("tca")["kind"], "noqueue");
  EXPECT_EQ(tc_root("tca")["handle"], "0:");
}

TEST_F(Tc, DeletingTheDefaultRootFailsWithTheKernelsMessage) {
  Batch del;
  delete_root_qdisc(del, index_, "tca");
  try {
    socket_.execute(del);
    FAIL() << "deleted a default qdisc";
  } catch (const Error& e) {
    EXPECT_EQ(e.error, ENOENT);
    EXPECT_NE(std::string(e.what()).find("delete root qdisc of tca"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(kernel: Cannot delete qdisc with handle of zero)"), std::string::npos)
        << e.what();
  }
}

TEST_F(Tc, AForeignRootIsReplacedButNeverDeletedByOurHandle) {
  auto r = test::sh("tc qdisc replace dev tca root handle 1: tbf rate 1mbit burst 10kb latency 10ms");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto foreign = observe();
  EXPECT_EQ(foreign.kind, "tbf");
  EXPECT_EQ(foreign.handle, 0x10000u);
  EXPECT_FALSE(foreign.is_ours());
  EXPECT_NE(foreign.unlike_ours, "");
  Batch del;
  delete_root_qdisc(del, index_, "tca", kTbfHandle);
  EXPECT_THROW(socket_.execute(del), Error);
  EXPECT_EQ(tc_root("tca")["handle"], "1:");  // untouched
  Impairment imp;
  imp.rate_bps = 80000000;
  apply(imp);
  EXPECT_TRUE(observe().is_ours());
  EXPECT_EQ(tc_root("tca")["handle"], "5e02:");
}

TEST_F(Tc, ManyLinksImpairedInOneBatch) {
  auto r = test::sh("for i in $(seq 0 19); do ip link add name m$i type veth peer name n$i || exit 1; done");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Batch b;
  std::vector<int> indexes;
  for (int i = 0; i < 20; ++i) {
    indexes.push_back(find_link(socket_, "m" + std::to_string(i))->index);
    Impairment imp;
    imp.rate_bps = static_cast<uint64_t>(i + 1) * 1000000;
    replace_root_qdisc(b, indexes.back(), "m" + std::to_string(i), imp);
  }
  socket_.execute(b);
  auto roots = dump_root_qdiscs(socket_);
  for (int i = 0; i < 20; ++i) {
    bool found = false;
    for (const auto& q : roots)
      if (q.ifindex == indexes[i]) {
        found = true;
        ASSERT_TRUE(q.impairment);
        EXPECT_EQ(q.impairment->rate_bps, static_cast<uint64_t>(i + 1) * 1000000);
        EXPECT_TRUE(q.is_ours());
      }
    EXPECT_TRUE(found) << i;
    EXPECT_EQ(tc_root("m" + std::to_string(i))["options"]["rate"], (i + 1) * 125000);
  }
  test::sh("for i in $(seq 0 19); do ip link delete m$i; done");
}

TEST(QdiscSupport, TbfIsHereAndTheAnswerChangesNothing) {
  const auto before_links = test::run({"ip", "-o", "link"}).out;
  const auto before_lo = tc_root("lo");
  auto support = check_qdisc_support({"tbf", "netem"});
  ASSERT_EQ(support.size(), 2u);
  EXPECT_EQ(support[0].kind, "tbf");
  EXPECT_TRUE(support[0].available) << support[0].problem;
  EXPECT_EQ(support[1].kind, "netem");
  if (!support[1].available) {
    EXPECT_NE(support[1].problem.find("module sch_netem"), std::string::npos) << support[1].problem;
    EXPECT_NE(support[1].problem.find("CONFIG_NET_SCH_NETEM"), std::string::npos) << support[1].problem;
  }
  // The trial ran on lo of a namespace that is gone: ours is as it was.
  EXPECT_EQ(test::run({"ip", "-o", "link"}).out, before_links);
  EXPECT_EQ(tc_root("lo"), before_lo);
  EXPECT_TRUE(test::netns_list().empty());
  EXPECT_THROW(check_qdisc_support({"htb"}), nswire::Error);
}

TEST_F(Tc, NetemFailsNamingTheModuleAndChangesNothingWhereAbsent) {
  if (netem_available()) GTEST_SKIP() << "this kernel has netem (see NetemRoundTripsWherePresent)";
  Impairment rate;
  rate.rate_bps = 50000000;
  apply(rate);
  const auto before = tc_root("tca");
  Impairment imp;
  imp.delay = 30ms;
  imp.loss = parse_percent("1%").value;
  Batch b;
  replace_root_qdisc(b, index_, "tca", imp);
  try {
    socket_.execute(b);
    FAIL() << "netem accepted on a kernel said to lack it";
  } catch (const Error& e) {
    EXPECT_EQ(e.error, ENOENT);
    EXPECT_NE(std::string(e.what()).find("set root qdisc netem on tca"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Specified qdisc kind is unknown"), std::string::npos) << e.what();
  }
  EXPECT_EQ(tc_root("tca"), before);
}

TEST_F(Tc, NetemRoundTripsWherePresent) {
  if (!netem_available()) GTEST_SKIP() << "no sch_netem on this kernel (the VM tier has it)";
  Impairment imp;
  imp.delay = 30ms;
  imp.jitter = 5ms;
  imp.loss = parse_percent("1%").value;
  imp.duplicate = parse_percent("0.1%").value;
  imp.corrupt = parse_percent("0.1%").value;
  imp.reorder = parse_percent("1%").value;
  imp.rate_bps = 50000000;
  apply(imp);
  auto q = observe();
  EXPECT_EQ(q.kind, "netem");
  ASSERT_TRUE(q.impairment);
  EXPECT_EQ(*q.impairment, imp.normalized()) << describe(*q.impairment);
  EXPECT_TRUE(q.is_ours()) << q.unlike_ours;
  auto tc = tc_root("tca");
  EXPECT_EQ(tc["kind"], "netem");
  EXPECT_EQ(tc["options"]["limit"], 1000);
  EXPECT_EQ(tc["options"]["delay"]["delay"].get<double>(), 0.03);
  EXPECT_EQ(tc["options"]["rate"]["rate"], 6250000);
  // From netem back to tbf in one replace (two handles, so the kernel grafts instead of refusing
  // to change a qdisc's kind in place).
  Impairment rate;
  rate.rate_bps = 50000000;
  apply(rate);
  EXPECT_EQ(tc_root("tca")["kind"], "tbf");
}

}  // namespace
}  // namespace nswire::netlink
