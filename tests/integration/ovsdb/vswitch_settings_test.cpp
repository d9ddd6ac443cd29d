// Every vswitch setting against the sandbox's real ovsdb-server + ovs-vswitchd (datapath
// netdev): what a batch writes, `ovs-vsctl --format=json` reads back exactly (and, where
// ovs-vswitchd acts on it, `ovs-appctl` or `tc -j` shows that it did); State reads the same;
// clearing a setting leaves no row behind; a batch of everything is one write transaction.
#include "ovsdb/vswitch.h"

#include "oracle.h"
#include "sandbox_env.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using nswire::test::ovs_rows;
using nswire::test::ovs_vsctl;
using nswire::test::run;
using ovsdb::Datum;
namespace vs = ovsdb::vswitch;

namespace {

const vs::StringMap kMark{{"nswire-lab", "settings"}};

nlohmann::json row(const std::string& table, const std::string& record, const std::string& columns) {
  auto rows = ovs_rows({"--", "--columns=" + columns, "list", table, record});
  if (rows.size() != 1) throw std::runtime_error(table + " " + record + ": " + std::to_string(rows.size()) + " rows");
  return rows[0];
}

Datum column(const nlohmann::json& r, const std::string& c) { return Datum::from_json(r.at(c)); }
Datum get(const std::string& table, const std::string& record, const std::string& c) {
  return column(row(table, record, c), c);
}
std::size_t count(const std::string& table) { return ovs_rows({"--", "--columns=_uuid", "list", table}).size(); }

std::string appctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ovs-appctl", "-t", ovsdb_test::sandbox_dir() + "/vswitchd.ctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  if (r.exit_code != 0) throw std::runtime_error("ovs-appctl: " + r.err);
  return r.out;
}

// A veth pair in the sandbox, both ends up; the first end goes on the bridge.
void veth(const std::string& a, const std::string& b) {
  ASSERT_EQ(run({"ip", "link", "add", a, "type", "veth", "peer", "name", b}).exit_code, 0);
  ASSERT_EQ(run({"ip", "link", "set", a, "up"}).exit_code, 0);
  ASSERT_EQ(run({"ip", "link", "set", b, "up"}).exit_code, 0);
}

class VswitchSettings : public ::testing::Test {
 protected:
  ovsdb::Client client{ovsdb_test::sandbox_ovsdb()};
};

