// Open_vSwitch helpers against the sandbox's real ovsdb-server + ovs-vswitchd: what the batch
// writes, `ovs-vsctl --format=json` must read exactly, shaped as ovs-vsctl itself writes it.
#include "ovsdb/vswitch.h"

#include "oracle.h"
#include "sandbox_env.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace std::chrono_literals;
using nswire::test::ovs_rows;
using nswire::test::ovs_vsctl;
using ovsdb::Datum;
namespace vs = ovsdb::vswitch;

namespace {

nlohmann::json row_of(const std::string& table, const std::string& name) {
  std::string columns = table == "Bridge" ? "_uuid,name,ports,datapath_type,external_ids"
                        : table == "Port" ? "_uuid,name,interfaces,tag,external_ids"
                                          : "_uuid,name,type,options,ofport,error,external_ids";
  auto rows = ovs_rows({"--", "--columns=" + columns, "find", table, "name=" + name});
  if (rows.size() != 1) throw std::runtime_error(table + " " + name + ": " + std::to_string(rows.size()) + " rows");
  return rows[0];
}

Datum column(const nlohmann::json& row, const std::string& c) { return Datum::from_json(row.at(c)); }

bool exists(const std::string& table, const std::string& name) {
  return !ovs_rows({"--", "--columns=name", "find", table, "name=" + name}).empty();
}

class VswitchTest : public ::testing::Test {
 protected:
  ovsdb::Client client{ovsdb_test::sandbox_ovsdb()};
};

TEST_F(VswitchTest, AddBridgeWithPortsIsWhatOvsVsctlReads) {
  vs::Batch batch;
  batch.add_bridge({"br0", "netdev", {{"nswire-lab", "t1"}}})
      .add_port({"br0", "p1", "internal", {}, 10, {{"nswire-lab", "t1"}}, {{"k", "v"}}})
      .add_port({"br0", "p2", "internal", {}, std::nullopt, {}, {}});
  auto result = vs::apply(client, batch);
  EXPECT_TRUE(result.changed);

  EXPECT_EQ(ovs_vsctl({"list-br"}), "br0");
  EXPECT_EQ(ovs_vsctl({"list-ports", "br0"}), "p1\np2");
  auto br = row_of("Bridge", "br0");
  EXPECT_EQ(column(br, "datapath_type"), Datum::string("netdev"));
  EXPECT_EQ(column(br, "external_ids"), Datum::string_map({{"nswire-lab", "t1"}}));
  EXPECT_EQ(column(br, "ports").size(), 3u);  // br0's own local port + p1 + p2
  auto p1 = row_of("Port", "p1");
  EXPECT_EQ(column(p1, "tag"), Datum::integer(10));
  EXPECT_EQ(column(p1, "external_ids"), Datum::string_map({{"nswire-lab", "t1"}}));
  auto i1 = row_of("Interface", "p1");
  EXPECT_EQ(column(i1, "type"), Datum::string("internal"));
  EXPECT_EQ(column(i1, "external_ids"), Datum::string_map({{"k", "v"}}));
  EXPECT_GT(column(i1, "ofport").as_integer(), 0);  // ovs-vswitchd applied it before apply returned
  EXPECT_EQ(column(row_of("Port", "p2"), "tag"), Datum());

  // Root row, next_cfg and cur_cfg as ovs-vsctl leaves them.
  auto root = ovs_rows({"--", "--columns=bridges,next_cfg,cur_cfg", "list", "Open_vSwitch"});
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(column(root[0], "next_cfg").as_integer(), result.next_cfg);
  EXPECT_GE(column(root[0], "cur_cfg").as_integer(), result.next_cfg);

  // The client's own reading agrees.
  const vs::Bridge* b = result.state.bridge("br0");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->datapath_type, "netdev");
  ASSERT_EQ(b->ports.size(), 3u);
  EXPECT_EQ(b->ports[0].name, "br0");
  EXPECT_EQ(b->ports[1].name, "p1");
  EXPECT_EQ(b->ports[1].tag, 10);
  EXPECT_EQ(b->ports[1].interfaces.at(0).type, "internal");
  EXPECT_GT(b->ports[1].interfaces.at(0).ofport.value_or(-1), 0);
}

