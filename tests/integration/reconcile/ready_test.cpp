// Ready when `up` returns: the routed lab of examples/routed-three-sites.yaml (three routers, two
// point-to-point links, a LAN behind each, IPv4 and IPv6, both backends) passes `up && test` at
// once, 50 times out of 50 on each backend. Before nswire waited for its links and turned IPv6 DAD
// off in its namespaces, the IPv6 expectations across the routers failed right after `up`.
#include <gtest/gtest.h>

#include "oracle.h"

using nswire::test::run;

namespace {

constexpr int kRounds = 50;

class Ready : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Ready, UpAndTestPassAtOnceEveryTime) {
  const std::string lab = NSWIRE_EXAMPLES "/routed-three-sites.yaml";
  int green = 0;
  for (int round = 1; round <= kRounds; ++round) {
    auto up = run({NSWIRE_BIN, "up", lab, "--backend", GetParam()});
    ASSERT_EQ(up.exit_code, 0) << "round " << round << ": " << up.err;
    auto test = run({NSWIRE_BIN, "test", lab, "--backend", GetParam()});
    EXPECT_EQ(test.exit_code, 0) << "round " << round << ": right after up:\n" << test.out << test.err;
    green += test.exit_code == 0;
    ASSERT_EQ(run({NSWIRE_BIN, "down", lab}).exit_code, 0) << "round " << round;
  }
  EXPECT_EQ(green, kRounds);
}

INSTANTIATE_TEST_SUITE_P(Backends, Ready, ::testing::Values("linux", "ovs"), [](const auto& i) { return i.param; });