TEST_F(VswitchSettings, BridgeControlIsWhatOvsVsctlReadsAndOvsVswitchdUses) {
  auto r = vs::apply(client, vs::Batch().add_bridge(vs::AddBridge(
                                 "bc0", "netdev", kMark, false,
                                 {.controllers = {{"tcp:127.0.0.1:6653", "tcp:127.0.0.1:6654"}},
                                  .controller_external_ids = kMark,
                                  .fail_mode = "secure",
                                  .protocols = {{"OpenFlow13", "OpenFlow10"}},
                                  .datapath_id = "00000000000000a1",
                                  .set_other_config = {{"mac-aging-time", "42"}}})));
  EXPECT_EQ(ovs_vsctl({"get-controller", "bc0"}), "tcp:127.0.0.1:6653\ntcp:127.0.0.1:6654");
  EXPECT_EQ(ovs_vsctl({"get-fail-mode", "bc0"}), "secure");
  EXPECT_EQ(get("Bridge", "bc0", "protocols"), Datum::string_set({"OpenFlow10", "OpenFlow13"}));
  EXPECT_EQ(get("Bridge", "bc0", "other_config"),
            Datum::string_map({{"datapath-id", "00000000000000a1"}, {"mac-aging-time", "42"}}));
  EXPECT_EQ(get("Bridge", "bc0", "external_ids"), Datum::string_map(kMark));
  for (const auto& c : ovs_rows({"--", "--columns=external_ids", "list", "Controller"}))
    EXPECT_EQ(column(c, "external_ids"), Datum::string_map(kMark));
  // ovs-vswitchd took the datapath id, and speaks the protocols we allowed.
  EXPECT_EQ(ovs_vsctl({"get", "Bridge", "bc0", "datapath_id"}), "\"00000000000000a1\"");
  auto of = run({"ovs-ofctl", "-O", "OpenFlow13", "show", "bc0"});
  EXPECT_NE(of.out.find("dpid:00000000000000a1"), std::string::npos) << of.out << of.err;
  EXPECT_NE(run({"ovs-ofctl", "-O", "OpenFlow14", "show", "bc0"}).exit_code, 0);

  const vs::Bridge* b = r.state.bridge("bc0");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->controllers.size(), 2u);
  EXPECT_EQ(b->controllers[0].target, "tcp:127.0.0.1:6653");
  EXPECT_EQ(b->fail_mode, "secure");
  EXPECT_EQ(b->protocols, (std::vector<std::string>{"OpenFlow10", "OpenFlow13"}));
  EXPECT_EQ(b->datapath_id, "00000000000000a1");
  EXPECT_EQ(b->other_config.at("mac-aging-time"), "42");

  // The same settings again: nothing to do. Replace the controllers, then clear everything.
  EXPECT_FALSE(vs::apply(client, vs::Batch().add_bridge(vs::AddBridge(
                                     "bc0", "netdev", kMark, true,
                                     {.controllers = {{"tcp:127.0.0.1:6654", "tcp:127.0.0.1:6653"}},
                                      .controller_external_ids = kMark,
                                      .fail_mode = "secure",
                                      .protocols = {{"OpenFlow10", "OpenFlow13"}},
                                      .datapath_id = "00000000000000a1"})))
                   .changed);
  vs::apply(client, vs::Batch().set_bridge(vs::SetBridge("bc0", std::nullopt, {}, {},
                                                          {.controllers = {{"tcp:127.0.0.1:7000"}}})));
  EXPECT_EQ(ovs_vsctl({"get-controller", "bc0"}), "tcp:127.0.0.1:7000");
  EXPECT_EQ(count("Controller"), 1u);  // the replaced rows are gone (non-root, unreferenced)
  vs::apply(client, vs::Batch().set_bridge(vs::SetBridge(
                        "bc0", std::nullopt, {}, {},
                        {.controllers = std::vector<std::string>{}, .fail_mode = "",
                         .protocols = std::vector<std::string>{}, .datapath_id = "", .remove_other_config = {"mac-aging-time"}})));
  EXPECT_EQ(ovs_vsctl({"get-controller", "bc0"}), "");
  EXPECT_EQ(ovs_vsctl({"get-fail-mode", "bc0"}), "");
  EXPECT_EQ(get("Bridge", "bc0", "protocols"), Datum());
  EXPECT_EQ(get("Bridge", "bc0", "other_config"), Datum::string_map({}));
  EXPECT_EQ(count("Controller"), 0u);
  vs::apply(client, vs::Batch().del_bridge({"bc0"}));
}

TEST_F(VswitchSettings, TrunksVlanModesAndNativeVlan) {
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("bv0", "netdev"))
                        .add_port(vs::AddPort("bv0", "tr0", "internal", {}, {}, kMark, kMark, false,
                                              {.trunks = {{10, 20}}, .vlan_mode = "trunk"}))
                        .add_port(vs::AddPort("bv0", "nat0", "internal", {}, 30, kMark, kMark, false,
                                              {.trunks = {{10, 20}}, .vlan_mode = "native-untagged"}))
                        .add_port(vs::AddPort("bv0", "nat1", "internal", {}, 40, kMark, kMark, false,
                                              {.vlan_mode = "native-tagged"})));
  auto tr = row("Port", "tr0", "trunks,vlan_mode,tag");
  EXPECT_EQ(column(tr, "trunks"), Datum::set({std::int64_t{10}, std::int64_t{20}}));
  EXPECT_EQ(column(tr, "vlan_mode"), Datum::string("trunk"));
  EXPECT_EQ(column(tr, "tag"), Datum());
  auto nat = row("Port", "nat0", "trunks,vlan_mode,tag");
  EXPECT_EQ(column(nat, "vlan_mode"), Datum::string("native-untagged"));
  EXPECT_EQ(column(nat, "tag"), Datum::integer(30));
  EXPECT_EQ(get("Port", "nat1", "vlan_mode"), Datum::string("native-tagged"));
  auto s = vs::read_state(client);
  EXPECT_EQ(s.port("nat0")->trunks, (std::vector<std::int64_t>{10, 20}));
  EXPECT_EQ(s.port("nat0")->vlan_mode, "native-untagged");
  EXPECT_EQ(s.port("nat0")->tag, 30);
  // Back to an access port, then a plain port (all VLANs).
  vs::apply(client, vs::Batch().set_port(vs::SetPort("tr0", 5, {}, {}, false,
                                                      {.trunks = std::vector<std::int64_t>{}, .vlan_mode = "access"})));
  EXPECT_EQ(get("Port", "tr0", "trunks"), Datum());
  EXPECT_EQ(get("Port", "tr0", "vlan_mode"), Datum::string("access"));
  vs::apply(client, vs::Batch().set_port(vs::SetPort("tr0", std::nullopt, {}, {}, true, {.vlan_mode = ""})));
  EXPECT_EQ(get("Port", "tr0", "vlan_mode"), Datum());
  EXPECT_EQ(get("Port", "tr0", "tag"), Datum());
  vs::apply(client, vs::Batch().del_bridge({"bv0"}));
}