TEST_F(VswitchTest, BridgeLocalPortIsShapedLikeOvsVsctlAddBr) {
  ovs_vsctl({"add-br", "ref0", "--", "set", "Bridge", "ref0", "datapath_type=netdev"});
  vs::apply(client, vs::Batch().add_bridge({"mine0", "netdev", {}}));
  for (const std::string name : {"ref0", "mine0"}) {
    SCOPED_TRACE(name);
    auto br = row_of("Bridge", name);
    auto port = row_of("Port", name);
    auto iface = row_of("Interface", name);
    EXPECT_EQ(column(br, "ports"), column(port, "_uuid"));
    EXPECT_EQ(column(port, "interfaces"), column(iface, "_uuid"));
    EXPECT_EQ(column(iface, "type"), Datum::string("internal"));
    EXPECT_EQ(column(br, "external_ids"), Datum::string_map({}));
  }
  vs::apply(client, vs::Batch().del_bridge({"mine0"}).del_bridge({"ref0"}));
  EXPECT_EQ(nswire::test::run({"ovs-vsctl", "br-exists", "ref0"}).exit_code, 2);  // 2: no such bridge
  EXPECT_EQ(nswire::test::run({"ovs-vsctl", "br-exists", "mine0"}).exit_code, 2);
  EXPECT_FALSE(exists("Port", "ref0"));
  EXPECT_FALSE(exists("Interface", "mine0"));
}

TEST_F(VswitchTest, MayExistIsIdempotentAndWithoutItAClashFailsAndChangesNothing) {
  vs::Batch batch;
  batch.add_bridge({"br1", "netdev", {}, true}).add_port({"br1", "q1", "internal", {}, 5, {}, {}, true});
  EXPECT_TRUE(vs::apply(client, batch).changed);
  auto cfg_before = ovs_rows({"--", "--columns=next_cfg", "list", "Open_vSwitch"})[0]["next_cfg"];
  EXPECT_FALSE(vs::apply(client, batch).changed);  // in sync: no transaction at all
  EXPECT_EQ(ovs_rows({"--", "--columns=next_cfg", "list", "Open_vSwitch"})[0]["next_cfg"], cfg_before);

  vs::Batch clash;
  clash.add_port({"br1", "q2", "internal", {}, std::nullopt, {}, {}}).add_bridge({"br1", "netdev", {}});
  try {
    vs::apply(client, clash);
    FAIL() << "expected an error";
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.operation(), "add-br br1");
    EXPECT_EQ(e.error(), "already exists");
  }
  EXPECT_FALSE(exists("Port", "q2"));  // the earlier command of the failed batch did not happen

  // A port on another bridge is a conflict even with --may-exist.
  vs::apply(client, vs::Batch().add_bridge({"br2", "netdev", {}}));
  EXPECT_THROW(vs::apply(client, vs::Batch().add_port({"br2", "q1", "internal", {}, {}, {}, {}, true})), ovsdb::Error);
  EXPECT_EQ(ovs_vsctl({"port-to-br", "q1"}), "br1");

  // --if-exists deletes are fine on missing objects; without it they fail.
  EXPECT_FALSE(vs::apply(client, vs::Batch().del_port({"nope", "", true}).del_bridge({"nobr", true})).changed);
  EXPECT_THROW(vs::apply(client, vs::Batch().del_port({"nope"})), ovsdb::Error);
  vs::apply(client, vs::Batch().del_bridge({"br1"}).del_bridge({"br2"}));
  EXPECT_FALSE(exists("Port", "q1"));
  EXPECT_FALSE(exists("Interface", "q1"));
}

