// Batch planning against a model state, no server: the operations are those ovs-vsctl
// would send, conflicts are errors naming the command, and a batch in sync is empty.
#include "ovsdb/error.h"
#include "ovsdb/vswitch.h"

#include <gtest/gtest.h>

using J = nlohmann::json;
namespace vs = ovsdb::vswitch;

namespace {

vs::State sample() {
  vs::State s;
  s.root = {"root-uuid"};
  s.next_cfg = 4;
  s.cur_cfg = 4;
  vs::Bridge br0{{"br0-uuid"}, "br0", "netdev", {{"lab", "a"}}, {}};
  br0.ports.push_back(vs::Port{{"br0-port"}, "br0", std::nullopt, {}, {vs::Interface{{"br0-if"}, "br0", "internal", {}, 65534, {}, {}}}});
  br0.ports.push_back(vs::Port{{"p1-port"}, "p1", 10, {{"lab", "a"}}, {vs::Interface{{"p1-if"}, "p1", "internal", {}, 1, {}, {}}}});
  s.bridges.push_back(br0);
  return s;
}

std::vector<std::string> kinds(const vs::Plan& p) {
  std::vector<std::string> out;
  for (const auto& o : p.ops) out.push_back(o.kind() + (o.json.contains("table") ? " " + o.json["table"].get<std::string>() : ""));
  return out;
}

TEST(VswitchPlan, AddBridgeWritesLocalPortAndRootMutateLikeOvsVsctl) {
  auto plan = vs::Batch().add_bridge({"br1", "netdev", {{"lab", "b"}}}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Interface", "insert Port", "insert Bridge",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[0].json["row"], J::parse(R"({"name":"br1","type":"internal"})"));
  auto iface = plan.ops[0].json["uuid-name"];
  EXPECT_EQ(plan.ops[1].json["row"]["interfaces"], J::array({"named-uuid", iface}));
  EXPECT_EQ(plan.ops[2].json["row"]["datapath_type"], "netdev");
  EXPECT_EQ(plan.ops[2].json["row"]["external_ids"], J::parse(R"(["map",[["lab","b"]]])"));
  EXPECT_EQ(plan.ops[3].json["where"], J::parse(R"([["_uuid","==",["uuid","root-uuid"]]])"));
  EXPECT_EQ(plan.ops[3].json["mutations"],
            J::parse(R"([["bridges","insert",["named-uuid","bridge3"]],["next_cfg","+=",1]])"));
  EXPECT_EQ(plan.next_cfg_select, 4u);
  EXPECT_EQ(plan.check_interfaces, std::vector<std::string>{"br1"});
}

TEST(VswitchPlan, AddPortToExistingBridgeMutatesItsPortsAfterCheckingItStillExists) {
  auto plan = vs::Batch().add_port({"br0", "p2", "", {}, 20, {{"lab", "a"}}, {}}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Interface", "insert Port", "wait Bridge", "mutate Bridge",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[1].json["row"]["tag"], 20);
  EXPECT_EQ(plan.ops[3].json["mutations"][0][1], "insert");
  EXPECT_EQ(plan.ops[3].json["mutations"][0][2], J::parse(R"(["named-uuid","port2"])"));
}

TEST(VswitchPlan, BatchInSyncIsEmpty) {
  auto plan = vs::Batch()
                  .add_bridge({"br0", "netdev", {{"lab", "a"}}, true})
                  .add_port({"br0", "p1", "internal", {}, 10, {{"lab", "a"}}, {}, true})
                  .del_port({"gone", "", true})
                  .del_bridge({"gone", true})
                  .plan(sample());
  EXPECT_TRUE(plan.empty());
}

TEST(VswitchPlan, ConflictsAreErrorsNamingTheCommand) {
  auto err = [](const vs::Batch& b) -> ovsdb::Error {
    try {
      b.plan(sample());
    } catch (const ovsdb::Error& e) {
      return e;
    }
    throw std::runtime_error("expected ovsdb::Error");
  };
  EXPECT_EQ(err(vs::Batch().add_bridge({"br0"})).operation(), "add-br br0");
  EXPECT_EQ(err(vs::Batch().add_port({"br9", "x"})).details(), "no bridge named br9");
  EXPECT_EQ(err(vs::Batch().add_port({"br0", "p1"})).error(), "already exists");
  EXPECT_EQ(err(vs::Batch().add_port({"br0", "p1", "patch", {{"peer", "x"}}, {}, {}, {}, true})).error(), "conflict");
  EXPECT_EQ(err(vs::Batch().add_bridge({"p1"})).error(), "conflict");
  EXPECT_EQ(err(vs::Batch().add_bridge({"brx"}).add_port({"brx", "p1", "internal", {}, {}, {}, {}, true})).details(),
            "port p1 already exists on bridge br0");
  EXPECT_EQ(err(vs::Batch().del_port({"p9"})).details(), "no port named p9");
  EXPECT_EQ(err(vs::Batch().del_port({"br0"})).error(), "invalid argument");
  EXPECT_EQ(err(vs::Batch().add_bridge({"b2"}).del_port({"p1", "b2"})).error(), "conflict");
  EXPECT_EQ(err(vs::Batch().del_bridge({"nobr"})).details(), "no bridge named nobr");
  EXPECT_EQ(err(vs::Batch().add_port({"br0", "v", "", {}, 4096})).error(), "invalid argument");
  EXPECT_EQ(err(vs::Batch().add_port({"br0", "v", "patch"})).error(), "invalid argument");
  EXPECT_EQ(err(vs::Batch().set_port({"nope", 3})).error(), "not found");
}

TEST(VswitchPlan, DeleteBridgeRemovesItFromRootAndDeletesItsRows) {
  auto plan = vs::Batch().del_bridge({"br0"}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"delete Bridge", "delete Port", "delete Interface", "delete Port",
                                                   "delete Interface", "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[5].json["mutations"][0], J::parse(R"(["bridges","delete",["uuid","br0-uuid"]])"));
}

TEST(VswitchPlan, DelPortMutatesTheBridgeAndDeletesPortAndInterface) {
  auto plan = vs::Batch().del_port({"p1", "br0"}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"delete Port", "delete Interface", "wait Bridge", "mutate Bridge",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[3].json["mutations"][0], J::parse(R"(["ports","delete",["uuid","p1-port"]])"));
}

TEST(VswitchPlan, AddThenDeleteInOneBatchIsANoOp) {
  EXPECT_TRUE(vs::Batch().add_port({"br0", "tmp"}).del_port({"tmp"}).plan(sample()).empty());
  EXPECT_TRUE(vs::Batch().add_bridge({"tmp"}).add_port({"tmp", "x"}).del_bridge({"tmp"}).plan(sample()).empty());
}

TEST(VswitchPlan, TagAndExternalIdsOnExistingRows) {
  auto plan = vs::Batch().set_port({"p1", 30, {{"new", "1"}, {"lab", "b"}}}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"wait Port", "update Port", "mutate Port", "mutate Open_vSwitch",
                                                   "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[1].json["row"], J::parse(R"({"tag":30})"));
  EXPECT_EQ(plan.ops[2].json["mutations"],
            J::parse(R"([["external_ids","delete","lab"],["external_ids","insert",["map",[["lab","b"],["new","1"]]]]])"));
  auto clear = vs::Batch().set_port_tag("p1", std::nullopt).plan(sample());
  EXPECT_EQ(clear.ops[1].json["row"], J::parse(R"({"tag":["set",[]]})"));
  EXPECT_TRUE(vs::Batch().set_port_tag("p1", 10).plan(sample()).empty());
}

TEST(VswitchPlan, PatchPair) {
  auto s = sample();
  auto plan = vs::Batch().add_bridge({"br1"}).add_patch_pair("br0", "to-br1", "br1", "to-br0").plan(s);
  auto want = vs::Batch().add_bridge({"br1"}).add_patch_pair("br0", "to-br1", "br1", "to-br0").simulate(s);
  EXPECT_EQ(want.interface("to-br1")->options, (vs::StringMap{{"peer", "to-br0"}}));
  EXPECT_EQ(want.interface("to-br0")->type, "patch");
  EXPECT_EQ(want.bridge_of_port("to-br0")->name, "br1");
  EXPECT_EQ(plan.check_interfaces.size(), 3u);  // br1's local interface + both patch ends
}

TEST(VswitchPlan, StpEnableOnANewBridgeIsWrittenInItsInsert) {
  auto plan = vs::Batch().add_bridge(vs::AddBridge("br1", "netdev", {}, false, {.stp_enable = true})).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Interface", "insert Port", "insert Bridge",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[2].json["row"]["stp_enable"], true);
  // Off is the schema's default: a new bridge without STP does not write the column at all.
  auto off = vs::Batch().add_bridge(vs::AddBridge("br1", "netdev", {}, false, {.stp_enable = false})).plan(sample());
  EXPECT_FALSE(off.ops[2].json["row"].contains("stp_enable"));
}

TEST(VswitchPlan, StpEnableOnAnExistingBridgeIsOneUpdate) {
  auto on = vs::Batch().set_bridge(vs::SetBridge("br0", std::nullopt, {}, {}, {.stp_enable = true})).plan(sample());
  EXPECT_EQ(kinds(on), (std::vector<std::string>{"wait Bridge", "update Bridge", "mutate Open_vSwitch",
                                                 "select Open_vSwitch"}));
  EXPECT_EQ(on.ops[1].json["where"], J::parse(R"([["_uuid","==",["uuid","br0-uuid"]]])"));
  EXPECT_EQ(on.ops[1].json["row"], J::parse(R"({"stp_enable":true})"));
  // add-br --may-exist with STP on an existing bridge writes the same update.
  auto may_exist = vs::Batch().add_bridge(vs::AddBridge("br0", "netdev", {}, true, {.stp_enable = true})).plan(sample());
  EXPECT_EQ(may_exist.ops[1].json, on.ops[1].json);
  // Off where it is off, or left unset: nothing to do.
  EXPECT_TRUE(vs::Batch().set_bridge(vs::SetBridge("br0", std::nullopt, {}, {}, {.stp_enable = false})).plan(sample()).empty());
  EXPECT_TRUE(vs::Batch().add_bridge(vs::AddBridge("br0", "netdev", {}, true)).plan(sample()).empty());
  // And back off.
  auto s = sample();
  s.bridges[0].stp_enable = true;
  auto off = vs::Batch().set_bridge(vs::SetBridge("br0", std::nullopt, {}, {}, {.stp_enable = false})).plan(s);
  EXPECT_EQ(off.ops[1].json["row"], J::parse(R"({"stp_enable":false})"));
  EXPECT_TRUE(vs::Batch().add_bridge(vs::AddBridge("br0", "netdev", {}, true)).plan(s).empty());  // unset: kept
}

TEST(VswitchPlan, UninitialisedDatabaseIsAClearError) {
  vs::State empty;
  EXPECT_THROW(vs::Batch().add_bridge({"b"}).plan(empty), ovsdb::Error);
}

TEST(VswitchState, FromCache) {
  ovsdb::TableCache c;
  c.apply_update(J::parse(R"({
    "Open_vSwitch":{"r":{"new":{"bridges":["uuid","b"],"next_cfg":3,"cur_cfg":2}}},
    "Bridge":{"b":{"new":{"name":"br0","datapath_type":"netdev","external_ids":["map",[]],"ports":["set",[["uuid","p"],["uuid","q"]]],"stp_enable":true}}},
    "Port":{"p":{"new":{"name":"br0","tag":["set",[]],"external_ids":["map",[]],"interfaces":["uuid","i"]}},
            "q":{"new":{"name":"a1","tag":5,"external_ids":["map",[["k","v"]]],"interfaces":["uuid","j"]}}},
    "Interface":{"i":{"new":{"name":"br0","type":"internal","options":["map",[]],"ofport":65534,"error":["set",[]],"external_ids":["map",[]]}},
                 "j":{"new":{"name":"a1","type":"","options":["map",[]],"ofport":-1,"error":"could not open","external_ids":["map",[]]}}}})"));
  auto s = vs::state_from_cache(c);
  EXPECT_EQ(s.root.value, "r");
  EXPECT_EQ(s.next_cfg, 3);
  EXPECT_EQ(s.cur_cfg, 2);
  ASSERT_EQ(s.bridges.size(), 1u);
  ASSERT_EQ(s.bridges[0].ports.size(), 2u);
  EXPECT_EQ(s.bridges[0].ports[0].name, "a1");  // sorted by name
  EXPECT_TRUE(s.bridges[0].stp_enable);
  EXPECT_EQ(s.port("a1")->tag, 5);
  EXPECT_EQ(s.interface("a1")->error, "could not open");
  EXPECT_EQ(s.interface("a1")->ofport, -1);
  EXPECT_EQ(s.interface("br0")->error, std::nullopt);
}

}  // namespace
