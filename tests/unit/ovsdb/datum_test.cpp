// The OVSDB value model and its RFC 7047 JSON encoding.
#include "ovsdb/datum.h"
#include "ovsdb/error.h"

#include <gtest/gtest.h>

using ovsdb::Datum;
using J = nlohmann::json;

namespace {

TEST(Datum, SingleElementSetIsWrittenAsTheAtom) {
  EXPECT_EQ(Datum::integer(5).to_json(), J(5));
  EXPECT_EQ(Datum::string("br0").to_json(), J("br0"));
  EXPECT_EQ(Datum().to_json(), J::parse(R"(["set",[]])"));
  EXPECT_EQ(Datum::from_json(J::parse(R"(["set",[7]])")), Datum::integer(7));
  EXPECT_EQ(Datum::from_json(J(7)), Datum::integer(7));
}

TEST(Datum, UuidAndNamedUuid) {
  auto u = Datum::uuid("550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(u.to_json(), J::parse(R"(["uuid","550e8400-e29b-41d4-a716-446655440000"])"));
  EXPECT_EQ(Datum::from_json(u.to_json()), u);
  EXPECT_EQ(u.as_uuid().value, "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(Datum::named_uuid("row1").to_json(), J::parse(R"(["named-uuid","row1"])"));
}

TEST(Datum, SetsAreCanonicalSoOrderDoesNotMatter) {
  auto a = Datum::from_json(J::parse(R"(["set",[3,1,2,1]])"));
  auto b = Datum::set({std::int64_t{1}, std::int64_t{2}, std::int64_t{3}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.to_json(), J::parse(R"(["set",[1,2,3]])"));
}

TEST(Datum, Maps) {
  auto m = Datum::from_json(J::parse(R"(["map",[["b","2"],["a","1"]]])"));
  EXPECT_TRUE(m.is_map());
  EXPECT_EQ(m, Datum::string_map({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(m.to_json(), J::parse(R"(["map",[["a","1"],["b","2"]]])"));
  EXPECT_EQ((m.as_string_map()), (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(Datum::string_map({}).to_json(), J::parse(R"(["map",[]])"));
  EXPECT_TRUE(Datum().as_string_map().empty());
}

TEST(Datum, AllAtomTypesRoundTrip) {
  for (const char* text : {"1", "-9223372036854775808", "2.5", "true", "false", R"("s")", R"(["set",[1.5,2.5]])",
                           R"(["map",[[1,true]]])", R"(["set",["a","b"]])"}) {
    auto j = J::parse(text);
    EXPECT_EQ(Datum::from_json(j).to_json(), j) << text;
  }
}

TEST(Datum, AccessorsCheckTypes) {
  EXPECT_THROW(Datum::string("x").as_integer(), ovsdb::Error);
  EXPECT_THROW(Datum().as_string(), ovsdb::Error);
  EXPECT_EQ(Datum().optional_integer(), std::nullopt);
  EXPECT_EQ(Datum::integer(4).optional_integer(), 4);
  EXPECT_THROW(Datum::integer(1).as_string_map(), ovsdb::Error);
  EXPECT_THROW(Datum::string("x").uuids(), ovsdb::Error);
}

TEST(Datum, RejectsNonDatums) {
  for (const char* text : {"null", "{}", R"(["set",1])", R"(["map",[[1]]])", R"(["uuid",1])", R"(["bogus","x"])",
                           "18446744073709551615", R"(["set",[["set",[]]]])"}) {
    EXPECT_THROW(Datum::from_json(J::parse(text)), ovsdb::Error) << text;
  }
}

TEST(Row, RoundTrip) {
  ovsdb::Row row{{"name", Datum::string("p1")}, {"tag", Datum::integer(10)}, {"trunks", Datum()}};
  EXPECT_EQ(ovsdb::row_from_json(ovsdb::row_to_json(row)), row);
  EXPECT_THROW(ovsdb::row_from_json(J::array()), ovsdb::Error);
}

}  // namespace
