// Schema parsing: Debian's real vswitch.ovsschema, and errors that name the bad place.
#include "ovsdb/error.h"
#include "ovsdb/schema.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

nlohmann::json vswitch_schema() {
  std::ifstream f("/usr/share/openvswitch/vswitch.ovsschema");
  if (!f) throw std::runtime_error("/usr/share/openvswitch/vswitch.ovsschema missing (Debian package openvswitch-common)");
  return nlohmann::json::parse(f);
}

TEST(Schema, ParsesTheRealVswitchSchema) {
  auto s = ovsdb::Schema::from_json(vswitch_schema());
  EXPECT_EQ(s.name, "Open_vSwitch");
  EXPECT_FALSE(s.version.empty());
  const auto& root = s.table("Open_vSwitch");
  EXPECT_TRUE(root.is_root);
  EXPECT_EQ(root.max_rows, 1);
  const auto& bridges = root.column("bridges").type;
  EXPECT_EQ(bridges.key.type, ovsdb::AtomicType::Uuid);
  EXPECT_EQ(bridges.key.ref_table, "Bridge");
  EXPECT_EQ(bridges.min, 0);
  EXPECT_EQ(bridges.max, ovsdb::ColumnType::kUnlimited);
  const auto& tag = s.table("Port").column("tag").type;
  EXPECT_TRUE(tag.is_optional_scalar());
  EXPECT_EQ(tag.key.min_integer, 0);
  EXPECT_EQ(tag.key.max_integer, 4095);
  const auto& ext = s.table("Bridge").column("external_ids").type;
  EXPECT_TRUE(ext.is_map());
  EXPECT_EQ(ext.value->type, ovsdb::AtomicType::String);
  EXPECT_EQ(s.table("Bridge").indexes, (std::vector<std::vector<std::string>>{{"name"}}));
  EXPECT_FALSE(s.table("Bridge").is_root);
  EXPECT_TRUE(s.table("Interface").column("name").type.is_scalar());
  EXPECT_FALSE(s.table("Interface").column("name").mutable_);
  const auto& vlan_mode = s.table("Port").column("vlan_mode").type.key;
  ASSERT_TRUE(vlan_mode.enum_values.has_value());
  EXPECT_GE(vlan_mode.enum_values->size(), 4u);
  EXPECT_EQ(s.table("Mirror").column("select_src_port").type.key.ref_type, "weak");
  EXPECT_EQ(s.table("Port").column("_uuid").type.key.type, ovsdb::AtomicType::Uuid);
}

TEST(Schema, UnknownTableOrColumnIsAnError) {
  auto s = ovsdb::Schema::from_json(vswitch_schema());
  EXPECT_THROW(s.table("Nope"), ovsdb::Error);
  EXPECT_THROW(s.table("Bridge").column("nope"), ovsdb::Error);
}

TEST(Schema, ErrorsNameTheTableAndColumn) {
  auto j = nlohmann::json::parse(R"({"name":"db","tables":{"T":{"columns":{"c":{"type":{"key":"float"}}}}}})");
  try {
    ovsdb::Schema::from_json(j);
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("db.T.c"), std::string::npos) << e.what();
  }
  for (const char* bad : {
           R"({"tables":{}})",
           R"({"name":"db"})",
           R"({"name":"db","tables":{"T":{}}})",
           R"({"name":"db","tables":{"T":{"columns":{"c":{"type":{"key":"uuid","min":2}}}}}})",
           R"({"name":"db","tables":{"T":{"columns":{"c":{"type":{"key":{"type":"uuid","refTable":"X"}}}}}}})",
           R"({"name":"db","tables":{"T":{"columns":{"c":{"type":"string"}},"indexes":[["d"]]}}})",
       }) {
    EXPECT_THROW(ovsdb::Schema::from_json(nlohmann::json::parse(bad)), ovsdb::Error) << bad;
  }
}

}  // namespace
