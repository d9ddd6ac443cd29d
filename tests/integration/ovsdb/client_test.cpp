// The blocking client against the sandbox's real ovsdb-server: every RFC 7047 transaction
// operation, server errors surfaced with their details, and ovs-vsctl as the oracle.
#include "ovsdb/client.h"

#include "oracle.h"
#include "sandbox_env.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <thread>

using namespace std::chrono_literals;
using nswire::test::ovs_rows;
using ovsdb::Datum;
using ovsdb::Row;
namespace op = ovsdb::op;

namespace {

const std::string kDb = "Open_vSwitch";

class ClientTest : public ::testing::Test {
 protected:
  ovsdb::Client client{ovsdb_test::sandbox_ovsdb()};
};

TEST_F(ClientTest, ListDbsEchoAndSchema) {
  auto dbs = client.list_dbs();
  EXPECT_NE(std::find(dbs.begin(), dbs.end(), kDb), dbs.end());
  client.echo();
  const auto& schema = client.schema(kDb);
  EXPECT_EQ(schema.name, kDb);
  EXPECT_TRUE(schema.table("Open_vSwitch").is_root);
  EXPECT_FALSE(schema.table("Bridge").is_root);
  EXPECT_EQ(schema.table("Bridge").column("ports").type.key.ref_table, "Port");
  EXPECT_EQ(schema.table("Port").column("tag").type.key.max_integer, 4095);
  EXPECT_EQ(schema.table("Interface").indexes, std::vector<std::vector<std::string>>{{"name"}});
}

TEST_F(ClientTest, InsertSelectUpdateMutateDeleteRoundTripThroughOvsVsctl) {
  auto r = client.transact(kDb, {op::comment("ovsdb client test"),
                                 op::insert("QoS", {{"type", Datum::string("linux-htb")},
                                                    {"external_ids", Datum::string_map({{"t", "crud"}})}},
                                            "q"),
                                 op::select("QoS", {ovsdb::where_eq("type", Datum::string("linux-htb"))},
                                            {"_uuid", "type"})});
  ASSERT_EQ(r.size(), 3u);
  ASSERT_TRUE(r[1].uuid.has_value());
  ovsdb::Uuid uuid = *r[1].uuid;
  ASSERT_EQ(r[2].rows.size(), 1u);
  EXPECT_EQ(r[2].rows[0].at("_uuid").as_uuid(), uuid);

  auto oracle = ovs_rows({"--", "--columns=_uuid,type,external_ids", "list", "QoS", uuid.value});
  ASSERT_EQ(oracle.size(), 1u);
  EXPECT_EQ(Datum::from_json(oracle[0]["external_ids"]), Datum::string_map({{"t", "crud"}}));

  r = client.transact(kDb, {op::update("QoS", {ovsdb::where_uuid(uuid)}, {{"type", Datum::string("linux-hfsc")}}),
                            op::mutate("QoS", {ovsdb::where_uuid(uuid)},
                                       {{"other_config", "insert", Datum::string_map({{"max-rate", "1000"}})},
                                        {"external_ids", "delete", Datum::string_set({"t"})}})});
  EXPECT_EQ(r[0].count, 1);
  EXPECT_EQ(r[1].count, 1);
  oracle = ovs_rows({"--", "--columns=type,other_config,external_ids", "list", "QoS", uuid.value});
  EXPECT_EQ(oracle[0]["type"], "linux-hfsc");
  EXPECT_EQ(Datum::from_json(oracle[0]["other_config"]), Datum::string_map({{"max-rate", "1000"}}));
  EXPECT_EQ(Datum::from_json(oracle[0]["external_ids"]), Datum::string_map({}));

  // wait succeeds when the row matches, then delete.
  r = client.transact(kDb, {op::wait("QoS", {ovsdb::where_uuid(uuid)}, {"type"}, "==",
                                     {Row{{"type", Datum::string("linux-hfsc")}}}, 0),
                            op::delete_rows("QoS", {ovsdb::where_uuid(uuid)})});
  EXPECT_EQ(r[1].count, 1);
  EXPECT_TRUE(ovs_rows({"list", "QoS"}).empty());
}

TEST_F(ClientTest, ServerErrorsCarryOperationAndDetails) {
  // Constraint violation: tag out of range.
  auto bad = [&](const std::vector<ovsdb::Operation>& ops) -> ovsdb::Error {
    try {
      client.transact(kDb, ops);
    } catch (const ovsdb::Error& e) {
      return e;
    }
    throw std::runtime_error("expected ovsdb::Error");
  };
  auto e = bad({op::insert("Port", {{"name", Datum::string("x")}, {"tag", Datum::integer(5000)}})});
  EXPECT_EQ(e.operation(), "transact Open_vSwitch op 0 (insert)");
  EXPECT_EQ(e.error(), "constraint violation");
  EXPECT_FALSE(e.details().empty());

  e = bad({op::comment("c"), op::select("NoSuchTable", {})});
  EXPECT_EQ(e.operation(), "transact Open_vSwitch op 1 (select)");
  EXPECT_FALSE(e.error().empty());

  e = bad({op::abort()});
  EXPECT_EQ(e.error(), "aborted");

  // wait that does not hold, timeout 0: "timed out".
  e = bad({op::wait("Open_vSwitch", {}, {"next_cfg"}, "==", {Row{{"next_cfg", Datum::integer(-12345)}}}, 0)});
  EXPECT_EQ(e.error(), "timed out");

  // assert on a lock we do not hold: "not owner".
  e = bad({op::assert_lock("nobody_holds_this")});
  EXPECT_EQ(e.error(), "not owner");

  // Commit-time referential integrity: a Port nobody references is fine (GC), a dangling
  // strong reference is not.
  e = bad({op::insert("Port", {{"name", Datum::string("dangling")},
                               {"interfaces", Datum::uuid("550e8400-e29b-41d4-a716-446655440000")}})});
  EXPECT_NE(std::string(e.what()).find("transact Open_vSwitch"), std::string::npos);

  // An unknown database is an error too, and the session survives all of the above.
  EXPECT_THROW(client.transact("NoSuchDb", {op::comment("x")}), ovsdb::Error);
  client.echo();
}

TEST_F(ClientTest, LockAndCommitDurable) {
  EXPECT_TRUE(client.lock("ovsdb_client_test"));
  auto r = client.transact(kDb, {op::assert_lock("ovsdb_client_test"), op::commit(false)});
  EXPECT_EQ(r.size(), 2u);
  client.unlock("ovsdb_client_test");
  EXPECT_THROW(client.transact(kDb, {op::assert_lock("ovsdb_client_test")}), ovsdb::Error);
}

TEST(ClientConnect, BadTargetsFailClearly) {
  EXPECT_THROW(ovsdb::Client("bogus:1"), ovsdb::Error);
  try {
    ovsdb::ClientOptions o;
    o.timeout = 2s;
    ovsdb::Client c("unix:/nonexistent/db.sock", o);
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/db.sock"), std::string::npos) << e.what();
  }
}

TEST(ClientConnect, TcpEndpoint) {
  // Our own server listening on TCP loopback too (the sandbox has its own lo).
  ovsdb_test::OwnServer server("tcp");
  auto r = nswire::test::run({"ovs-appctl", "-t", ovsdb_test::sandbox_dir() + "/tcp.ctl", "ovsdb-server/add-remote",
                              "ptcp:16640:127.0.0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // add-remote returns before the listener is up: retry the connect briefly.
  std::unique_ptr<ovsdb::Client> client;
  for (int i = 0; i < 100 && !client; ++i) {
    try {
      client = std::make_unique<ovsdb::Client>("tcp:127.0.0.1:16640");
    } catch (const ovsdb::Error&) {
      std::this_thread::sleep_for(20ms);
    }
  }
  ASSERT_TRUE(client);
  auto dbs = client->list_dbs();
  EXPECT_NE(std::find(dbs.begin(), dbs.end(), kDb), dbs.end());
}

}  // namespace