TEST_F(VswitchSettings, BondIsShapedLikeOvsVsctlAddBondAndOvsVswitchdRunsIt) {
  veth("bd-a", "bd-a-peer");
  veth("bd-b", "bd-b-peer");
  veth("bd-c", "bd-c-peer");
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("bb0", "netdev"))
                        .add_bond(vs::AddBond("bb0", "bond0", {"bd-a", "bd-b"},
                                              {.bond_mode = "active-backup", .lacp = "off",
                                               .set_other_config = {{"bond-detect-mode", "carrier"}}},
                                              std::nullopt, kMark, kMark)));
  // The reference: what ovs-vsctl add-bond writes for the same bond.
  veth("rf-a", "rf-a-peer");
  veth("rf-b", "rf-b-peer");
  ovs_vsctl({"add-bond", "bb0", "ref0", "rf-a", "rf-b", "bond_mode=active-backup", "lacp=off"});
  for (const std::string p : {"bond0", "ref0"}) {
    SCOPED_TRACE(p);
    auto r = row("Port", p, "interfaces,bond_mode,lacp,bond_fake_iface");
    EXPECT_EQ(column(r, "interfaces").size(), 2u);
    EXPECT_EQ(column(r, "bond_mode"), Datum::string("active-backup"));
    EXPECT_EQ(column(r, "lacp"), Datum::string("off"));
    EXPECT_EQ(column(r, "bond_fake_iface"), Datum::boolean(false));
  }
  EXPECT_EQ(get("Interface", "bd-a", "type"), get("Interface", "rf-a", "type"));
  EXPECT_EQ(get("Interface", "bd-b", "external_ids"), Datum::string_map(kMark));
  std::string show = appctl({"bond/show", "bond0"});
  EXPECT_NE(show.find("bond_mode: active-backup"), std::string::npos) << show;
  EXPECT_NE(show.find("member bd-a"), std::string::npos) << show;
  EXPECT_NE(show.find("member bd-b"), std::string::npos) << show;

  // A third member, then one less; the bond reads back as such.
  vs::apply(client, vs::Batch().add_bond_interface(vs::AddBondInterface("bond0", "bd-c", kMark)));
  EXPECT_EQ(get("Port", "bond0", "interfaces").size(), 3u);
  EXPECT_NE(appctl({"bond/show", "bond0"}).find("member bd-c"), std::string::npos);
  vs::apply(client, vs::Batch().del_bond_interface(vs::DelBondInterface("bond0", "bd-a")));
  auto s = vs::read_state(client);
  ASSERT_EQ(s.port("bond0")->interfaces.size(), 2u);
  EXPECT_EQ(s.port("bond0")->interfaces[0].name, "bd-b");
  EXPECT_TRUE(ovs_rows({"--", "--columns=name", "find", "Interface", "name=bd-a"}).empty());
  EXPECT_EQ(s.port("bond0")->bond_mode, "active-backup");
  EXPECT_EQ(s.port("bond0")->other_config.at("bond-detect-mode"), "carrier");
  // balance-slb with LACP active is a different bond to ovs-vswitchd.
  vs::apply(client, vs::Batch().set_port(vs::SetPort("bond0", {}, {}, {}, false, {.bond_mode = "balance-slb", .lacp = "active"})));
  show = appctl({"bond/show", "bond0"});
  EXPECT_NE(show.find("bond_mode: balance-slb"), std::string::npos) << show;
  EXPECT_NE(show.find("lacp_status:"), std::string::npos) << show;
  EXPECT_EQ(show.find("lacp_status: off"), std::string::npos) << show;
  vs::apply(client, vs::Batch().del_bridge({"bb0"}));
  for (const std::string v : {"bd-a", "bd-b", "bd-c", "rf-a", "rf-b"}) run({"ip", "link", "del", v});
}

