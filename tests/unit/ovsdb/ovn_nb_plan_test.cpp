// Planning a lab in the OVN Northbound database against a model of it: what is written for a
// new lab (marked, one transaction, nb_cfg bumped), that a lab in place plans nothing, that a
// change touches only what changed, that foreign rows are never adopted or removed, and the
// checks that refuse a bad lab before anything is planned.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ovsdb/error.h"
#include "ovsdb/ovn_nb.h"

using namespace ovsdb;
using namespace ovsdb::ovn_nb;

namespace {

Lab lab1() {
  Lab lab{"lab1", {}, {}};
  Switch sw{"ls0", {}, {}, {}};
  sw.ports.push_back({"lab1-blue", "", {"02:00:00:00:00:01 10.0.0.11"}, {"02:00:00:00:00:01 10.0.0.11"}, {}, {}});
  sw.ports.push_back({"lab1-red", "", {"02:00:00:00:00:02 10.0.0.12"}, {}, {}, {}});
  Router r{"lr0", {}, {}};
  connect(sw, r, {"lrp-ls0", "02:00:00:00:01:00", {"10.0.0.1/24"}, {}}, "ls0-lr0");
  lab.switches.push_back(sw);
  lab.routers.push_back(r);
  return lab;
}

// A database holding `labs` (and any extra switches), with made-up uuids.
State holding(const std::vector<Lab>& labs, const std::vector<Switch>& foreign = {}) {
  State s;
  s.nb_global = Uuid{"nb-global"};
  s.nb_cfg = 5;
  int n = 0;
  auto uuid = [&] { return Uuid{"u" + std::to_string(++n)}; };
  for (const auto& lab : labs) {
    Lab l = normalized(lab);
    for (const auto& sw : l.switches) {
      s.switches.push_back(sw);
      s.switch_rows.push_back(uuid());
      for (const auto& p : sw.ports) s.switch_port_uuid[p.name] = uuid();
    }
    for (const auto& r : l.routers) {
      s.routers.push_back(r);
      s.router_rows.push_back(uuid());
      for (const auto& p : r.ports) s.router_port_uuid[p.name] = uuid();
    }
  }
  for (const auto& sw : foreign) {
    s.switches.push_back(sw);
    s.switch_rows.push_back(uuid());
    for (const auto& p : sw.ports) s.switch_port_uuid[p.name] = uuid();
  }
  return s;
}

std::vector<std::string> kinds(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& op : p.ops) out.push_back(op.kind() + " " + op.json.value("table", std::string()));
  return out;
}

std::string error_of(const State& s, const Lab& lab) {
  try {
    plan(s, lab);
  } catch (const Error& e) {
    return e.error() + ": " + e.details();
  }
  return "no error";
}

}  // namespace

TEST(OvnNbPlan, ANewLabIsOneTransactionOfMarkedRowsThatBumpsNbCfg) {
  State empty;
  empty.nb_global = Uuid{"nb-global"};
  Plan p = plan(empty, lab1());
  EXPECT_EQ(kinds(p), (std::vector<std::string>{
                          "insert Logical_Switch_Port", "insert Logical_Switch_Port", "insert Logical_Switch_Port",
                          "wait Logical_Switch", "insert Logical_Switch", "insert Logical_Router_Port",
                          "wait Logical_Router", "insert Logical_Router", "mutate NB_Global", "select NB_Global"}));
  ASSERT_TRUE(p.nb_cfg_select);
  EXPECT_EQ(*p.nb_cfg_select, 9u);
  // Another client may be creating the same switch: the insert waits for its name to be free.
  EXPECT_EQ(p.ops[3].json["where"], nlohmann::json::parse(R"([["name","==","ls0"]])"));
  EXPECT_EQ(p.ops[3].json["until"], "==");
  EXPECT_EQ(p.ops[3].json["rows"], nlohmann::json::array());
  EXPECT_EQ(p.ops[3].json["timeout"], 0);
  for (const auto& op : p.ops) {
    if (op.kind() != "insert") continue;
    EXPECT_EQ(op.json["row"]["external_ids"], nlohmann::json::parse(R"(["map",[["nswire-lab","lab1"]]])")) << op.json;
  }
  // The router-type port points at the router port, as ovn-nbctl lsp-set-type/-options write it.
  // (Ports are written in name order: lab1-blue, lab1-red, ls0-lr0.)
  EXPECT_EQ(p.ops[0].json["row"]["name"], "lab1-blue");
  const auto& router_lsp = p.ops[2].json["row"];
  EXPECT_EQ(router_lsp["name"], "ls0-lr0");
  EXPECT_EQ(router_lsp["type"], "router");
  EXPECT_EQ(router_lsp["addresses"], "router");
  EXPECT_EQ(router_lsp["options"], nlohmann::json::parse(R"(["map",[["router-port","lrp-ls0"]]])"));
  // The switch refers to its three ports by the names given to their inserts.
  EXPECT_EQ(p.ops[4].json["row"]["ports"][1].size(), 3u);
  EXPECT_EQ(p.ops[5].json["row"]["networks"], "10.0.0.1/24");
  EXPECT_EQ(p.changes, (std::vector<std::string>{"create logical switch ls0 with 3 port(s)",
                                                 "create logical router lr0 with 1 port(s)"}));
}

