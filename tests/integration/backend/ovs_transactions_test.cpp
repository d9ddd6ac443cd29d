// One OVSDB transaction per apply() of the OVS backend, whatever a step carries: bridges with all
// their settings (controller, fail mode, protocols, datapath id, passthrough maps, sFlow, IPFIX),
// then ports with trunks, QoS and policing together with the bridge's mirror; the same changes
// again write nothing. Counted with the client's own counter (write transactions), results
// checked with ovs-vsctl.
#include <gtest/gtest.h>

#include "nswire/netlink/links.h"
#include "ovs/ovs_bridge.h"
#include "oracle.h"

using namespace nswire::backend;
namespace nl = nswire::netlink;
using nswire::test::ovs_rows;
using nswire::test::ovs_vsctl;

namespace {

void veth(const std::string& a, const std::string& b) {
  auto host = nl::Socket::open();
  nl::Batch batch;
  nl::add_veth(batch, {.name = a, .peer_name = b, .up = true});
  nl::change_link(batch, {.name = a, .alias = link_mark("tx")});
  nl::change_link(batch, {.name = b, .alias = link_mark("tx")});
  host.execute(batch);
}

TEST(OvsTransactions, EachApplyIsOneTransactionAndInSyncWritesNothing) {
  auto made = ovs::make({.lab = "tx"});
  auto& ovs = dynamic_cast<OvsBridgeBackend&>(*made);
  veth("tx-a", "tx-a-peer");
  veth("tx-b", "tx-b-peer");
  BridgeOptions options{.controllers = {"tcp:127.0.0.1:6653"}, .inactivity_probe_ms = 1000, .fail_mode = "secure",
                        .protocols = {"OpenFlow13"}, .datapath_id = "00000000000000b2",
                        .other_config = {{"mac-aging-time", "30"}}, .external_ids = {{"owner", "t"}},
                        .sflow = SflowSpec{.targets = {"127.0.0.1:6343"}, .sampling = 10},
                        .ipfix = IpfixSpec{.targets = {"127.0.0.1:4739"}}};
  Changes bridges{.ensure_bridges = {{"txbr", false, std::nullopt, options}}};
  ovs.apply(bridges);
  EXPECT_EQ(ovs.write_transactions(), 1u);
  PortOptions trunk{.trunks = {10, 20}, .vlan_mode = "native-untagged"};
  PortOptions shaped{.qos = QosSpec{.type = "linux-htb", .max_rate = 5'000'000}, .policing = PolicingSpec{.rate_kbps = 8000}};
  Changes ports{.attach_ports = {{"txbr", "tx-a", 10, trunk}, {"txbr", "tx-b", std::nullopt, shaped}},
                .set_mirrors = {{"txbr", {{.name = "m", .src = {"tx-a"}, .output_port = "tx-b"}}}}};
  ovs.apply(ports);
  EXPECT_EQ(ovs.write_transactions(), 2u);
  // The same again: nothing to write.
  ovs.apply(bridges);
  ovs.apply(ports);
  EXPECT_EQ(ovs.write_transactions(), 2u);

  EXPECT_EQ(ovs_vsctl({"get-fail-mode", "txbr"}), "secure");
  EXPECT_EQ(ovs_vsctl({"get", "Port", "tx-a", "vlan_mode"}), "native-untagged");
  EXPECT_EQ(ovs_vsctl({"get", "Interface", "tx-b", "ingress_policing_rate"}), "8000");
  EXPECT_EQ(ovs_rows({"list", "Mirror"}).size(), 1u);
  // Observed back as written.
  auto seen = ovs.observe();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].options, options);
  ASSERT_EQ(seen[0].mirrors.size(), 1u);
  EXPECT_EQ(seen[0].mirrors[0].output_port, "tx-b");
  for (const auto& p : seen[0].ports) EXPECT_EQ(p.options, p.name == "tx-a" ? trunk : shaped) << p.name;

  ovs.apply({.remove_bridges = {"txbr"}});
  EXPECT_EQ(ovs.write_transactions(), 3u);
  for (const auto& t : {"Mirror", "QoS", "Queue", "sFlow", "IPFIX", "Controller"}) EXPECT_TRUE(ovs_rows({"list", t}).empty()) << t;
  nl::Batch gone;
  nl::delete_link(gone, "tx-a");
  nl::delete_link(gone, "tx-b");
  nl::Socket::open().execute(gone);
}

}  // namespace