TEST_F(VswitchSettings, IngressPolicingIsWrittenOnTheInterface) {
  veth("pl-a", "pl-a-peer");
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("bp0", "netdev"))
                        .add_port(vs::AddPort("bp0", "pl-a", "", {}, {}, kMark, kMark, false, {},
                                              {.ingress_policing_rate = 1000, .ingress_policing_burst = 100})));
  auto r = row("Interface", "pl-a", "ingress_policing_rate,ingress_policing_burst");
  EXPECT_EQ(column(r, "ingress_policing_rate"), Datum::integer(1000));
  EXPECT_EQ(column(r, "ingress_policing_burst"), Datum::integer(100));
  EXPECT_EQ(vs::read_state(client).interface("pl-a")->ingress_policing_rate, 1000);
  vs::apply(client, vs::Batch().set_interface(vs::SetInterface("pl-a", {}, {}, {}, {}, {.ingress_policing_rate = 0,
                                                                                       .ingress_policing_burst = 0})));
  EXPECT_EQ(get("Interface", "pl-a", "ingress_policing_rate"), Datum::integer(0));
  vs::apply(client, vs::Batch().del_bridge({"bp0"}));
  run({"ip", "link", "del", "pl-a"});
}

vs::Qos htb(std::int64_t bits) {
  vs::Qos q;
  q.type = "linux-htb";
  q.other_config = {{"max-rate", std::to_string(bits)}};
  q.queues[0].other_config = {{"max-rate", std::to_string(bits)}};
  q.queues[0].external_ids = kMark;
  q.external_ids = kMark;
  return q;
}

// The root htb class ovs-vswitchd put on a device, as `tc class show` prints it (tc has no
// JSON output for classes): "class htb 1:fffe root rate 1Mbit ceil 1Mbit ...".
std::string htb_root_class(const std::string& dev) {
  auto r = run({"tc", "class", "show", "dev", dev});
  auto at = r.out.find("class htb 1:fffe ");
  return at == std::string::npos ? r.out : r.out.substr(at, r.out.find('\n', at) - at);
}

