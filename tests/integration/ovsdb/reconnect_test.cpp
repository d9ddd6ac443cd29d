// Reconnect against a real ovsdb-server of our own: the server is stopped and restarted
// between two transactions; the client recovers, and its monitor cache is rebuilt from the
// fresh monitor reply (it sees what changed while it was away, and nothing stale).
#include "ovsdb/vswitch.h"

#include "oracle.h"
#include "sandbox_env.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
namespace vs = ovsdb::vswitch;

namespace {

TEST(Reconnect, ClientRecoversAfterServerRestartAndResyncsCache) {
  ovsdb_test::OwnServer server("reconnect");
  ovsdb::ClientOptions options;
  options.timeout = 10s;
  ovsdb::Client client(server.target(), options);
  vs::monitor_state(client);
  vs::ApplyOptions no_wait{5s, false};

  vs::apply(client, vs::Batch().add_bridge({"before", "netdev", {}}), no_wait);
  ASSERT_TRUE(client.wait_until([&] { return vs::state_from_cache(client.cache(vs::kDatabase)).bridge("before"); }, 5s));

  server.stop();
  // While the client is away: another client removes "before" and adds "during".
  server.start();
  auto r = nswire::test::run({"ovs-vsctl", "--db=" + server.target(), "--no-wait", "del-br", "before", "--", "add-br",
                              "during"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Second transaction: succeeds on a new session.
  auto result = vs::apply(client, vs::Batch().add_bridge({"after", "netdev", {}}), no_wait);
  EXPECT_TRUE(result.changed);
  EXPECT_GE(client.reconnects(), 1u);
  ASSERT_TRUE(client.wait_until([&] { return vs::state_from_cache(client.cache(vs::kDatabase)).bridge("after"); }, 5s));
  auto cached = vs::state_from_cache(client.cache(vs::kDatabase));
  EXPECT_EQ(cached.bridge("before"), nullptr);  // no stale row survived the resync
  EXPECT_NE(cached.bridge("during"), nullptr);
  auto listed = nswire::test::run({"ovs-vsctl", "--db=" + server.target(), "list-br"});
  EXPECT_EQ(listed.out, "after\nduring\n");
}

TEST(Reconnect, CallFailsClearlyWhenServerStaysDown) {
  ovsdb_test::OwnServer server("down");
  ovsdb::ClientOptions options;
  options.timeout = 1500ms;
  ovsdb::Client client(server.target(), options);
  client.echo();
  server.stop();
  auto start = std::chrono::steady_clock::now();
  try {
    client.echo();
    FAIL() << "expected an error";
  } catch (const ovsdb::Error& e) {
    EXPECT_NE(std::string(e.what()).find(server.target()), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // A long outage grows the backoff past the call timeout...
  EXPECT_THROW(client.echo(), ovsdb::Error);
  EXPECT_THROW(client.echo(), ovsdb::Error);
  server.start();
  client.echo();  // ...yet the first call after the server is back connects at once
}

TEST(Reconnect, DisabledReconnectReportsTheLoss) {
  ovsdb_test::OwnServer server("noreconnect");
  ovsdb::ClientOptions options;
  options.reconnect = false;
  ovsdb::Client client(server.target(), options);
  client.echo();
  server.stop();
  server.start();
  EXPECT_THROW(client.echo(), ovsdb::Error);
}

}  // namespace