TEST(OvnNbPlan, ADatabaseWithoutNbGlobalGetsOne) {
  Plan p = plan(State{}, lab1());
  EXPECT_EQ(kinds(p)[8], "insert NB_Global");
}

TEST(OvnNbPlan, ALabInPlacePlansNothingAndReadsBackEqual) {
  State s = holding({lab1()});
  EXPECT_TRUE(plan(s, lab1()).empty());
  EXPECT_EQ(observed_lab(s, "lab1"), normalized(lab1()));
  // Order of ports and of addresses does not matter.
  Lab shuffled = lab1();
  std::swap(shuffled.switches[0].ports[0], shuffled.switches[0].ports[2]);
  EXPECT_TRUE(plan(s, shuffled).empty());
}

TEST(OvnNbPlan, AChangedPortIsOneUpdateGuardedByAWait) {
  State s = holding({lab1()});
  Lab want = lab1();
  want.switches[0].ports[1].addresses = {"02:00:00:00:00:03 10.0.0.13"};
  Plan p = plan(s, want);
  EXPECT_EQ(kinds(p), (std::vector<std::string>{"wait Logical_Switch_Port", "update Logical_Switch_Port",
                                                "mutate NB_Global", "select NB_Global"}));
  EXPECT_EQ(p.ops[1].json["where"][0][2][1], s.switch_port_uuid.at("lab1-red").value);
  EXPECT_EQ(p.ops[1].json["row"].size(), 1u);
  EXPECT_EQ(p.changes, std::vector<std::string>{"update port lab1-red (addresses)"});
}

TEST(OvnNbPlan, PortsComeAndGoThroughTheSwitchPortsSet) {
  State s = holding({lab1()});
  Lab want = lab1();
  want.switches[0].ports.erase(want.switches[0].ports.begin() + 1);  // lab1-red
  want.switches[0].ports.push_back({"lab1-green", "", {"02:00:00:00:00:04 10.0.0.14"}, {}, {}, {}});
  Plan p = plan(s, want);
  EXPECT_EQ(kinds(p), (std::vector<std::string>{"insert Logical_Switch_Port", "wait Logical_Switch", "mutate Logical_Switch",
                                                "delete Logical_Switch_Port", "mutate NB_Global", "select NB_Global"}));
  // Another writer's change to the ports set fails this transaction instead of being lost.
  EXPECT_EQ(p.ops[1].json["columns"], (nlohmann::json{"name", "ports"}));
  EXPECT_EQ(p.ops[1].json["rows"][0]["ports"][1].size(), 3u);
  const auto& mutations = p.ops[2].json["mutations"];
  ASSERT_EQ(mutations.size(), 2u);
  EXPECT_EQ(mutations[0][1], "delete");
  EXPECT_EQ(mutations[0][2][1], s.switch_port_uuid.at("lab1-red").value);
  EXPECT_EQ(mutations[1][1], "insert");
  EXPECT_EQ(mutations[1][2][0], "named-uuid");
}