TEST_F(VswitchTest, PatchPairJoinsTwoBridges) {
  vs::Batch batch;
  batch.add_bridge({"pa", "netdev", {}}).add_bridge({"pb", "netdev", {}});
  batch.add_patch_pair("pa", "pa-to-pb", "pb", "pb-to-pa", {{"nswire-lab", "t"}});
  vs::apply(client, batch);
  auto a = row_of("Interface", "pa-to-pb");
  EXPECT_EQ(column(a, "type"), Datum::string("patch"));
  EXPECT_EQ(column(a, "options"), Datum::string_map({{"peer", "pb-to-pa"}}));
  EXPECT_GT(column(a, "ofport").as_integer(), 0);
  EXPECT_EQ(column(row_of("Interface", "pb-to-pa"), "options"), Datum::string_map({{"peer", "pa-to-pb"}}));
  EXPECT_EQ(ovs_vsctl({"port-to-br", "pb-to-pa"}), "pb");
  vs::apply(client, vs::Batch().del_bridge({"pa"}).del_bridge({"pb"}));
}

TEST_F(VswitchTest, SetAndClearTagAndExternalIdsOnExistingRows) {
  vs::apply(client, vs::Batch()
                        .add_bridge({"bt", "netdev", {{"a", "1"}}})
                        .add_port({"bt", "t1", "internal", {}, std::nullopt, {{"x", "1"}, {"y", "2"}}, {}}));
  vs::apply(client, vs::Batch()
                        .set_port({"t1", 42, {{"y", "3"}, {"z", "4"}}, {"x"}})
                        .set_bridge({"bt", std::nullopt, {{"b", "2"}}, {"a"}})
                        .set_interface({"t1", std::nullopt, std::nullopt, {{"i", "1"}}, {}}));
  auto p = row_of("Port", "t1");
  EXPECT_EQ(column(p, "tag"), Datum::integer(42));
  EXPECT_EQ(column(p, "external_ids"), Datum::string_map({{"y", "3"}, {"z", "4"}}));
  EXPECT_EQ(column(row_of("Bridge", "bt"), "external_ids"), Datum::string_map({{"b", "2"}}));
  EXPECT_EQ(column(row_of("Interface", "t1"), "external_ids"), Datum::string_map({{"i", "1"}}));
  vs::apply(client, vs::Batch().set_port_tag("t1", std::nullopt));
  EXPECT_EQ(column(row_of("Port", "t1"), "tag"), Datum());
  // And what ovs-vsctl changes, read_state sees.
  ovs_vsctl({"set", "Port", "t1", "tag=7"});
  EXPECT_EQ(vs::read_state(client).port("t1")->tag, 7);
  vs::apply(client, vs::Batch().del_port({"t1", "bt"}).del_bridge({"bt"}));
  EXPECT_FALSE(exists("Port", "t1"));
}

TEST_F(VswitchTest, StpEnableIsWhatOvsVsctlReadsAndOvsVswitchdRunsIt) {
  auto get = [](const std::string& bridge, const std::string& column) {
    return ovs_vsctl({"--format=json", "get", "Bridge", bridge, column});
  };
  auto r = vs::apply(client, vs::Batch()
                                 .add_bridge(vs::AddBridge("st0", "netdev", {}, false, {.stp_enable = true}))
                                 .add_bridge(vs::AddBridge("st1", "netdev")));
  EXPECT_EQ(get("st0", "stp_enable"), "true");
  EXPECT_EQ(get("st1", "stp_enable"), "false");
  EXPECT_TRUE(r.state.bridge("st0")->stp_enable);
  EXPECT_FALSE(r.state.bridge("st1")->stp_enable);
  // ovs-vswitchd applied it: a bridge running STP reports its bridge id in status.
  auto status = [&](const std::string& bridge) {
    return column(ovs_rows({"--", "--columns=status", "list", "Bridge", bridge})[0], "status").as_string_map();
  };
  EXPECT_TRUE(status("st0").count("stp_bridge_id")) << get("st0", "status");
  EXPECT_FALSE(status("st1").count("stp_bridge_id")) << get("st1", "status");

  // On, off, and on again through --may-exist on existing bridges; an unset field keeps the value.
  vs::apply(client, vs::Batch()
                        .set_bridge(vs::SetBridge("st0", std::nullopt, {}, {}, {.stp_enable = false}))
                        .add_bridge(vs::AddBridge("st1", "netdev", {}, true, {.stp_enable = true})));
  EXPECT_EQ(get("st0", "stp_enable"), "false");
  EXPECT_EQ(get("st1", "stp_enable"), "true");
  EXPECT_FALSE(status("st0").count("stp_bridge_id"));
  EXPECT_TRUE(status("st1").count("stp_bridge_id"));
  EXPECT_FALSE(vs::apply(client, vs::Batch().add_bridge(vs::AddBridge("st1", "netdev", {}, true))).changed);
  EXPECT_EQ(get("st1", "stp_enable"), "true");

  // What ovs-vsctl sets, read_state sees.
  ovs_vsctl({"set", "Bridge", "st0", "stp_enable=true"});
  EXPECT_TRUE(vs::read_state(client).bridge("st0")->stp_enable);
  vs::apply(client, vs::Batch().del_bridge({"st0"}).del_bridge({"st1"}));
}

