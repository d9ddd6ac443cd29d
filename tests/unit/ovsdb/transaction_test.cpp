// Operation wire forms (RFC 7047 5.2) and transact reply decoding, including errors.
#include "ovsdb/error.h"
#include "ovsdb/transaction.h"

#include <gtest/gtest.h>

using ovsdb::Datum;
using J = nlohmann::json;
namespace op = ovsdb::op;

namespace {

TEST(Operations, WireForms) {
  EXPECT_EQ(op::insert("Port", {{"name", Datum::string("p")}}, "p1").json,
            J::parse(R"({"op":"insert","table":"Port","row":{"name":"p"},"uuid-name":"p1"})"));
  EXPECT_EQ(op::select("Bridge", {ovsdb::where_eq("name", Datum::string("br0"))}, {"_uuid"}).json,
            J::parse(R"({"op":"select","table":"Bridge","where":[["name","==","br0"]],"columns":["_uuid"]})"));
  EXPECT_EQ(op::update("Port", {}, {{"tag", Datum()}}).json,
            J::parse(R"({"op":"update","table":"Port","where":[],"row":{"tag":["set",[]]}})"));
  EXPECT_EQ(op::mutate("Open_vSwitch", {}, {{"next_cfg", "+=", Datum::integer(1)}}).json,
            J::parse(R"({"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["next_cfg","+=",1]]})"));
  EXPECT_EQ(op::delete_rows("Port", {ovsdb::where_uuid({"u"})}).json,
            J::parse(R"({"op":"delete","table":"Port","where":[["_uuid","==",["uuid","u"]]]})"));
  EXPECT_EQ(op::wait("T", {}, {"c"}, "!=", {{{"c", Datum::integer(1)}}}, 100).json,
            J::parse(R"({"op":"wait","table":"T","where":[],"columns":["c"],"until":"!=","rows":[{"c":1}],"timeout":100})"));
  EXPECT_EQ(op::commit(true).json, J::parse(R"({"op":"commit","durable":true})"));
  EXPECT_EQ(op::abort().json, J::parse(R"({"op":"abort"})"));
  EXPECT_EQ(op::comment("hi").json, J::parse(R"({"op":"comment","comment":"hi"})"));
  EXPECT_EQ(op::assert_lock("l").json, J::parse(R"({"op":"assert","lock":"l"})"));
  EXPECT_EQ(ovsdb::transact_params("db", {op::abort()}), J::parse(R"(["db",{"op":"abort"}])"));
}

TEST(TransactResult, DecodesPerOperationResults) {
  std::vector<ovsdb::Operation> ops = {op::insert("T", {}), op::select("T", {}), op::mutate("T", {}, {}),
                                       op::comment("c")};
  auto r = ovsdb::parse_transact_result(
      "db", ops, J::parse(R"([{"uuid":["uuid","u1"]},{"rows":[{"a":1},{"a":2}]},{"count":3},{}])"));
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].uuid->value, "u1");
  ASSERT_EQ(r[1].rows.size(), 2u);
  EXPECT_EQ(r[1].rows[1].at("a"), Datum::integer(2));
  EXPECT_EQ(r[2].count, 3);
}

TEST(TransactResult, ErrorNamesTheOperation) {
  std::vector<ovsdb::Operation> ops = {op::comment("c"), op::insert("Port", {})};
  try {
    ovsdb::parse_transact_result(
        "Open_vSwitch", ops,
        J::parse(R"([{}, {"error":"constraint violation","details":"tag 5000 out of range"}])"));
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.operation(), "transact Open_vSwitch op 1 (insert)");
    EXPECT_EQ(e.error(), "constraint violation");
    EXPECT_EQ(e.details(), "tag 5000 out of range");
  }
}

TEST(TransactResult, CommitErrorAfterTheLastOperation) {
  std::vector<ovsdb::Operation> ops = {op::insert("Port", {})};
  try {
    ovsdb::parse_transact_result("db", ops,
                                 J::parse(R"([{"uuid":["uuid","u"]},{"error":"referential integrity violation"}])"));
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.operation(), "transact db commit");
    EXPECT_EQ(e.error(), "referential integrity violation");
  }
}

TEST(TransactResult, MalformedRepliesAreProtocolErrors) {
  std::vector<ovsdb::Operation> ops = {op::select("T", {}), op::select("T", {})};
  for (const char* bad : {R"({})", R"([{}])", R"([1,2])", R"([{"rows":3},{}])", R"([{"uuid":"x"},{}])"}) {
    EXPECT_THROW(ovsdb::parse_transact_result("db", ops, J::parse(bad)), ovsdb::Error) << bad;
  }
}

}  // namespace