TEST_F(VswitchSettings, EgressShapingQosAndItsRowsComeAndGo) {
  veth("qs-a", "qs-a-peer");
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("bq0", "netdev"))
                        .add_port(vs::AddPort("bq0", "qs-a", "", {}, {}, kMark, kMark, false, {.qos = htb(1000000)})));
  auto qos = ovs_rows({"--", "--columns=_uuid,type,other_config,queues,external_ids", "list", "QoS"});
  ASSERT_EQ(qos.size(), 1u);
  EXPECT_EQ(column(qos[0], "type"), Datum::string("linux-htb"));
  EXPECT_EQ(column(qos[0], "other_config"), Datum::string_map({{"max-rate", "1000000"}}));
  EXPECT_EQ(column(qos[0], "external_ids"), Datum::string_map(kMark));
  EXPECT_EQ(get("Port", "qs-a", "qos"), column(qos[0], "_uuid"));
  ASSERT_EQ(count("Queue"), 1u);
  EXPECT_EQ(column(ovs_rows({"--", "--columns=other_config", "list", "Queue"})[0], "other_config"),
            Datum::string_map({{"max-rate", "1000000"}}));
  // ovs-vswitchd put an htb qdisc with that ceiling on the device.
  EXPECT_NE(htb_root_class("qs-a").find(" ceil 1Mbit"), std::string::npos) << htb_root_class("qs-a");

  // A new rate changes the rows in place (same uuid), and tc follows.
  vs::apply(client, vs::Batch().set_port(vs::SetPort("qs-a", {}, {}, {}, false, {.qos = htb(2000000)})));
  auto again = ovs_rows({"--", "--columns=_uuid,other_config", "list", "QoS"});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(column(again[0], "_uuid"), column(qos[0], "_uuid"));
  EXPECT_EQ(column(again[0], "other_config"), Datum::string_map({{"max-rate", "2000000"}}));
  EXPECT_NE(htb_root_class("qs-a").find(" ceil 2Mbit"), std::string::npos) << htb_root_class("qs-a");
  auto s = vs::read_state(client);
  ASSERT_TRUE(s.port("qs-a")->qos.has_value());
  EXPECT_EQ(s.port("qs-a")->qos->queues.at(0).other_config.at("max-rate"), "2000000");

  // Clearing it removes the QoS and Queue rows (root tables: nothing else would).
  vs::apply(client, vs::Batch().set_port(vs::SetPort("qs-a", {}, {}, {}, false, {.clear_qos = true})));
  EXPECT_EQ(count("QoS"), 0u);
  EXPECT_EQ(count("Queue"), 0u);
  // And deleting a port that has one does too.
  vs::apply(client, vs::Batch().set_port(vs::SetPort("qs-a", {}, {}, {}, false, {.qos = htb(1000000)})));
  EXPECT_EQ(count("QoS"), 1u);
  vs::apply(client, vs::Batch().del_bridge({"bq0"}));
  EXPECT_EQ(count("QoS"), 0u);
  EXPECT_EQ(count("Queue"), 0u);
  run({"ip", "link", "del", "qs-a"});
}

TEST_F(VswitchSettings, MirrorRefersToThePortsOvsVsctlLists) {
  vs::Mirror m;
  m.name = "span0";
  m.select_src_port = {"ms-src"};
  m.select_dst_port = {"ms-src"};
  m.output_port = "ms-out";
  m.external_ids = kMark;
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("bm0", "netdev"))
                        .add_port(vs::AddPort("bm0", "ms-src", "internal"))
                        .add_port(vs::AddPort("bm0", "ms-out", "internal"))
                        .add_mirror(vs::AddMirror("bm0", m)));
  auto r = row("Mirror", "span0", "name,select_src_port,select_dst_port,output_port,external_ids,select_all");
  auto src = get("Port", "ms-src", "_uuid");
  EXPECT_EQ(column(r, "select_src_port"), src);
  EXPECT_EQ(column(r, "select_dst_port"), src);
  EXPECT_EQ(column(r, "output_port"), get("Port", "ms-out", "_uuid"));
  EXPECT_EQ(column(r, "external_ids"), Datum::string_map(kMark));
  EXPECT_EQ(get("Bridge", "bm0", "mirrors"), get("Mirror", "span0", "_uuid"));
  auto s = vs::read_state(client);
  ASSERT_NE(s.bridge("bm0")->mirror("span0"), nullptr);
  vs::Mirror seen = *s.bridge("bm0")->mirror("span0");
  seen.uuid = {};
  EXPECT_EQ(seen, m);
  // In sync: nothing to do. A VLAN mirror flooding to VLAN 99 instead; then gone.
  EXPECT_FALSE(vs::apply(client, vs::Batch().add_mirror(vs::AddMirror("bm0", m, true))).changed);
  vs::Mirror vlan;
  vlan.name = "span0";
  vlan.select_vlan = {10, 20};
  vlan.output_vlan = 99;
  vs::apply(client, vs::Batch().add_mirror(vs::AddMirror("bm0", vlan, true)));
  auto v = row("Mirror", "span0", "select_vlan,output_vlan,output_port,select_src_port");
  EXPECT_EQ(column(v, "select_vlan"), Datum::set({std::int64_t{10}, std::int64_t{20}}));
  EXPECT_EQ(column(v, "output_vlan"), Datum::integer(99));
  EXPECT_EQ(column(v, "output_port"), Datum());
  vs::apply(client, vs::Batch().del_mirror(vs::DelMirror("bm0", "span0")));
  EXPECT_EQ(count("Mirror"), 0u);
  vs::apply(client, vs::Batch().del_bridge({"bm0"}));
}

