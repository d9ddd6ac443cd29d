// Planned operations of the bridge, port and interface settings (controllers, fail mode,
// protocols, datapath-id, other_config, trunks and VLAN modes, bonds, policing, QoS, mirrors,
// sFlow, IPFIX) against a model state, no server: the JSON of the transaction is what
// ovs-vsctl would send, a batch in sync is empty, bad values are errors naming the command,
// and the schema check refuses what the server's schema would.
#include "ovsdb/error.h"
#include "ovsdb/vswitch.h"

#include <gtest/gtest.h>

#include <fstream>

using J = nlohmann::json;
namespace vs = ovsdb::vswitch;

namespace {

vs::Interface iface(const std::string& uuid, const std::string& name, const std::string& type = "") {
  vs::Interface i;
  i.uuid = {uuid};
  i.name = name;
  i.type = type;
  return i;
}

vs::Port port(const std::string& uuid, const std::string& name, std::vector<vs::Interface> ifaces) {
  vs::Port p;
  p.uuid = {uuid};
  p.name = name;
  p.interfaces = std::move(ifaces);
  return p;
}

// br0 with its local port, p1 and p2 (system interfaces); p2 has a linux-htb QoS with queue 0.
vs::State sample() {
  vs::State s;
  s.root = {"root-uuid"};
  vs::Bridge br0;
  br0.uuid = {"br0-uuid"};
  br0.name = "br0";
  br0.datapath_type = "netdev";
  br0.ports.push_back(port("br0-port", "br0", {iface("br0-if", "br0", "internal")}));
  br0.ports.push_back(port("p1-port", "p1", {iface("p1-if", "p1")}));
  br0.ports.push_back(port("p2-port", "p2", {iface("p2-if", "p2")}));
  vs::Qos q;
  q.uuid = {"qos-uuid"};
  q.type = "linux-htb";
  q.other_config = {{"max-rate", "1000000"}};
  q.queues[0] = vs::Queue{{"queue-uuid"}, std::nullopt, {{"max-rate", "1000000"}}, {}};
  br0.ports[2].qos = q;
  s.bridges.push_back(br0);
  return s;
}

// A simulated state as the server would hold it after the batch: every new row gets a uuid.
vs::State committed(vs::State s) {
  int n = 0;
  auto give = [&](ovsdb::Uuid& u) {
    if (u.value.empty()) u.value = "new-" + std::to_string(++n);
  };
  for (auto& b : s.bridges) {
    give(b.uuid);
    for (auto& p : b.ports) {
      give(p.uuid);
      for (auto& i : p.interfaces) give(i.uuid);
      if (p.qos) {
        give(p.qos->uuid);
        for (auto& [id, q] : p.qos->queues) give(q.uuid);
      }
    }
    for (auto& c : b.controllers) give(c.uuid);
    for (auto& m : b.mirrors) give(m.uuid);
    if (b.sflow) give(b.sflow->uuid);
    if (b.ipfix) give(b.ipfix->uuid);
  }
  return s;
}

std::vector<std::string> kinds(const vs::Plan& p) {
  std::vector<std::string> out;
  for (const auto& o : p.ops) out.push_back(o.kind() + (o.json.contains("table") ? " " + o.json["table"].get<std::string>() : ""));
  return out;
}

const J& op_of(const vs::Plan& p, const std::string& kind_table, int nth = 0) {
  for (const auto& o : p.ops)
    if (o.kind() + " " + o.json.value("table", "") == kind_table && nth-- == 0) return o.json;
  throw std::runtime_error("no op " + kind_table);
}

ovsdb::Error error_of(const vs::Batch& b, const vs::State& s = sample()) {
  try {
    b.plan(s);
  } catch (const ovsdb::Error& e) {
    return e;
  }
  throw std::runtime_error("expected ovsdb::Error");
}

vs::Batch set_bridge(vs::BridgeSettings settings) {
  return vs::Batch().set_bridge(vs::SetBridge("br0", std::nullopt, {}, {}, std::move(settings)));
}

vs::Batch set_port(const std::string& name, vs::PortSettings settings) {
  return vs::Batch().set_port(vs::SetPort(name, std::nullopt, {}, {}, false, std::move(settings)));
}

TEST(VswitchSettings, ControllersOnANewBridgeAreInsertedAndReferenced) {
  auto plan = vs::Batch()
                  .add_bridge(vs::AddBridge("br1", "netdev", {{"nswire-lab", "l"}}, false,
                                            {.controllers = {{"tcp:127.0.0.1:6653", "tcp:127.0.0.1:6654"}},
                                             .controller_external_ids = {{"nswire-lab", "l"}},
                                             .fail_mode = "secure",
                                             .protocols = {{"OpenFlow13", "OpenFlow10"}}}))
                  .plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Interface", "insert Port", "insert Controller",
                                                   "insert Controller", "insert Bridge", "mutate Open_vSwitch",
                                                   "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[2].json["row"], J::parse(R"({"target":"tcp:127.0.0.1:6653","external_ids":["map",[["nswire-lab","l"]]]})"));
  const auto& br = op_of(plan, "insert Bridge")["row"];
  EXPECT_EQ(br["controller"], J::parse(R"(["set",[["named-uuid","controller3"],["named-uuid","controller4"]]])"));
  EXPECT_EQ(br["fail_mode"], "secure");
  EXPECT_EQ(br["protocols"], J::parse(R"(["set",["OpenFlow10","OpenFlow13"]])"));
}

TEST(VswitchSettings, SetControllerReplacesDelControllerClearsSameTargetsIsANoOp) {
  auto set = set_bridge({.controllers = {{"tcp:127.0.0.1:6653"}}}).plan(sample());
  EXPECT_EQ(kinds(set), (std::vector<std::string>{"insert Controller", "wait Bridge", "update Bridge",
                                                  "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(set.ops[2].json["row"], J::parse(R"({"controller":["named-uuid","controller1"]})"));

  auto s = sample();
  s.bridges[0].controllers.push_back(vs::Controller{{"c-uuid"}, "tcp:127.0.0.1:6653", {}, false, std::nullopt});
  EXPECT_TRUE(set_bridge({.controllers = {{"tcp:127.0.0.1:6653"}}}).plan(s).empty());
  auto probe = set_bridge({.controllers = {{"tcp:127.0.0.1:6653"}}, .controller_inactivity_probe = 1000}).plan(s);
  EXPECT_EQ(op_of(probe, "insert Controller")["row"], J::parse(R"({"target":"tcp:127.0.0.1:6653","inactivity_probe":1000})"));
  auto del = set_bridge({.controllers = std::vector<std::string>{}}).plan(s);
  EXPECT_EQ(op_of(del, "update Bridge")["row"], J::parse(R"({"controller":["set",[]]})"));
  auto replace = set_bridge({.controllers = {{"tcp:127.0.0.1:7000"}}}).plan(s);
  EXPECT_EQ(op_of(replace, "insert Controller")["row"]["target"], "tcp:127.0.0.1:7000");
  EXPECT_EQ(op_of(replace, "update Bridge")["row"]["controller"], J::parse(R"(["named-uuid","controller1"])"));
}

TEST(VswitchSettings, FailModeProtocolsDatapathIdAndOtherConfig) {
  auto plan = set_bridge({.fail_mode = "standalone",
                          .protocols = {{"OpenFlow13"}},
                          .datapath_id = "00000000000000a1",
                          .set_other_config = {{"mac-aging-time", "30"}}})
                  .plan(sample());
  EXPECT_EQ(op_of(plan, "update Bridge")["row"], J::parse(R"({"fail_mode":"standalone","protocols":"OpenFlow13"})"));
  EXPECT_EQ(op_of(plan, "mutate Bridge")["mutations"],
            J::parse(R"([["other_config","insert",["map",[["datapath-id","00000000000000a1"],["mac-aging-time","30"]]]]])"));

  auto s = set_bridge({.fail_mode = "standalone",
                       .protocols = {{"OpenFlow13"}},
                       .datapath_id = "00000000000000a1",
                       .set_other_config = {{"mac-aging-time", "30"}}})
               .simulate(sample());
  auto clear = set_bridge({.fail_mode = "", .protocols = std::vector<std::string>{}, .datapath_id = "",
                           .remove_other_config = {"mac-aging-time"}})
                   .plan(s);
  EXPECT_EQ(op_of(clear, "update Bridge")["row"], J::parse(R"({"fail_mode":["set",[]],"protocols":["set",[]]})"));
  EXPECT_EQ(op_of(clear, "mutate Bridge")["mutations"],
            J::parse(R"([["other_config","delete",["set",["datapath-id","mac-aging-time"]]]])"));

  EXPECT_EQ(error_of(set_bridge({.fail_mode = "open"})).details(),
            "fail-mode must be \"standalone\" or \"secure\", not \"open\"");
  EXPECT_EQ(error_of(set_bridge({.protocols = {{"OpenFlow16"}}})).operation(), "set Bridge br0");
  EXPECT_EQ(error_of(set_bridge({.datapath_id = "abc"})).error(), "invalid argument");
  EXPECT_EQ(error_of(set_bridge({.datapath_id = "0000000000000000"})).error(), "invalid argument");
  EXPECT_FALSE(set_bridge({.datapath_id = "0xa1"}).plan(sample()).empty());
}

TEST(VswitchSettings, TrunksAndNativeVlanOnANewPort) {
  auto plan = vs::Batch()
                  .add_port(vs::AddPort("br0", "t1", "", {}, 10, {}, {}, false,
                                        {.trunks = {{20, 10, 20}}, .vlan_mode = "native-untagged"}))
                  .plan(sample());
  EXPECT_EQ(op_of(plan, "insert Port")["row"],
            J::parse(R"({"name":"t1","interfaces":["named-uuid","iface1"],"tag":10,"trunks":["set",[10,20]],"vlan_mode":"native-untagged"})"));
  auto s = committed(vs::Batch().add_port(vs::AddPort("br0", "t1", "", {}, 10, {}, {}, false,
                                                      {.trunks = {{10, 20}}, .vlan_mode = "native-untagged"}))
                         .simulate(sample()));
  EXPECT_EQ(s.port("t1")->trunks, (std::vector<std::int64_t>{10, 20}));
  // Re-adding with --may-exist and the same settings changes nothing; a trunk again clears them.
  EXPECT_TRUE(vs::Batch().add_port(vs::AddPort("br0", "t1", "", {}, 10, {}, {}, true,
                                               {.trunks = {{20, 10}}, .vlan_mode = "native-untagged"}))
                  .plan(s)
                  .empty());
  auto trunk = set_port("t1", {.trunks = std::vector<std::int64_t>{}, .vlan_mode = ""}).plan(s);
  EXPECT_EQ(op_of(trunk, "update Port")["row"], J::parse(R"({"trunks":["set",[]],"vlan_mode":["set",[]]})"));
  EXPECT_EQ(error_of(set_port("p1", {.trunks = {{4096}}})).error(), "invalid argument");
  EXPECT_EQ(error_of(set_port("p1", {.vlan_mode = "hybrid"})).error(), "invalid argument");
}

TEST(VswitchSettings, TrunksAndVlanModeOnAnExistingPortAreOneUpdate) {
  auto plan = set_port("p1", {.trunks = {{30}}, .vlan_mode = "trunk"}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"wait Port", "update Port", "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[1].json["row"], J::parse(R"({"trunks":30,"vlan_mode":"trunk"})"));
}

TEST(VswitchSettings, AddBondIsOnePortWithSeveralInterfaces) {
  auto plan = vs::Batch()
                  .add_bond(vs::AddBond("br0", "bond0", {"b-a", "b-b"}, {.bond_mode = "active-backup", .lacp = "off"},
                                        std::nullopt, {{"nswire-lab", "l"}}, {{"nswire-lab", "l"}}))
                  .plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Interface", "insert Interface", "insert Port", "wait Bridge",
                                                   "mutate Bridge", "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[0].json["row"], J::parse(R"({"name":"b-a","external_ids":["map",[["nswire-lab","l"]]]})"));
  EXPECT_EQ(plan.ops[2].json["row"],
            J::parse(R"({"name":"bond0","interfaces":["set",[["named-uuid","iface1"],["named-uuid","iface2"]]],
                         "bond_mode":"active-backup","lacp":"off","external_ids":["map",[["nswire-lab","l"]]]})"));
  EXPECT_EQ(plan.check_interfaces, (std::vector<std::string>{"b-a", "b-b"}));

  auto s = committed(vs::Batch().add_bond(vs::AddBond("br0", "bond0", {"b-a", "b-b"})).simulate(sample()));
  EXPECT_EQ(s.port_of_interface("b-b")->name, "bond0");
  EXPECT_TRUE(vs::Batch().add_bond(vs::AddBond("br0", "bond0", {"b-b", "b-a"}, {}, {}, {}, {}, true)).plan(s).empty());
  EXPECT_EQ(error_of(vs::Batch().add_bond(vs::AddBond("br0", "bond0", {"b-a", "b-c"}, {}, {}, {}, {}, true)), s).error(),
            "conflict");
  EXPECT_EQ(error_of(vs::Batch().add_bond(vs::AddBond("br0", "bond1", {"b-a"}))).details(),
            "add-bond requires at least 2 interfaces, but only 1 were specified");
  EXPECT_EQ(error_of(vs::Batch().add_bond(vs::AddBond("br0", "bond1", {"p1", "x"}))).error(), "conflict");
  EXPECT_EQ(error_of(vs::Batch().add_bond(vs::AddBond("br0", "bond1", {"x", "y"}, {.bond_mode = "round-robin"}))).error(),
            "invalid argument");
}

TEST(VswitchSettings, BondMembersComeAndGo) {
  auto s = sample();
  s.bridges[0].ports.push_back(port("bond-port", "bond0", {iface("a-if", "b-a"), iface("b-if", "b-b")}));
  auto add = vs::Batch().add_bond_interface(vs::AddBondInterface("bond0", "b-c")).plan(s);
  EXPECT_EQ(kinds(add), (std::vector<std::string>{"insert Interface", "wait Port", "mutate Port", "mutate Open_vSwitch",
                                                  "select Open_vSwitch"}));
  EXPECT_EQ(add.ops[2].json["mutations"], J::parse(R"([["interfaces","insert",["named-uuid","iface1"]]])"));
  auto del = vs::Batch().del_bond_interface(vs::DelBondInterface("bond0", "b-b")).plan(s);
  EXPECT_EQ(kinds(del), (std::vector<std::string>{"delete Interface", "wait Port", "mutate Port", "mutate Open_vSwitch",
                                                  "select Open_vSwitch"}));
  EXPECT_EQ(del.ops[2].json["mutations"], J::parse(R"([["interfaces","delete",["uuid","b-if"]]])"));
  EXPECT_EQ(error_of(vs::Batch().del_bond_interface(vs::DelBondInterface("", "p1"))).details(),
            "cannot delete last interface from port p1");
  EXPECT_TRUE(vs::Batch().add_bond_interface(vs::AddBondInterface("bond0", "b-a", {}, true)).plan(s).empty());
}

TEST(VswitchSettings, IngressPolicingIsAnInterfaceUpdate) {
  auto plan = vs::Batch()
                  .set_interface(vs::SetInterface("p1", std::nullopt, std::nullopt, {}, {},
                                                  {.ingress_policing_rate = 1000, .ingress_policing_burst = 100}))
                  .plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"wait Interface", "update Interface", "mutate Open_vSwitch",
                                                   "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[1].json["row"], J::parse(R"({"ingress_policing_burst":100,"ingress_policing_rate":1000})"));
  auto added = vs::Batch()
                   .add_port(vs::AddPort("br0", "v1", "", {}, {}, {}, {}, false, {}, {.ingress_policing_rate = 500}))
                   .plan(sample());
  EXPECT_EQ(op_of(added, "insert Interface")["row"], J::parse(R"({"name":"v1","ingress_policing_rate":500})"));
  EXPECT_EQ(error_of(vs::Batch().set_interface(vs::SetInterface("p1", {}, {}, {}, {}, {.ingress_policing_rate = -1}))).error(),
            "invalid argument");
}

vs::Qos htb(const std::string& max_rate) {
  vs::Qos q;
  q.type = "linux-htb";
  q.other_config = {{"max-rate", max_rate}};
  q.queues[0].other_config = {{"max-rate", max_rate}};
  q.external_ids = {{"nswire-lab", "l"}};
  q.queues[0].external_ids = {{"nswire-lab", "l"}};
  return q;
}

TEST(VswitchSettings, QosWithQueueIsInsertedAndReferencedFromThePort) {
  auto plan = set_port("p1", {.qos = htb("2000000")}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Queue", "insert QoS", "wait Port", "update Port",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[0].json["row"],
            J::parse(R"({"other_config":["map",[["max-rate","2000000"]]],"external_ids":["map",[["nswire-lab","l"]]]})"));
  EXPECT_EQ(plan.ops[1].json["row"],
            J::parse(R"({"type":"linux-htb","queues":["map",[[0,["named-uuid","queue1"]]]],
                         "other_config":["map",[["max-rate","2000000"]]],"external_ids":["map",[["nswire-lab","l"]]]})"));
  EXPECT_EQ(plan.ops[3].json["row"], J::parse(R"({"qos":["named-uuid","qos2"]})"));
}

TEST(VswitchSettings, ChangingARateUpdatesTheRowsInPlace) {
  auto s = sample();
  s.bridges[0].ports[2].qos->external_ids = {{"nswire-lab", "l"}};
  s.bridges[0].ports[2].qos->queues[0].external_ids = {{"nswire-lab", "l"}};
  auto plan = set_port("p2", {.qos = htb("5000000")}).plan(s);
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"wait Queue", "update Queue", "wait QoS", "mutate QoS",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[1].json["where"], J::parse(R"([["_uuid","==",["uuid","queue-uuid"]]])"));
  EXPECT_EQ(plan.ops[3].json["mutations"],
            J::parse(R"([["other_config","delete","max-rate"],["other_config","insert",["map",[["max-rate","5000000"]]]]])"));
  EXPECT_TRUE(set_port("p2", {.qos = htb("1000000")}).plan(s).empty());
}

TEST(VswitchSettings, ClearingQosOrDeletingThePortDeletesTheRootRowsItUsed) {
  auto clear = set_port("p2", {.clear_qos = true}).plan(sample());
  EXPECT_EQ(kinds(clear), (std::vector<std::string>{"wait Port", "update Port", "delete QoS", "delete Queue",
                                                    "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(clear.ops[1].json["row"], J::parse(R"({"qos":["set",[]]})"));
  EXPECT_EQ(clear.ops[2].json["where"], J::parse(R"([["_uuid","==",["uuid","qos-uuid"]]])"));
  auto del = vs::Batch().del_port(vs::DelPort("p2")).plan(sample());
  EXPECT_EQ(op_of(del, "delete QoS")["where"], J::parse(R"([["_uuid","==",["uuid","qos-uuid"]]])"));
  EXPECT_EQ(op_of(del, "delete Queue")["where"], J::parse(R"([["_uuid","==",["uuid","queue-uuid"]]])"));
  EXPECT_EQ(op_of(vs::Batch().del_bridge(vs::DelBridge("br0")).plan(sample()), "delete QoS")["where"],
            J::parse(R"([["_uuid","==",["uuid","qos-uuid"]]])"));

  // A QoS another port also uses stays, and changing it on one port gives that port its own rows.
  auto shared = sample();
  shared.bridges[0].ports[1].qos = shared.bridges[0].ports[2].qos;
  auto keep = set_port("p2", {.clear_qos = true}).plan(shared);
  EXPECT_EQ(kinds(keep), (std::vector<std::string>{"wait Port", "update Port", "mutate Open_vSwitch", "select Open_vSwitch"}));
  auto own = set_port("p2", {.qos = htb("3000000")}).plan(shared);
  EXPECT_EQ(op_of(own, "insert QoS")["row"]["type"], "linux-htb");
  EXPECT_EQ(op_of(own, "update Port")["row"], J::parse(R"({"qos":["named-uuid","qos2"]})"));
}

vs::Mirror span(const std::string& name) {
  vs::Mirror m;
  m.name = name;
  m.select_src_port = {"p1"};
  m.select_dst_port = {"p1"};
  m.output_port = "p2";
  m.external_ids = {{"nswire-lab", "l"}};
  return m;
}

TEST(VswitchSettings, MirrorRefersToPortsByUuidAndIsAddedToTheBridge) {
  auto plan = vs::Batch().add_mirror(vs::AddMirror("br0", span("m0"))).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert Mirror", "wait Bridge", "mutate Bridge", "mutate Open_vSwitch",
                                                   "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[0].json["row"],
            J::parse(R"({"name":"m0","select_src_port":["uuid","p1-port"],"select_dst_port":["uuid","p1-port"],
                         "output_port":["uuid","p2-port"],"external_ids":["map",[["nswire-lab","l"]]]})"));
  EXPECT_EQ(plan.ops[2].json["mutations"], J::parse(R"([["mirrors","insert",["named-uuid","mirror1"]]])"));

  // A port added in the same batch is referred to by its uuid-name.
  auto m = span("m1");
  m.output_port = "cap";
  auto with_new = vs::Batch().add_port(vs::AddPort("br0", "cap")).add_mirror(vs::AddMirror("br0", m)).plan(sample());
  EXPECT_EQ(op_of(with_new, "insert Mirror")["row"]["output_port"], J::parse(R"(["named-uuid","port2"])"));

  EXPECT_EQ(error_of(vs::Batch().add_mirror(vs::AddMirror("br0", [] {
              auto x = span("m2");
              x.output_port = "nope";
              return x;
            }()))).details(),
            "no port named nope");
  EXPECT_EQ(error_of(vs::Batch().add_mirror(vs::AddMirror("br0", [] {
              auto x = span("m2");
              x.output_vlan = 5;
              return x;
            }()))).error(),
            "invalid argument");
}

TEST(VswitchSettings, MirrorInSyncChangedAndDeleted) {
  auto s = vs::Batch().add_mirror(vs::AddMirror("br0", span("m0"))).simulate(sample());
  s.bridges[0].mirrors[0].uuid = {"m0-uuid"};  // as the server would name it
  EXPECT_TRUE(vs::Batch().add_mirror(vs::AddMirror("br0", span("m0"), true)).plan(s).empty());
  EXPECT_EQ(error_of(vs::Batch().add_mirror(vs::AddMirror("br0", span("m0"))), s).error(), "already exists");
  auto m = span("m0");
  m.select_vlan = {10};
  m.select_dst_port = {};
  auto changed = vs::Batch().add_mirror(vs::AddMirror("br0", m, true)).plan(s);
  EXPECT_EQ(kinds(changed), (std::vector<std::string>{"wait Mirror", "update Mirror", "mutate Open_vSwitch",
                                                      "select Open_vSwitch"}));
  EXPECT_EQ(changed.ops[1].json["row"], J::parse(R"({"select_dst_port":["set",[]],"select_vlan":10})"));
  auto del = vs::Batch().del_mirror(vs::DelMirror("br0", "m0")).plan(s);
  EXPECT_EQ(op_of(del, "mutate Bridge")["mutations"], J::parse(R"([["mirrors","delete",["uuid","m0-uuid"]]])"));
  EXPECT_TRUE(vs::Batch().del_mirror(vs::DelMirror("br0", "zz", true)).plan(s).empty());
  // Deleting a mirrored port drops it from the mirror (a weak reference), in the model too.
  auto after = vs::Batch().del_port(vs::DelPort("p1")).simulate(s);
  EXPECT_TRUE(after.bridge("br0")->mirror("m0")->select_src_port.empty());
}

TEST(VswitchSettings, SflowAndIpfixSetChangeAndClear) {
  vs::SFlow sflow;
  sflow.targets = {"127.0.0.1:6343"};
  sflow.agent = "lo";
  sflow.sampling = 64;
  sflow.polling = 10;
  sflow.header = 128;
  sflow.external_ids = {{"nswire-lab", "l"}};
  vs::Ipfix ipfix;
  ipfix.targets = {"127.0.0.1:4739"};
  ipfix.sampling = 100;
  ipfix.obs_domain_id = 7;
  auto plan = set_bridge({.sflow = sflow, .ipfix = ipfix}).plan(sample());
  EXPECT_EQ(kinds(plan), (std::vector<std::string>{"insert sFlow", "insert IPFIX", "wait Bridge", "update Bridge",
                                                   "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(plan.ops[0].json["row"],
            J::parse(R"({"targets":"127.0.0.1:6343","agent":"lo","sampling":64,"polling":10,"header":128,
                         "external_ids":["map",[["nswire-lab","l"]]]})"));
  EXPECT_EQ(plan.ops[1].json["row"], J::parse(R"({"targets":"127.0.0.1:4739","sampling":100,"obs_domain_id":7})"));
  EXPECT_EQ(plan.ops[3].json["row"], J::parse(R"({"sflow":["named-uuid","sFlow1"],"ipfix":["named-uuid","IPFIX2"]})"));

  auto s = set_bridge({.sflow = sflow, .ipfix = ipfix}).simulate(sample());
  s.bridges[0].sflow->uuid = {"sflow-uuid"};
  s.bridges[0].ipfix->uuid = {"ipfix-uuid"};
  EXPECT_TRUE(set_bridge({.sflow = sflow, .ipfix = ipfix}).plan(s).empty());
  sflow.sampling = 128;
  auto change = set_bridge({.sflow = sflow}).plan(s);
  EXPECT_EQ(kinds(change), (std::vector<std::string>{"wait sFlow", "update sFlow", "mutate Open_vSwitch", "select Open_vSwitch"}));
  EXPECT_EQ(change.ops[1].json["row"], J::parse(R"({"sampling":128})"));
  auto clear = set_bridge({.clear_sflow = true, .clear_ipfix = true}).plan(s);
  EXPECT_EQ(op_of(clear, "update Bridge")["row"], J::parse(R"({"sflow":["set",[]],"ipfix":["set",[]]})"));
  EXPECT_EQ(error_of(set_bridge({.sflow = vs::SFlow{}})).details(), "sFlow needs at least one target");
}

ovsdb::Schema vswitch_schema() {
  std::ifstream f("/usr/share/openvswitch/vswitch.ovsschema");
  if (!f) throw std::runtime_error("no /usr/share/openvswitch/vswitch.ovsschema (Debian openvswitch-common)");
  return ovsdb::Schema::from_json(J::parse(f));
}

// Port.protected: a tunnel port of a full mesh is made protected in its own insert (split
// horizon from the start), a port made so again is a no-op, and turning it off is one update.
TEST(VswitchSettings, ProtectedTunnelPortsInOneInsertAndOffAsOneUpdate) {
  auto add = [](bool may_exist) {
    return vs::Batch().add_port(vs::AddPort("br0", "vx5001-1a2b", "vxlan",
                                            {{"remote_ip", "192.168.100.12"}, {"key", "5001"}}, std::nullopt, {}, {},
                                            may_exist, {.protected_ = true}));
  };
  auto plan = add(false).plan(sample());
  EXPECT_EQ(op_of(plan, "insert Port")["row"],
            J::parse(R"({"name":"vx5001-1a2b","interfaces":["named-uuid","iface1"],"protected":true})"));
  EXPECT_EQ(op_of(plan, "insert Interface")["row"]["type"], "vxlan");
  // A port that is not protected writes no column for it (false is the schema's default).
  auto plain = vs::Batch().add_port(vs::AddPort("br0", "p9")).plan(sample());
  EXPECT_FALSE(op_of(plain, "insert Port")["row"].contains("protected"));
  auto s = committed(add(false).simulate(sample()));
  EXPECT_TRUE(s.port("vx5001-1a2b")->protected_);
  EXPECT_TRUE(add(true).plan(s).empty());
  auto off = set_port("vx5001-1a2b", {.protected_ = false}).plan(s);
  EXPECT_EQ(op_of(off, "update Port")["row"], J::parse(R"({"protected":false})"));
  EXPECT_NO_THROW(vs::check_plan(plan, vswitch_schema()));
}

TEST(VswitchSettings, EverythingPlannedPassesTheRealSchemaCheck) {
  auto schema = vswitch_schema();
  vs::SFlow sflow;
  sflow.targets = {"127.0.0.1:6343"};
  vs::Ipfix ipfix;
  ipfix.targets = {"127.0.0.1:4739"};
  auto plan = vs::Batch()
                  .add_bridge(vs::AddBridge("br1", "netdev", {}, false,
                                            {.stp_enable = true, .controllers = {{"tcp:127.0.0.1:6653"}},
                                             .fail_mode = "secure", .protocols = {{"OpenFlow13"}},
                                             .datapath_id = "00000000000000b1", .sflow = sflow, .ipfix = ipfix}))
                  .add_port(vs::AddPort("br1", "t1", "", {}, 5, {}, {}, false,
                                        {.trunks = {{5, 6}}, .vlan_mode = "native-tagged", .qos = htb("1000")},
                                        {.ingress_policing_rate = 10}))
                  .add_bond(vs::AddBond("br1", "bond0", {"x", "y"}, {.bond_mode = "balance-slb", .lacp = "active"}))
                  .add_mirror(vs::AddMirror("br1", [] {
                    vs::Mirror m;
                    m.name = "m";
                    m.select_all = true;
                    m.output_port = "t1";
                    return m;
                  }()))
                  .plan(sample());
  EXPECT_NO_THROW(vs::check_plan(plan, schema));
}

TEST(VswitchSettings, SchemaCheckRefusesWhatTheServerWould) {
  auto schema = vswitch_schema();
  auto check = [&](const ovsdb::Operation& o, const ovsdb::Schema& s) -> std::string {
    vs::Plan p;
    p.ops.push_back(o);
    try {
      vs::check_plan(p, s);
    } catch (const ovsdb::Error& e) {
      return e.details();
    }
    return "";
  };
  using ovsdb::Datum;
  auto where = ovsdb::Where{ovsdb::where_uuid({"x"})};
  EXPECT_EQ(check(ovsdb::op::update("Bridge", where, {{"protocols", Datum::string("OpenFlow16")}}), schema),
            "update Bridge: column protocols: \"OpenFlow16\" is not one of \"OpenFlow10\", \"OpenFlow11\", "
            "\"OpenFlow12\", \"OpenFlow13\", \"OpenFlow14\", \"OpenFlow15\"");
  EXPECT_NE(check(ovsdb::op::update("Port", where, {{"tag", Datum::integer(5000)}}), schema).find("outside 0..4095"),
            std::string::npos);
  EXPECT_NE(check(ovsdb::op::insert("Mirror", {{"name", Datum::string("m")}, {"snaplen", Datum::integer(2)}}), schema)
                .find("snaplen"),
            std::string::npos);
  EXPECT_NE(check(ovsdb::op::update("Bridge", where, {{"stp_enable", Datum::string("yes")}}), schema).find("boolean"),
            std::string::npos);
  // An older server without a column: the check names it.
  auto old = schema;
  old.tables["Interface"].columns.erase("ingress_policing_kpkts_rate");
  EXPECT_EQ(check(ovsdb::op::update("Interface", where, {{"ingress_policing_kpkts_rate", Datum::integer(1)}}), old),
            "update Interface: column ingress_policing_kpkts_rate: this server's Interface table has no such column");
  EXPECT_EQ(check(ovsdb::op::update("Interface", where, {{"ingress_policing_kpkts_rate", Datum::integer(1)}}), schema), "");
}

TEST(VswitchSettings, RemoveOwnedTakesExactlyWhatIsMarked) {
  const vs::StringMap mine{{"nswire-lab", "l"}}, theirs{{"nswire-lab", "other"}};
  vs::State s = sample();  // br0 is not ours; p2's QoS will be
  vs::Bridge& br0 = s.bridges[0];
  br0.ports[1].external_ids = mine;   // p1: ours
  br0.ports[2].qos->external_ids = mine;  // p2 is not, its QoS is
  auto ours = span("m-ours");
  ours.uuid = {"m1-uuid"};
  auto foreign = span("m-theirs");
  foreign.uuid = {"m2-uuid"};
  foreign.external_ids = theirs;
  foreign.select_src_port = foreign.select_dst_port = {"p2"};
  br0.mirrors = {ours, foreign};
  br0.controllers = {vs::Controller{{"c-uuid"}, "tcp:127.0.0.1:6653", mine, false, std::nullopt}};
  br0.sflow = vs::SFlow{{"sf-uuid"}, {"127.0.0.1:6343"}, {}, {}, {}, {}, mine};
  br0.ipfix = vs::Ipfix{{"ix-uuid"}, {"127.0.0.1:4739"}, {}, {}, {}, {}, {}, {}, theirs};
  vs::Bridge lab;
  lab.uuid = {"lab-uuid"};
  lab.name = "lab0";
  lab.external_ids = mine;
  lab.ports.push_back(port("lab-port", "lab0", {iface("lab-if", "lab0", "internal")}));
  s.bridges.push_back(lab);

  vs::Batch batch = vs::remove_owned(s, "nswire-lab", "l");
  vs::State after = batch.simulate(s);
  EXPECT_EQ(after.bridge("lab0"), nullptr);
  const vs::Bridge* b = after.bridge("br0");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(after.port("p1"), nullptr);
  ASSERT_NE(after.port("p2"), nullptr);
  EXPECT_FALSE(after.port("p2")->qos.has_value());
  EXPECT_EQ(b->mirror("m-ours"), nullptr);
  ASSERT_NE(b->mirror("m-theirs"), nullptr);
  EXPECT_EQ(b->mirror("m-theirs")->select_src_port, std::vector<std::string>{"p2"});
  EXPECT_TRUE(b->controllers.empty());
  EXPECT_FALSE(b->sflow.has_value());
  EXPECT_TRUE(b->ipfix.has_value());  // theirs
  auto plan = batch.plan(s);
  EXPECT_EQ(op_of(plan, "delete QoS")["where"], J::parse(R"([["_uuid","==",["uuid","qos-uuid"]]])"));
  // Run on what is left, it finds nothing more to do.
  EXPECT_TRUE(vs::remove_owned(committed(after), "nswire-lab", "l").plan(committed(after)).empty());
  // Another lab's mark takes only that lab's.
  auto other = vs::remove_owned(s, "nswire-lab", "other").simulate(s);
  EXPECT_FALSE(other.bridge("br0")->ipfix.has_value());
  EXPECT_NE(other.bridge("lab0"), nullptr);
  EXPECT_NE(other.port("p1"), nullptr);
}

TEST(VswitchSettings, StateFromCacheReadsEverySetting) {
  ovsdb::TableCache c;
  c.apply_update(J::parse(R"({
    "Open_vSwitch":{"r":{"new":{"bridges":["uuid","b"],"next_cfg":1,"cur_cfg":1}}},
    "Bridge":{"b":{"new":{"name":"br0","ports":["set",[["uuid","p"],["uuid","q"]]],"controller":["uuid","c"],
      "fail_mode":"secure","protocols":["set",["OpenFlow13","OpenFlow10"]],"other_config":["map",[["datapath-id","00000000000000a1"]]],
      "datapath_id":"00000000000000a1","mirrors":["uuid","m"],"sflow":["uuid","s"],"ipfix":["uuid","i"]}}},
    "Port":{"p":{"new":{"name":"br0","interfaces":["uuid","pi"]}},
            "q":{"new":{"name":"bond0","interfaces":["set",[["uuid","qa"],["uuid","qb"]]],"trunks":["set",[20,10]],
              "vlan_mode":"native-untagged","tag":10,"bond_mode":"active-backup","lacp":"off","qos":["uuid","qos"],
              "bond_active_slave":"aa:bb:cc:dd:ee:ff","protected":true}}},
    "Interface":{"pi":{"new":{"name":"br0","type":"internal"}},
                 "qa":{"new":{"name":"b-a","ingress_policing_rate":1000,"ingress_policing_burst":100,"link_state":"up"}},
                 "qb":{"new":{"name":"b-b","link_state":"down"}}},
    "Controller":{"c":{"new":{"target":"tcp:127.0.0.1:6653","is_connected":false,"external_ids":["map",[["nswire-lab","l"]]]}}},
    "Mirror":{"m":{"new":{"name":"m0","select_src_port":["uuid","q"],"select_dst_port":["set",[]],"output_port":["uuid","p"],
      "select_all":false,"select_vlan":["set",[]],"output_vlan":["set",[]]}}},
    "sFlow":{"s":{"new":{"targets":"127.0.0.1:6343","sampling":64}}},
    "IPFIX":{"i":{"new":{"targets":["set",[]],"obs_domain_id":3}}},
    "QoS":{"qos":{"new":{"type":"linux-htb","queues":["map",[[0,["uuid","qu"]]]],"other_config":["map",[["max-rate","1000"]]]}}},
    "Queue":{"qu":{"new":{"other_config":["map",[["max-rate","1000"]]]}}}})"));
  auto s = vs::state_from_cache(c);
  const vs::Bridge* b = s.bridge("br0");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->controllers.size(), 1u);
  EXPECT_EQ(b->controllers[0].target, "tcp:127.0.0.1:6653");
  EXPECT_EQ(b->controllers[0].external_ids.at("nswire-lab"), "l");
  EXPECT_EQ(b->fail_mode, "secure");
  EXPECT_EQ(b->protocols, (std::vector<std::string>{"OpenFlow10", "OpenFlow13"}));
  EXPECT_EQ(b->other_config.at("datapath-id"), "00000000000000a1");
  EXPECT_EQ(b->datapath_id, "00000000000000a1");
  ASSERT_NE(b->mirror("m0"), nullptr);
  EXPECT_EQ(b->mirror("m0")->select_src_port, std::vector<std::string>{"bond0"});
  EXPECT_EQ(b->mirror("m0")->output_port, "br0");
  EXPECT_EQ(b->sflow->targets, std::vector<std::string>{"127.0.0.1:6343"});
  EXPECT_EQ(b->sflow->sampling, 64);
  EXPECT_EQ(b->ipfix->obs_domain_id, 3);
  const vs::Port* bond = s.port("bond0");
  ASSERT_EQ(bond->interfaces.size(), 2u);
  EXPECT_EQ(bond->trunks, (std::vector<std::int64_t>{10, 20}));
  EXPECT_EQ(bond->vlan_mode, "native-untagged");
  EXPECT_EQ(bond->bond_mode, "active-backup");
  EXPECT_EQ(bond->lacp, "off");
  EXPECT_EQ(bond->bond_active_slave, "aa:bb:cc:dd:ee:ff");
  EXPECT_TRUE(bond->protected_);
  ASSERT_TRUE(bond->qos.has_value());
  EXPECT_EQ(bond->qos->type, "linux-htb");
  EXPECT_EQ(bond->qos->queues.at(0).other_config.at("max-rate"), "1000");
  EXPECT_EQ(s.interface("b-a")->ingress_policing_rate, 1000);
  EXPECT_EQ(s.interface("b-a")->ingress_policing_burst, 100);
  EXPECT_EQ(s.interface("b-b")->link_state, "down");
  EXPECT_EQ(s.port_of_interface("b-b"), bond);
}

}  // namespace
