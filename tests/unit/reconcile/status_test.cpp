// Desired vs live per object (object_status) against fakes of the observed system: every object
// as wanted after `up`, then one thing broken at a time, each showing on its own row only.
#include "nswire/reconcile/status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "fake_observed.h"

using namespace nswire::model;
using namespace nswire::reconcile;
namespace fake = nswire::reconcile::fake;

namespace {

const std::string kLab = R"(name: lab1
backend: ovs
bridges:
  br0: { addresses: [10.0.2.1/24] }
  br1: {}
links:
  - endpoints: [br0, br1]
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
    routes:
      - { to: default, via: 10.0.2.1 }
  red:
    interfaces:
      eth0: { bridge: br0, vlan: 20, addresses: [10.0.2.101/24] }
)";

std::vector<ObjectStatus> drifting(const std::vector<ObjectStatus>& rows) {
  std::vector<ObjectStatus> out;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(out), [](const auto& r) { return !r.ok; });
  return out;
}

const ObjectStatus* find(const std::vector<ObjectStatus>& rows, const std::string& kind, const std::string& object) {
  for (const auto& r : rows)
    if (r.kind == kind && r.object == object) return &r;
  return nullptr;
}

std::string blue_host(const Desired& d) {
  for (const auto& v : d.veths)
    if (v.b.ns == "blue") return v.a.ifname;
  return "";
}

}  // namespace

TEST(Status, EveryWantedObjectHasARowAndAllAreAsWantedAfterUp) {
  auto d = fake::desired(kLab);
  auto rows = object_status(d, fake::after_up(d));
  // 2 bridges, 2 namespaces, 2 veths, 2 ports, 1 patch, 3 addresses, 1 route.
  EXPECT_EQ(rows.size(), 13u);
  EXPECT_TRUE(drifting(rows).empty()) << drifting(rows)[0].object << ": " << drifting(rows)[0].live;
  ASSERT_TRUE(find(rows, "route", "default via 10.0.2.1 in blue"));
  ASSERT_TRUE(find(rows, "patch", "br0:" + d.patches.at(0).port_a + " <-> br1:" + d.patches.at(0).port_b));
}

TEST(Status, NothingUpShowsEveryObjectMissing) {
  auto d = fake::desired(kLab);
  auto rows = object_status(d, fake::empty_system());
  EXPECT_EQ(drifting(rows).size(), rows.size());
  EXPECT_EQ(find(rows, "bridge", "br0")->live, "missing");
  EXPECT_EQ(find(rows, "namespace", "blue")->live, "missing");
}

TEST(Status, AVethDeletedByHandShowsOnItsVethPortAndAddressRows) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::string host = blue_host(d);
  auto& links = o.namespaces[kHost].links;
  links.erase(std::remove_if(links.begin(), links.end(), [&](const auto& l) { return l.name == host; }), links.end());
  auto& inside = o.namespaces["blue"].links;
  inside.erase(std::remove_if(inside.begin(), inside.end(), [](const auto& l) { return l.name == "eth0"; }), inside.end());
  o.namespaces["blue"].routes.clear();  // the kernel drops a deleted device's routes
  o.namespaces["blue"].addresses.clear();
  auto bad = drifting(object_status(d, o));
  ASSERT_EQ(bad.size(), 4u);  // veth, port (OVS keeps the row), address, route (no device)
  EXPECT_EQ(bad[0].kind, "veth");
  EXPECT_EQ(bad[0].live, host + " missing, blue:eth0 missing");
  EXPECT_EQ(bad[1].kind, "port");
  EXPECT_EQ(bad[1].live, "br0 (ovs), device missing");
  EXPECT_EQ(bad[2].kind, "address");
  EXPECT_EQ(bad[2].live, "no interface");
  EXPECT_EQ(bad[3].kind, "route");
}

TEST(Status, APortOnTheWrongBridgeOrVlanIsNamedWithWhereItIs) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  std::string host = blue_host(d);
  auto& br0 = fake::bridge(o, "ovs", "br0");
  auto it = std::find_if(br0.ports.begin(), br0.ports.end(), [&](const auto& p) { return p.name == host; });
  ASSERT_NE(it, br0.ports.end());
  auto moved = *it;
  br0.ports.erase(it);
  fake::bridge(o, "ovs", "br1").ports.push_back(moved);
  for (auto& p : br0.ports)
    if (p.vlan) p.vlan = 30;
  auto bad = drifting(object_status(d, o));
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].live, "br1 (ovs)");
  EXPECT_EQ(bad[0].wanted, "br0 (ovs)");
  EXPECT_EQ(bad[1].wanted, "br0 (ovs), VLAN 20");
  EXPECT_EQ(bad[1].live, "br0 (ovs), VLAN 30");
}