TEST_F(VswitchSettings, SflowAndIpfixRowsOnTheBridge) {
  vs::SFlow sflow;
  sflow.targets = {"127.0.0.1:6343"};
  sflow.agent = "lo";
  sflow.sampling = 64;
  sflow.polling = 10;
  sflow.header = 128;
  sflow.external_ids = kMark;
  vs::Ipfix ipfix;
  ipfix.targets = {"127.0.0.1:4739"};
  ipfix.sampling = 100;
  ipfix.obs_domain_id = 7;
  ipfix.obs_point_id = 8;
  ipfix.cache_active_timeout = 60;
  ipfix.cache_max_flows = 1000;
  ipfix.external_ids = kMark;
  vs::apply(client, vs::Batch().add_bridge(vs::AddBridge("bf0", "netdev", {}, false, {.sflow = sflow, .ipfix = ipfix})));
  auto sf = ovs_rows({"--", "--columns=_uuid,targets,agent,sampling,polling,header,external_ids", "list", "sFlow"});
  ASSERT_EQ(sf.size(), 1u);
  EXPECT_EQ(column(sf[0], "targets"), Datum::string("127.0.0.1:6343"));
  EXPECT_EQ(column(sf[0], "agent"), Datum::string("lo"));
  EXPECT_EQ(column(sf[0], "sampling"), Datum::integer(64));
  EXPECT_EQ(column(sf[0], "polling"), Datum::integer(10));
  EXPECT_EQ(column(sf[0], "header"), Datum::integer(128));
  EXPECT_EQ(column(sf[0], "external_ids"), Datum::string_map(kMark));
  EXPECT_EQ(get("Bridge", "bf0", "sflow"), column(sf[0], "_uuid"));
  auto ix = ovs_rows({"--", "--columns=targets,sampling,obs_domain_id,obs_point_id,cache_active_timeout,cache_max_flows",
                      "list", "IPFIX"});
  ASSERT_EQ(ix.size(), 1u);
  EXPECT_EQ(column(ix[0], "targets"), Datum::string("127.0.0.1:4739"));
  EXPECT_EQ(column(ix[0], "sampling"), Datum::integer(100));
  EXPECT_EQ(column(ix[0], "obs_domain_id"), Datum::integer(7));
  EXPECT_EQ(column(ix[0], "obs_point_id"), Datum::integer(8));
  EXPECT_EQ(column(ix[0], "cache_active_timeout"), Datum::integer(60));
  EXPECT_EQ(column(ix[0], "cache_max_flows"), Datum::integer(1000));
  auto s = vs::read_state(client);
  ASSERT_TRUE(s.bridge("bf0")->sflow.has_value());
  vs::SFlow seen = *s.bridge("bf0")->sflow;
  seen.uuid = {};
  EXPECT_EQ(seen, sflow);
  EXPECT_EQ(s.bridge("bf0")->ipfix->obs_domain_id, 7);
  // In sync, changed in place, cleared (the rows go: non-root, unreferenced).
  EXPECT_FALSE(vs::apply(client, vs::Batch().set_bridge(vs::SetBridge("bf0", {}, {}, {}, {.sflow = sflow, .ipfix = ipfix}))).changed);
  sflow.sampling = 256;
  vs::apply(client, vs::Batch().set_bridge(vs::SetBridge("bf0", {}, {}, {}, {.sflow = sflow})));
  auto sf2 = ovs_rows({"--", "--columns=_uuid,sampling", "list", "sFlow"});
  ASSERT_EQ(sf2.size(), 1u);
  EXPECT_EQ(column(sf2[0], "_uuid"), column(sf[0], "_uuid"));
  EXPECT_EQ(column(sf2[0], "sampling"), Datum::integer(256));
  vs::apply(client, vs::Batch().set_bridge(vs::SetBridge("bf0", {}, {}, {}, {.clear_sflow = true, .clear_ipfix = true})));
  EXPECT_EQ(count("sFlow"), 0u);
  EXPECT_EQ(count("IPFIX"), 0u);
  vs::apply(client, vs::Batch().del_bridge({"bf0"}));
}