TEST_F(VswitchTest, DeletingTheBridgeLocalPortIsRefused) {
  vs::apply(client, vs::Batch().add_bridge({"bl", "netdev", {}}));
  EXPECT_THROW(vs::apply(client, vs::Batch().del_port({"bl"})), ovsdb::Error);
  EXPECT_TRUE(exists("Port", "bl"));
  vs::apply(client, vs::Batch().del_bridge({"bl"}));
}

TEST_F(VswitchTest, InterfaceErrorIsReportedNamingTheInterface) {
  vs::Batch batch;
  batch.add_bridge({"be", "netdev", {}}).add_port({"be", "nosuchdev0", "", {}, {}, {}, {}});
  try {
    vs::apply(client, batch);
    FAIL() << "expected an interface error";
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.error(), "interface error");
    EXPECT_NE(e.details().find("nosuchdev0"), std::string::npos) << e.what();
  }
  // The oracle agrees that ovs-vswitchd failed on it.
  auto i = row_of("Interface", "nosuchdev0");
  bool failed = !column(i, "error").empty() || column(i, "ofport") == Datum::integer(-1);
  EXPECT_TRUE(failed) << i.dump();
  vs::apply(client, vs::Batch().del_bridge({"be"}));
}

TEST_F(VswitchTest, ManyPortsInOneTransaction) {
  vs::Batch batch;
  batch.add_bridge({"bm", "netdev", {}});
  for (int i = 0; i < 200; ++i) batch.add_port({"bm", "m" + std::to_string(i), "internal", {}, {}, {}, {}});
  vs::apply(client, batch, {60s});
  EXPECT_EQ(ovs_rows({"--", "--columns=ports", "list", "Bridge", "bm"}).size(), 1u);
  EXPECT_EQ(Datum::from_json(ovs_rows({"--", "--columns=ports", "list", "Bridge", "bm"})[0]["ports"]).size(), 201u);
  vs::apply(client, vs::Batch().del_bridge({"bm"}), {60s});
}

TEST(VswitchNoDaemon, WaitingWithoutOvsVswitchdFailsClearlyAndFast) {
  ovsdb_test::OwnServer server("novswitchd");
  ovsdb::Client client(server.target());
  auto start = std::chrono::steady_clock::now();
  try {
    vs::apply(client, vs::Batch().add_bridge({"x0", "netdev", {}}), {20s});
    FAIL() << "expected an error";
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.error(), "not running") << e.what();
    EXPECT_NE(std::string(e.what()).find("ovs-vswitchd"), std::string::npos);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  // --no-wait semantics: committed, no waiting.
  auto r = vs::apply(client, vs::Batch().add_bridge({"x1", "netdev", {}}), {1s, false});
  EXPECT_TRUE(r.changed);
  EXPECT_NE(r.state.bridge("x1"), nullptr);
}

}  // namespace