TEST(Status, AnAddressChangedAndALinkDownAreTheirOwnRows) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  auto& red = o.namespaces["red"];
  for (auto& a : red.addresses)
    if (a.prefix.to_string() == "10.0.2.101/24") a.prefix = nswire::IpPrefix::from("10.0.2.199/24");
  for (auto& l : red.links)
    if (l.name == "eth0") l.up = false;
  auto bad = drifting(object_status(d, o));
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].kind, "veth");
  EXPECT_NE(bad[0].live.find("red:eth0 down"), std::string::npos) << bad[0].live;
  EXPECT_EQ(bad[1].object, "10.0.2.101/24 on red:eth0");
  EXPECT_EQ(bad[1].live, "missing");
}

TEST(Status, ABridgeOnTheOtherBackendSaysSo) {
  auto d = fake::desired(kLab);
  auto o = fake::after_up(d);
  auto br1 = fake::bridge(o, "ovs", "br1");
  auto& ovs = o.bridges["ovs"];
  ovs.erase(std::remove_if(ovs.begin(), ovs.end(), [](const auto& b) { return b.name == "br1"; }), ovs.end());
  br1.ports.clear();
  o.bridges["linux"].push_back(br1);
  auto rows = object_status(d, o);
  const auto* row = find(rows, "bridge", "br1");
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->ok);
  EXPECT_EQ(row->live, "on linux");
}