TEST(OvnNbPlan, RemovalTakesExactlyWhatTheLabOwns) {
  Lab other = lab1();
  other.name = "lab2";
  other.switches[0].name = "ls-other";
  other.routers[0].name = "lr-other";
  for (auto& p : other.switches[0].ports) p.name = "lab2-" + p.name;
  other.routers[0].ports[0].name = "lab2-lrp";
  other.switches[0].ports[0].options = {{"router-port", "lab2-lrp"}};
  State s = holding({lab1(), other});
  Plan p = plan(s, Lab{"lab1", {}, {}});
  std::set<std::string> touched;
  for (const auto& op : p.ops)
    if (op.kind() == "delete") touched.insert(op.json["where"][0][2][1].get<std::string>());
  std::set<std::string> lab1_rows = {s.switch_rows[0].value, s.router_rows[0].value};
  for (const auto& name : {"ls0-lr0", "lab1-blue", "lab1-red"}) lab1_rows.insert(s.switch_port_uuid.at(name).value);
  lab1_rows.insert(s.router_port_uuid.at("lrp-ls0").value);
  EXPECT_EQ(touched, lab1_rows);
  EXPECT_EQ(p.changes, (std::vector<std::string>{"remove logical switch ls0", "remove logical router lr0"}));
  // A port another client added to the switch meanwhile fails the transaction instead of going.
  auto guard = std::find_if(p.ops.begin(), p.ops.end(), [](const auto& op) {
    return op.kind() == "wait" && op.json["table"] == "Logical_Switch" && op.json["columns"] == nlohmann::json{"ports"};
  });
  ASSERT_NE(guard, p.ops.end());
  EXPECT_EQ(guard->json["rows"][0]["ports"][1].size(), 3u);
  EXPECT_TRUE(plan(holding({other}), Lab{"lab1", {}, {}}).empty());
}

TEST(OvnNbPlan, ForeignRowsAreNeverAdoptedNorRemoved) {
  Switch theirs{"ls0", {}, {{"owner", "someone"}}, {{"x1", "", {}, {}, {}, {}}}};
  EXPECT_EQ(error_of(holding({}, {theirs}), lab1()),
            "conflict: logical switch ls0 exists and belongs to nobody (no external_ids:nswire-lab)");
  Switch other_lab{"ls9", {}, {{"nswire-lab", "lab2"}}, {{"lab1-blue", "", {}, {}, {}, {{"nswire-lab", "lab2"}}}}};
  EXPECT_EQ(error_of(holding({}, {other_lab}), lab1()),
            "conflict: logical switch port lab1-blue exists on logical switch ls9 and belongs to lab lab2");
  // Someone added a port to the lab's switch: the switch stays (and says why).
  State s = holding({lab1()});
  s.switches[0].ports.push_back({"intruder", "", {}, {}, {}, {}});
  s.switch_port_uuid["intruder"] = Uuid{"u-intruder"};
  EXPECT_EQ(error_of(s, Lab{"lab1", {}, {}}),
            "conflict: logical switch ls0 holds port intruder of nobody (no external_ids:nswire-lab); remove that port first");
  // ... but the lab can still be reconciled around it.
  EXPECT_TRUE(plan(s, lab1()).empty());
  EXPECT_EQ(observed_lab(s, "lab1"), normalized(lab1()));
}

TEST(OvnNbPlan, BadLabsAreRefusedBeforeAnythingIsPlanned) {
  Lab lab = lab1();
  lab.switches[0].ports[2].options.clear();
  EXPECT_NE(error_of(State{}, lab).find("ls0-lr0 of ls0: type router needs options:router-port"), std::string::npos);
  lab = lab1();
  lab.routers[0].ports[0].mac = "02:00:00:00:01";
  EXPECT_NE(error_of(State{}, lab).find("mac \"02:00:00:00:01\""), std::string::npos);
  lab = lab1();
  lab.routers[0].ports[0].networks.clear();
  EXPECT_NE(error_of(State{}, lab).find("needs at least one network"), std::string::npos);
  lab = lab1();
  lab.switches.push_back(lab.switches[0]);
  EXPECT_EQ(error_of(State{}, lab), "invalid lab: logical switch ls0 appears twice");
  lab = lab1();
  lab.switches.push_back({"ls1", {}, {}, {lab.switches[0].ports[0]}});
  EXPECT_EQ(error_of(State{}, lab), "invalid lab: logical switch port lab1-blue appears twice");
  lab = lab1();
  lab.name.clear();
  EXPECT_EQ(error_of(State{}, lab), "invalid lab: the lab has no name");
}

TEST(OvnNbPlan, SchemaCheckNamesWhatIsMissing) {
  const char* path = "/usr/share/ovn/ovn-nb.ovsschema";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not installed (Debian package ovn-common)";
  std::ifstream f(path);
  auto j = nlohmann::json::parse(f);
  EXPECT_NO_THROW(check_schema(Schema::from_json(j)));
  j["tables"]["Logical_Switch_Port"]["columns"].erase("port_security");
  try {
    check_schema(Schema::from_json(j));
    ADD_FAILURE() << "a schema without port_security passed";
  } catch (const Error& e) {
    EXPECT_NE(e.details().find("Logical_Switch_Port.port_security"), std::string::npos) << e.details();
  }
  j["name"] = "Open_vSwitch";
  EXPECT_THROW(check_schema(Schema::from_json(j)), Error);
}