TEST_F(VswitchSettings, OneBatchWithEverythingIsOneWriteTransaction) {
  veth("tx-a", "tx-a-peer");
  veth("tx-b", "tx-b-peer");
  veth("tx-c", "tx-c-peer");
  vs::SFlow sflow;
  sflow.targets = {"127.0.0.1:6343"};
  vs::Ipfix ipfix;
  ipfix.targets = {"127.0.0.1:4739"};
  vs::Mirror m;
  m.name = "all";
  m.select_all = true;
  m.output_port = "tx-c";
  vs::Batch batch;
  batch
      .add_bridge(vs::AddBridge("bt0", "netdev", kMark, false,
                                {.stp_enable = true, .controllers = {{"tcp:127.0.0.1:6653"}}, .controller_external_ids = kMark,
                                 .fail_mode = "standalone", .protocols = {{"OpenFlow13"}}, .datapath_id = "00000000000000b7",
                                 .set_other_config = {{"mac-aging-time", "60"}}, .sflow = sflow, .ipfix = ipfix}))
      .add_port(vs::AddPort("bt0", "tx-t", "internal", {}, 10, kMark, kMark, false,
                            {.trunks = {{20, 30}}, .vlan_mode = "native-untagged", .qos = htb(1000000)},
                            {.ingress_policing_rate = 10000}))
      .add_bond(vs::AddBond("bt0", "tx-bond", {"tx-a", "tx-b"}, {.bond_mode = "active-backup", .lacp = "off"},
                            std::nullopt, kMark, kMark))
      .add_port(vs::AddPort("bt0", "tx-c", "", {}, {}, kMark, kMark))
      .add_mirror(vs::AddMirror("bt0", m));
  auto before_all = client.transactions();
  auto before_writes = client.write_transactions();
  auto r = vs::apply(client, batch);
  EXPECT_EQ(client.write_transactions() - before_writes, 1u);
  EXPECT_EQ(client.transactions() - before_all, 3u);  // read state, the one write, read back
  const vs::Bridge* b = r.state.bridge("bt0");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->stp_enable);
  EXPECT_EQ(b->controllers.size(), 1u);
  EXPECT_TRUE(b->sflow && b->ipfix);
  EXPECT_EQ(b->mirrors.size(), 1u);
  EXPECT_EQ(r.state.port("tx-bond")->interfaces.size(), 2u);
  EXPECT_TRUE(r.state.port("tx-t")->qos.has_value());
  EXPECT_EQ(ovs_vsctl({"get-fail-mode", "bt0"}), "standalone");
  // Everything read back in sync: the same batch (with --may-exist) writes nothing.
  vs::Batch again;
  again.add_bridge(vs::AddBridge("bt0", "netdev", kMark, true,
                                 {.stp_enable = true, .controllers = {{"tcp:127.0.0.1:6653"}}, .controller_external_ids = kMark,
                                  .fail_mode = "standalone", .protocols = {{"OpenFlow13"}}, .datapath_id = "00000000000000b7",
                                  .sflow = sflow, .ipfix = ipfix}))
      .add_port(vs::AddPort("bt0", "tx-t", "internal", {}, 10, kMark, kMark, true,
                            {.trunks = {{20, 30}}, .vlan_mode = "native-untagged", .qos = htb(1000000)},
                            {.ingress_policing_rate = 10000}))
      .add_bond(vs::AddBond("bt0", "tx-bond", {"tx-a", "tx-b"}, {.bond_mode = "active-backup", .lacp = "off"},
                            std::nullopt, kMark, kMark, true))
      .add_mirror(vs::AddMirror("bt0", m, true));
  before_writes = client.write_transactions();
  EXPECT_FALSE(vs::apply(client, again).changed);
  EXPECT_EQ(client.write_transactions(), before_writes);
  // And one del-br removes all of it: no row of any of these tables is left.
  vs::apply(client, vs::Batch().del_bridge({"bt0"}));
  for (const std::string t : {"Bridge", "Port", "Interface", "Controller", "Mirror", "sFlow", "IPFIX", "QoS", "Queue"})
    EXPECT_EQ(count(t), 0u) << t;
  for (const std::string v : {"tx-a", "tx-b", "tx-c"}) run({"ip", "link", "del", v});
}

}  // namespace