// One judgement: the planner and status ask the same Judge, so for every kind of drift the lab is
// in sync (nothing planned) exactly when every row is as wanted, and each drift below is one.
TEST(Status, RowsAndThePlanAgreeOnEveryDrift) {
  const std::string lab = R"(name: lab1
backend: ovs
bridges:
  br0:
    addresses: [10.0.2.1/24]
    stp: true
    mtu: 1500
    controller: [tcp:127.0.0.1:6653]
    fail_mode: secure
    protocols: [OpenFlow13]
    datapath_id: 00000000000000a1
    other_config: { mac-aging-time: '30' }
    external_ids: { owner: lab-team }
    sflow: { targets: ['127.0.0.1:6343'], sampling: 64 }
    ipfix: { targets: ['127.0.0.1:4739'] }
    mirrors: [{ name: span, src: [blue:eth0], output: red:eth0 }]
  br1: {}
  lb: { backend: linux }
links:
  - endpoints: [br0, br1]
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24], mtu: 1400, mac: '02:00:00:00:00:aa', trunks: [20, 30],
              vlan: 20, vlan_mode: native-untagged, qos: { max_rate: 10mbit }, policing: { rate: 5mbit, burst: 500kbit } }
      eth1: { bridge: lb, addresses: [10.0.3.100/24], rate: 20mbit }
      eth2: { bridge: br1, rate: 30mbit }
      eth3: { bridge: lb, vlan: 30, trunks: [40], vlan_mode: native-tagged }
    routes:
      - { to: default, via: 10.0.2.1 }
    sysctls: { net.ipv4.ip_forward: 1 }
    dns: { nameservers: [10.0.2.1] }
  red:
    interfaces:
      eth0: { bridge: br0, vlan: 20, addresses: [10.0.2.101/24], netem: { delay: 5ms, direction: out } }
)";
  auto d = fake::desired(lab);
  d.software_checksums = true;
  auto link = [](Observed& o, const std::string& ns, const std::string& name) -> nswire::netlink::Link& {
    for (auto& l : o.namespaces[ns].links)
      if (l.name == name) return l;
    throw std::runtime_error("no link " + name);
  };
  auto port = [&](Observed& o, const std::string& name) -> nswire::backend::ObservedPort& {
    for (auto& [backend, bridges] : o.bridges)
      for (auto& b : bridges)
        for (auto& p : b.ports)
          if (p.name == name) return p;
    throw std::runtime_error("no port " + name);
  };
  std::string blue_eth0 = blue_host(d);
  std::string red_host, blue_eth2, blue_eth3;
  for (const auto& v : d.veths) {
    if (v.b.ns == "red") red_host = v.a.ifname;
    if (v.b.ns == "blue" && v.b.ifname == "eth2") blue_eth2 = v.a.ifname;
    if (v.b.ns == "blue" && v.b.ifname == "eth3") blue_eth3 = v.a.ifname;
  }
  auto root = [&](Observed& o, const std::string& ns, const std::string& name) -> nswire::netlink::RootQdisc& {
    int index = link(o, ns, name).index;
    for (auto& q : o.namespaces[ns].qdiscs)
      if (q.ifindex == index) return q;
    throw std::runtime_error("no root qdisc on " + name);
  };
  std::vector<std::pair<std::string, std::function<void(Observed&)>>> drifts = {
      {"bridge STP", [](Observed& o) { fake::bridge(o, "ovs", "br0").stp = false; }},
      {"bridge MTU", [&](Observed& o) { link(o, kHost, "br0").mtu = 9000; }},
      {"OVS bridge device down", [&](Observed& o) { link(o, kHost, "br0").up = false; }},
      {"Linux bridge device down", [&](Observed& o) { link(o, kHost, "lb").up = false; }},
      {"bridge gone",
       [](Observed& o) {
         std::erase_if(o.bridges["ovs"], [](const auto& b) { return b.name == "br1"; });
         std::erase_if(o.namespaces[kHost].links, [](const auto& l) { return l.name == "br1"; });
       }},
      {"link down", [&](Observed& o) { link(o, "red", "eth0").up = false; }},
      {"MTU", [&](Observed& o) { link(o, "blue", "eth0").mtu = 1500; }},
      {"MAC", [&](Observed& o) { link(o, "blue", "eth0").mac = "02:00:00:00:00:bb"; }},
      {"mark", [&](Observed& o) { link(o, kHost, blue_eth0).alias = "nswire:lab1 something else"; }},
      {"checksum offload", [&](Observed& o) { o.namespaces["red"].tx_checksum["eth0"] = true; }},
      {"port error", [&](Observed& o) { port(o, blue_eth0).error = "could not open network device"; }},
      {"port VLAN", [&](Observed& o) { port(o, blue_eth0).vlan = 7; }},
      {"controller", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.controllers = {"tcp:127.0.0.1:6654"}; }},
      {"probe", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.inactivity_probe_ms = 1000; }},
      {"fail mode", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.fail_mode = "standalone"; }},
      {"protocols", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.protocols = {}; }},
      {"datapath id", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.datapath_id = ""; }},
      {"other_config", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.other_config["x"] = "1"; }},
      {"external_ids", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.external_ids.clear(); }},
      {"sflow", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.sflow->sampling = 1; }},
      {"ipfix gone", [](Observed& o) { fake::bridge(o, "ovs", "br0").options.ipfix.reset(); }},
      {"mirror gone", [](Observed& o) { fake::bridge(o, "ovs", "br0").mirrors.clear(); }},
      {"mirror changed", [](Observed& o) { fake::bridge(o, "ovs", "br0").mirrors[0].dst = {"x"}; }},
      {"mirror extra",
       [](Observed& o) {
         auto& b = fake::bridge(o, "ovs", "br0");
         b.mirrors.push_back({.name = "zz", .src = {"a"}, .output_port = "b"});
         b.mirror_owner["zz"] = "lab1";
       }},
      {"trunks", [&](Observed& o) { port(o, blue_eth0).options.trunks = {20}; }},
      {"vlan mode", [&](Observed& o) { port(o, blue_eth0).options.vlan_mode = "trunk"; }},
      // A Linux bridge trunk as its VLAN entries read back: a trunk VLAN taken off, the native
      // VLAN's egress made untagged by hand.
      {"linux trunk VLAN gone", [&](Observed& o) { port(o, blue_eth3).options.trunks.clear(); }},
      {"linux native VLAN untagged", [&](Observed& o) { port(o, blue_eth3).options.vlan_mode = "native-untagged"; }},
      {"qos", [&](Observed& o) { port(o, blue_eth0).options.qos->max_rate = 1000; }},
      {"qos gone", [&](Observed& o) { port(o, blue_eth0).options.qos.reset(); }},
      {"policing", [&](Observed& o) { port(o, blue_eth0).options.policing->burst_kb = 0; }},
      {"patch half", [&](Observed& o) { port(o, d.patches.at(0).port_a).patch_peer = ""; }},
      {"address gone",
       [](Observed& o) { std::erase_if(o.namespaces["red"].addresses, [](const auto& a) { return a.prefix.to_string() == "10.0.2.101/24"; }); }},
      {"address extra",
       [&](Observed& o) {
         o.namespaces["red"].addresses.push_back(
             {.index = link(o, "red", "eth0").index, .prefix = nswire::IpPrefix::from("10.0.2.199/24"), .scope = 0});
       }},
      {"route gone", [](Observed& o) { std::erase_if(o.namespaces["blue"].routes, [](const auto& r) { return r.gateway.has_value(); }); }},
      {"sysctl", [](Observed& o) { o.namespaces["blue"].sysctls["net.ipv4.ip_forward"] = "0"; }},
      {"dns changed", [](Observed& o) { o.namespaces["blue"].resolv_conf = "nameserver 1.1.1.1\n"; }},
      {"dns gone", [](Observed& o) { o.namespaces["blue"].resolv_conf.reset(); }},
      {"namespace gone", [](Observed& o) { o.namespaces["red"] = {}; }},
      {"qdisc changed by hand", [&](Observed& o) { root(o, "red", "eth0").impairment->delay = std::chrono::milliseconds(9); }},
      {"qdisc deleted by hand", [&](Observed& o) { root(o, "blue", "eth1") = {.ifindex = root(o, "blue", "eth1").ifindex, .kind = "noqueue"}; }},
      {"qdisc replaced by hand",
       [&](Observed& o) { root(o, "blue", "eth1") = {.ifindex = root(o, "blue", "eth1").ifindex, .kind = "htb", .handle = 0x10000}; }},
      {"qdisc of nswire's left where none is wanted",
       [&](Observed& o) {
         nswire::netlink::Impairment r;
         r.rate_bps = 8000000;
         auto& q = root(o, kHost, red_host);  // red's netem is what it sends only
         q = {.ifindex = q.ifindex, .kind = "tbf", .handle = nswire::netlink::kTbfHandle, .impairment = r};
       }},
      {"an OVS port whose qdisc the switch manages", [&](Observed& o) { port(o, blue_eth2).keeps_qdisc = false; }},
      {"netem with something nswire does not set",
       [&](Observed& o) { root(o, "red", "eth0").unlike_ours = "netem ecn set"; }},
  };
  auto all_ok = [](const std::vector<ObjectStatus>& rows) {
    return std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.ok; });
  };
  {
    auto o = fake::after_up(d);
    auto plan = plan_up(d, o);
    EXPECT_TRUE(plan.empty());
    EXPECT_TRUE(all_ok(object_status(d, o, plan)));
  }
  for (const auto& [name, drift] : drifts) {
    SCOPED_TRACE(name);
    auto o = fake::after_up(d);
    drift(o);
    auto plan = plan_up(d, o);
    auto rows = object_status(d, o, plan);
    EXPECT_FALSE(plan.empty()) << "a drift the planner does not see";
    EXPECT_FALSE(all_ok(rows)) << "a drift status does not show";
  }
}

