// Monitor + cache against the real ovsdb-server: what ovs-vsctl writes, the client's cache
// sees, with both "monitor" (update) and "monitor_cond" (update2) notifications.
#include "ovsdb/vswitch.h"

#include "oracle.h"
#include "sandbox_env.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using nswire::test::ovs_vsctl;
namespace vs = ovsdb::vswitch;

namespace {

class MonitorTest : public ::testing::TestWithParam<ovsdb::ClientOptions::MonitorMethod> {
 protected:
  ovsdb::ClientOptions options() {
    ovsdb::ClientOptions o;
    o.monitor_method = GetParam();
    return o;
  }
};

TEST_P(MonitorTest, CacheFollowsWhatOvsVsctlWrites) {
  ovsdb::Client client(ovsdb_test::sandbox_ovsdb(), options());
  vs::monitor_state(client);
  const auto& cache = client.cache(vs::kDatabase);
  EXPECT_EQ(cache.rows("Open_vSwitch").size(), 1u);

  ovs_vsctl({"add-br", "mon0", "--", "set", "Bridge", "mon0", "datapath_type=netdev", "--", "add-port", "mon0", "mp1",
             "tag=12", "--", "set", "Interface", "mp1", "type=internal"});
  ASSERT_TRUE(client.wait_until([&] { return vs::state_from_cache(cache).port("mp1") != nullptr; }, 10s));
  auto state = vs::state_from_cache(cache);
  const vs::Bridge* b = state.bridge("mon0");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->datapath_type, "netdev");
  EXPECT_EQ(state.port("mp1")->tag, 12);
  EXPECT_EQ(state.interface("mp1")->type, "internal");

  // Modify: set diff (tag cleared), map diff (external_ids), scalar (datapath_type).
  ovs_vsctl({"remove", "Port", "mp1", "tag", "12", "--", "set", "Port", "mp1", "external_ids:a=1", "external_ids:b=2"});
  ASSERT_TRUE(client.wait_until([&] { return vs::state_from_cache(cache).port("mp1")->external_ids.size() == 2; }, 10s));
  EXPECT_EQ(vs::state_from_cache(cache).port("mp1")->tag, std::nullopt);
  ovs_vsctl({"set", "Port", "mp1", "external_ids:a=9", "--", "remove", "Port", "mp1", "external_ids", "b"});
  ASSERT_TRUE(client.wait_until(
      [&] { return vs::state_from_cache(cache).port("mp1")->external_ids == vs::StringMap{{"a", "9"}}; }, 10s));

  // The cache agrees with a fresh read (ofport etc. may still change, so compare names).
  ASSERT_TRUE(client.wait_until(
      [&] { return vs::state_from_cache(cache).interface("mp1")->ofport.value_or(0) > 0; }, 10s));

  // After many kinds of change, the cache equals a fresh read of the database, column by column.
  ovs_vsctl({"add-port", "mon0", "mp2", "tag=3", "--", "set", "Interface", "mp2", "type=internal",
             "external_ids:x=y", "--", "set", "Bridge", "mon0", "external_ids:lab=m"});
  ovs_vsctl({"set", "Port", "mp2", "tag=4", "--", "set", "Interface", "mp1", "options:foo=bar"});
  ASSERT_TRUE(client.wait_until([&] { return vs::state_from_cache(cache) == vs::read_state(client); }, 10s));

  ovs_vsctl({"del-br", "mon0"});
  ASSERT_TRUE(client.wait_until([&] { return vs::state_from_cache(cache).bridge("mon0") == nullptr; }, 10s));
  EXPECT_TRUE(cache.rows("Port").empty() || !vs::state_from_cache(cache).port("mp1"));
  EXPECT_EQ(cache.find("Interface", "name", ovsdb::Datum::string("mp1")), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Methods, MonitorTest,
                         ::testing::Values(ovsdb::ClientOptions::MonitorMethod::MonitorCond,
                                           ovsdb::ClientOptions::MonitorMethod::Monitor));

}  // namespace
