// The switch settings of the lab file: parsed into the backend's option values (units, sorted
// sets, lower-case datapath id), flattened onto the bridges and the host ends of node interfaces,
// mirrors resolved from NODE:IF to the switch's port names.
#include <gtest/gtest.h>

#include "fixture.h"

using namespace nswire::model;
namespace backend = nswire::backend;

namespace {

const char* kLab = R"(name: sw
backend: ovs
bridges:
  br0:
    controller: [tcp:127.0.0.1:6654, tcp:127.0.0.1:6653]
    inactivity_probe: 2s
    fail_mode: secure
    protocols: [OpenFlow13, OpenFlow10]
    datapath_id: 00000000000000A1
    other_config: { mac-aging-time: '30' }
    external_ids: { owner: team }
    sflow: { targets: ['127.0.0.1:6343'], agent: br0, sampling: 64, polling: 10, header: 128 }
    ipfix: { targets: ['127.0.0.1:4739'], sampling: 100, obs_domain_id: 1 }
    mirrors:
      - { name: span, src: [blue:eth0, blue:eth0], dst: [blue:eth0], output: cap:eth0 }
      - { name: by-vlan, vlans: [20, 10], output_vlan: 99 }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, vlan: 10, trunks: [20, 10], vlan_mode: native-untagged,
              qos: { max_rate: 10mbit }, policing: { rate: 5mbit, burst: 500kbit } }
  cap:
    interfaces:
      eth0: { bridge: br0 }
)";

TEST(Switch, BridgeOptionsAreParsedIntoTheBackendsValues) {
  auto lab = fixture::lab(kLab);
  const auto& o = lab.bridges.at(0).options;
  EXPECT_EQ(o.controllers, (std::vector<std::string>{"tcp:127.0.0.1:6653", "tcp:127.0.0.1:6654"}));
  EXPECT_EQ(o.inactivity_probe_ms, 2000);
  EXPECT_EQ(o.fail_mode, "secure");
  EXPECT_EQ(o.protocols, (std::vector<std::string>{"OpenFlow10", "OpenFlow13"}));
  EXPECT_EQ(o.datapath_id, "00000000000000a1");
  EXPECT_EQ(o.other_config, (backend::StringMap{{"mac-aging-time", "30"}}));
  EXPECT_EQ(o.external_ids, (backend::StringMap{{"owner", "team"}}));
  ASSERT_TRUE(o.sflow);
  EXPECT_EQ(*o.sflow, (backend::SflowSpec{.targets = {"127.0.0.1:6343"}, .agent = "br0", .sampling = 64, .polling = 10,
                                          .header = 128}));
  ASSERT_TRUE(o.ipfix);
  EXPECT_EQ(o.ipfix->sampling, 100);
  EXPECT_EQ(o.ipfix->obs_domain_id, 1);
}

TEST(Switch, PortOptionsUseTheUnitsOfImpairments) {
  auto lab = fixture::lab(kLab);
  const auto& p = lab.nodes.at(0).interfaces.at(0).port;
  EXPECT_EQ(p.trunks, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(p.vlan_mode, "native-untagged");
  EXPECT_EQ(p.qos, (backend::QosSpec{.type = "linux-htb", .max_rate = 10'000'000}));
  EXPECT_EQ(p.policing, (backend::PolicingSpec{.rate_kbps = 5000, .burst_kb = 500}));
}

TEST(Switch, FlattenPutsOptionsOnTheHostEndAndResolvesMirrorPorts) {
  auto d = fixture::desired(kLab);
  ASSERT_EQ(d.bridges.size(), 1u);
  EXPECT_EQ(d.bridges[0].options.fail_mode, "secure");
  std::string blue = host_ifname("sw", "blue", "eth0"), cap = host_ifname("sw", "cap", "eth0");
  ASSERT_EQ(d.bridges[0].mirrors.size(), 2u);
  // Sorted by name; ports by the switch's names, without duplicates.
  EXPECT_EQ(d.bridges[0].mirrors[0],
            (backend::MirrorSpec{.name = "by-vlan", .vlans = {10, 20}, .output_vlan = 99}));
  EXPECT_EQ(d.bridges[0].mirrors[1],
            (backend::MirrorSpec{.name = "span", .src = {blue}, .dst = {blue}, .output_port = cap}));
  const VethEnd* host_end = nullptr;
  for (const auto& v : d.veths)
    if (v.a.ifname == blue) host_end = &v.a;
  ASSERT_NE(host_end, nullptr);
  EXPECT_EQ(host_end->vlan, 10);
  EXPECT_EQ(host_end->port.trunks, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(host_end->port.qos->max_rate, 10'000'000u);
}

TEST(Switch, TheSameLabWrittenAnotherWayIsTheSameLab) {
  auto a = fixture::lab("name: x\nbackend: ovs\nbridges:\n  br0: { protocols: [OpenFlow13, OpenFlow10], fail_mode: secure }\n");
  auto b = fixture::lab("name: x\nbackend: ovs\nbridges:\n  br0:\n    fail_mode: secure\n    protocols: [OpenFlow10, OpenFlow13]\n");
  EXPECT_EQ(a, b);
}

// On the Linux bridge (Traits::trunks_listed) a port is VLAN entries: the modes that add nothing
// are dropped, and the native VLAN is not a trunk entry of its own, so the desired port is what
// the backend reads back.
TEST(Switch, TrunksOnALinuxBridgeAreFlattenedToWhatItsVlanEntriesSay) {
  auto d = fixture::desired(R"(name: lt
bridges:
  br0: {}
nodes:
  a: { interfaces: { eth0: { bridge: br0, trunks: [20, 10], vlan_mode: trunk } } }
  b: { interfaces: { eth0: { bridge: br0, vlan: 10, vlan_mode: access } } }
  c: { interfaces: { eth0: { bridge: br0, vlan: 30, trunks: [30, 10], vlan_mode: native-untagged } } }
  e: { interfaces: { eth0: { bridge: br0, vlan: 1, trunks: [1, 20], vlan_mode: native-tagged } } }
  f: { interfaces: { eth0: { bridge: br0, vlan: 40, trunks: [40], vlan_mode: native-untagged } } }
)");
  auto end = [&](const char* node) {
    for (const auto& v : d.veths)
      if (v.a.ifname == host_ifname("lt", node, "eth0")) return v.a;
    ADD_FAILURE() << node;
    return VethEnd{};
  };
  EXPECT_EQ(end("a").port, (backend::PortOptions{.trunks = {10, 20}}));
  EXPECT_EQ(end("a").vlan, std::nullopt);
  EXPECT_EQ(end("b").port, backend::PortOptions{});
  EXPECT_EQ(end("b").vlan, 10);
  EXPECT_EQ(end("c").port, (backend::PortOptions{.trunks = {10}, .vlan_mode = "native-untagged"}));
  EXPECT_EQ(end("e").port, (backend::PortOptions{.trunks = {20}, .vlan_mode = "native-tagged"}));
  EXPECT_EQ(end("e").vlan, std::nullopt);  // VLAN 1 is the untagged default
  EXPECT_EQ(end("f").port, backend::PortOptions{});  // native VLAN alone: an access port
  EXPECT_EQ(end("f").vlan, 40);
}

}  // namespace