// A lab across hosts: the tunnels of its spanning bridges (Linux VXLAN, OVS Geneve) and an OVN
// bridge's gateway, VNI and port addresses are judged once too, for plan and status alike.
TEST(Status, RowsAndThePlanAgreeOnEveryDriftOfALabAcrossHosts) {
  const std::string lab = R"(name: lab2
hosts:
  h1: { address: 192.168.100.11 }
  h2: { address: 192.168.100.12 }
bridges:
  lb: {}
  ob: { backend: ovs, tunnel: geneve }
  nb: { backend: ovn, addresses: [10.9.0.1/24], vni: 900 }
nodes:
  x:
    host: h1
    interfaces:
      eth0: { bridge: lb, addresses: [10.7.0.1/24] }
      eth1: { bridge: ob, addresses: [10.8.0.1/24] }
      eth2: { bridge: nb, addresses: [10.9.0.11/24] }
  y:
    host: h2
    interfaces:
      eth0: { bridge: lb }
      eth1: { bridge: ob }
      eth2: { bridge: nb }
)";
  auto d = fake::desired(lab, "h1");
  ASSERT_EQ(d.tunnels.size(), 2u);
  auto tunnel = [](Observed& o, const std::string& backend, const std::string& bridge) -> nswire::backend::ObservedTunnel& {
    return fake::bridge(o, backend, bridge).tunnels.at(0);
  };
  auto ovn_port = [&](Observed& o) -> nswire::backend::ObservedPort& { return fake::bridge(o, "ovn", "nb").ports.at(0); };
  std::vector<std::pair<std::string, std::function<void(Observed&)>>> drifts = {
      {"tunnel gone", [](Observed& o) { fake::bridge(o, "linux", "lb").tunnels.clear(); }},
      {"tunnel peer gone", [&](Observed& o) { tunnel(o, "linux", "lb").remotes.clear(); }},
      {"tunnel VNI", [&](Observed& o) { tunnel(o, "linux", "lb").vni += 1; }},
      {"tunnel local", [&](Observed& o) { tunnel(o, "ovs", "ob").local = "192.168.100.99"; }},
      {"tunnel MTU", [&](Observed& o) { tunnel(o, "linux", "lb").mtu = 1500; }},
      {"tunnel type", [&](Observed& o) { tunnel(o, "ovs", "ob").type = "vxlan"; }},
      {"tunnel split horizon", [&](Observed& o) { tunnel(o, "ovs", "ob").split_horizon = false; }},
      {"tunnel error", [&](Observed& o) { tunnel(o, "ovs", "ob").error = "could not add network device"; }},
      {"tunnel not ours", [&](Observed& o) { tunnel(o, "linux", "lb").owner = ""; }},
      {"ovn gateway", [](Observed& o) { fake::bridge(o, "ovn", "nb").addresses.clear(); }},
      {"ovn vni", [](Observed& o) { fake::bridge(o, "ovn", "nb").vni.reset(); }},
      {"ovn port addresses", [&](Observed& o) { ovn_port(o).peer_addresses.clear(); }},
      {"ovn port mac", [&](Observed& o) { ovn_port(o).peer_mac = "02:00:00:00:00:99"; }},
      {"ovn port unbound", [&](Observed& o) { ovn_port(o).error = "no br-int port on this host"; }},
  };
  auto all_ok = [](const std::vector<ObjectStatus>& rows) {
    return std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.ok; });
  };
  {
    auto o = fake::after_up(d);
    auto plan = plan_up(d, o);
    EXPECT_TRUE(plan.empty()) << (plan.empty() ? "" : plan.actions[0].object + ": " + plan.actions[0].detail);
    auto rows = object_status(d, o, plan);
    EXPECT_TRUE(all_ok(rows));
    const auto* row = find(rows, "tunnel", "lb (linux)");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->live, "vxlan VNI " + std::to_string(d.tunnels[0].vni) + " from 192.168.100.11 to 192.168.100.12; MTU 1450");
    EXPECT_EQ(row->wanted, "vxlan VNI " + std::to_string(d.tunnels[0].vni) +
                               " from 192.168.100.11 to h2 192.168.100.12; MTU 1450 (1500 - 50)");
  }
  for (const auto& [name, drift] : drifts) {
    SCOPED_TRACE(name);
    auto o = fake::after_up(d);
    drift(o);
    auto plan = plan_up(d, o);
    auto rows = object_status(d, o, plan);
    EXPECT_FALSE(plan.empty()) << "a drift the planner does not see";
    EXPECT_FALSE(all_ok(rows)) << "a drift status does not show";
  }
  // A tunnel of the lab on a bridge that no longer spans hosts is removed, and shows as a row.
  auto alone = fake::desired(lab, "h1");
  auto o = fake::after_up(d);
  alone.tunnels.clear();
  auto plan = plan_up(alone, o);
  ASSERT_EQ(plan.removals["linux"].remove_tunnels, std::vector<std::string>{"lb"});
  ASSERT_EQ(plan.removals["ovs"].remove_tunnels, std::vector<std::string>{"ob"});
  auto rows = object_status(alone, o, plan);
  const auto* row = find(rows, "tunnel", "lb (linux)");
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->ok);
}
