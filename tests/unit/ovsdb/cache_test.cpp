// Table cache: "update" (old/new rows) and "update2" (initial/insert/modify/delete diffs).
#include "ovsdb/cache.h"
#include "ovsdb/error.h"

#include <gtest/gtest.h>

using ovsdb::Datum;
using J = nlohmann::json;

namespace {

ovsdb::Schema schema() {
  return ovsdb::Schema::from_json(J::parse(R"({"name":"db","tables":{"T":{"columns":{
    "name":{"type":"string"},
    "tag":{"type":{"key":"integer","min":0,"max":1}},
    "set":{"type":{"key":"integer","min":0,"max":"unlimited"}},
    "map":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}}}})"));
}

TEST(Cache, Update2InitialModifyDelete) {
  ovsdb::TableCache c;
  auto s = schema();
  c.apply_update2(J::parse(R"({"T":{"u1":{"initial":{"name":"a","tag":5,"set":["set",[1,2]],"map":["map",[["k","v"],["x","y"]]]}}}})"), s);
  const auto* row = c.row("T", {"u1"});
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->at("tag"), Datum::integer(5));
  auto gen = c.generation();

  // Set: symmetric difference. Map: add / remove (same value) / change. Optional scalar: new value.
  c.apply_update2(J::parse(R"({"T":{"u1":{"modify":{"name":"b","tag":["set",[]],"set":["set",[2,3]],
                               "map":["map",[["k","v"],["x","z"],["n","1"]]]}}}})"), s);
  row = c.row("T", {"u1"});
  EXPECT_EQ(row->at("name"), Datum::string("b"));
  EXPECT_EQ(row->at("tag"), Datum());
  EXPECT_EQ(row->at("set"), Datum::set({std::int64_t{1}, std::int64_t{3}}));
  EXPECT_EQ(row->at("map"), Datum::string_map({{"n", "1"}, {"x", "z"}}));
  EXPECT_GT(c.generation(), gen);

  c.apply_update2(J::parse(R"({"T":{"u1":{"modify":{"tag":7}}}})"), s);
  EXPECT_EQ(c.row("T", {"u1"})->at("tag"), Datum::integer(7));

  c.apply_update2(J::parse(R"({"T":{"u2":{"insert":{"name":"c"}}}})"), s);
  ASSERT_NE(c.find("T", "name", Datum::string("c")), nullptr);
  EXPECT_EQ(c.find("T", "name", Datum::string("c"))->first.value, "u2");
  c.apply_update2(J::parse(R"({"T":{"u1":{"delete":null}}})"), s);
  EXPECT_EQ(c.row("T", {"u1"}), nullptr);
  EXPECT_EQ(c.rows("T").size(), 1u);
}

TEST(Cache, Update2ModifyInsertsAMissingColumnFromTheDefault) {
  ovsdb::TableCache c;
  auto s = schema();
  c.apply_update2(J::parse(R"({"T":{"u1":{"insert":{"name":"a"}}}})"), s);  // defaults omitted
  c.apply_update2(J::parse(R"({"T":{"u1":{"modify":{"map":["map",[["k","v"]]],"set":5}}}})"), s);
  EXPECT_EQ(c.row("T", {"u1"})->at("map"), Datum::string_map({{"k", "v"}}));
  EXPECT_EQ(c.row("T", {"u1"})->at("set"), Datum::integer(5));
}

TEST(Cache, UpdateOldNew) {
  ovsdb::TableCache c;
  c.apply_update(J::parse(R"({"T":{"u1":{"new":{"name":"a","tag":1}}}})"));
  c.apply_update(J::parse(R"({"T":{"u1":{"old":{"tag":1},"new":{"name":"a","tag":2}}}})"));
  EXPECT_EQ(c.row("T", {"u1"})->at("tag"), Datum::integer(2));
  c.apply_update(J::parse(R"({"T":{"u1":{"old":{"name":"a","tag":2}}}})"));
  EXPECT_TRUE(c.rows("T").empty());
  EXPECT_TRUE(c.rows("Unmonitored").empty());
}

TEST(Cache, MalformedUpdatesAreProtocolErrors) {
  ovsdb::TableCache c;
  auto s = schema();
  for (const char* bad : {R"([])", R"({"T":[]})", R"({"T":{"u":{"bogus":{}}}})", R"({"T":{"u":{"modify":{"tag":1}}}})",
                          R"({"T":{"u":{"insert":{},"delete":null}}})", R"({"T":{"u":{"insert":{"name":{}}}}})"}) {
    EXPECT_THROW(c.apply_update2(J::parse(bad), s), ovsdb::Error) << bad;
  }
  EXPECT_THROW(c.apply_update(J::parse(R"({"T":{"u":3}})")), ovsdb::Error);
}

}  // namespace
