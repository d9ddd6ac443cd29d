// OVN across three simulated hosts (tests/harness/hosts with NSWIRE_HOSTS_OVN=1: the centre runs
// the NB and SB ovsdb-servers and ovn-northd, each host an ovn-controller with geneve over its
// br-phy on the userspace datapath). nswire's Northbound client writes one lab: a logical
// switch with a port per host and a logical router on it as the gateway. Each host binds its
// node (a namespace on a veth) to br-int with external_ids:iface-id = the port's name. The nodes
// ping each other (a full mesh across hosts, through Geneve) and the gateway; ovn-nbctl and
// ovn-sbctl are the oracles for ports up, chassis and bindings; removing the lab leaves the NB
// database without any of its rows and with a foreign switch untouched.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/offload.h"
#include "nswire/netlink/socket.h"
#include "nswire/netns/namespace.h"
#include "ovsdb/client.h"
#include "ovsdb/ovn_nb.h"
#include "ovsdb/vswitch.h"
#include "sim_hosts.h"

using namespace nswire;
using nswire::test::SimHost;
namespace nb = ovsdb::ovn_nb;
namespace vs = ovsdb::vswitch;

namespace {

const std::string kLab = "mh-ovn";
std::string number(const SimHost& h) { return h.ip.substr(h.ip.rfind('.') + 1); }
std::string port_of(const SimHost& h) { return kLab + "-" + h.name; }  // the LSP (and iface-id)
std::string node_of(const SimHost& h) { return "n-" + h.name; }
std::string node_ip(const SimHost& h) { return "10.0.0." + number(h); }
std::string node_mac(const SimHost& h) { return "02:00:00:00:00:" + number(h); }

nb::Lab lab(const std::vector<SimHost>& hosts) {
  nb::Switch sw{"ls0", {}, {}, {}};
  for (const auto& h : hosts) {
    std::string address = node_mac(h) + " " + node_ip(h);
    sw.ports.push_back({port_of(h), "", {address}, {address}, {}, {}});
  }
  nb::Router router{"lr0", {}, {}};
  nb::connect(sw, router, {"lr0-ls0", "02:00:00:00:01:00", {"10.0.0.1/24"}, {}}, "ls0-lr0");
  return {kLab, {sw}, {router}};
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) throw std::runtime_error(std::string(name) + " not set: run with NSWIRE_HOSTS_OVN=1");
  return v;
}

// A node namespace on h with eth0 (the lab's MAC and address), its host end a port of br-int
// bound to the logical port by external_ids:iface-id.
void bind_node(const SimHost& h) {
  h.check({"ip", "netns", "add", node_of(h)});
  auto ns = h.named(node_of(h));
  std::string host_end = "vn-" + h.name;
  netns::run_in(h.net(), [&] {
    auto s = netlink::Socket::open();
    netlink::Batch b;
    // Geneve with OVN's option header takes 58 bytes of a 1500-byte underlay.
    netlink::add_veth(b, {.name = host_end, .peer_name = "eth0", .peer_netns_fd = ns.fd(), .mtu = 1442, .up = true});
    s.execute(b);
  });
  netns::run_in(ns, [&] {
    auto s = netlink::Socket::open();
    auto eth0 = netlink::find_link(s, "eth0");
    netlink::Batch b;
    netlink::change_link(b, {.index = eth0->index, .up = true, .mac = netlink::parse_mac(node_mac(h))});
    netlink::add_address(b, eth0->index, "eth0", nswire::IpPrefix::from(node_ip(h) + "/24"));
    s.execute(b);
    netlink::set_tx_checksum("eth0", false);
  });
  ovsdb::Client ovs(h.ovsdb);
  vs::Batch batch;
  batch.add_port({"br-int", host_end, "", {}, std::nullopt, {{"nswire-lab", kLab}},
                  {{"nswire-lab", kLab}, {"iface-id", port_of(h)}}});
  vs::apply(ovs, batch);
}

nlohmann::json ctl_rows(const std::string& tool, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {tool, "--format=json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto j = test::run_json(argv);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& data : j["data"]) {
    nlohmann::json row;
    for (size_t i = 0; i < j["headings"].size(); ++i) row[j["headings"][i].get<std::string>()] = data[i];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST(MultihostOvn, ThreeHostsOneLogicalSwitchFullMeshThroughGeneveAndRemovalLeavesNothing) {
  auto hosts = test::sim_hosts();
  ASSERT_EQ(hosts.size(), 3u);
  ovsdb::Client client(env("OVN_NB_DB"));
  ASSERT_EQ(test::run({"ovn-nbctl", "ls-add", "foreign"}).exit_code, 0);

  auto first = nb::apply(client, lab(hosts), {.wait = nb::Wait::Southbound});
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(nb::observed_lab(first.state, kLab), nb::normalized(lab(hosts)));
  for (const auto& h : hosts) bind_node(h);

  // Every port comes up once its chassis has bound it (ovn-northd copies Port_Binding.up).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  nb::State state;
  auto all_up = [&] {
    state = nb::read_state(client);
    for (const auto& h : hosts)
      if (!state.port_up.count(port_of(h)) || !state.port_up.at(port_of(h))) return false;
    return true;
  };
  while (!all_up() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(all_up()) << "logical ports not up within 20 s";
  nb::wait_applied(client, nb::apply(client, lab(hosts)).nb_cfg, nb::Wait::Hypervisors, std::chrono::seconds(20));

  // Oracles: ovn-nbctl sees the lab's rows as written; ovn-sbctl binds each port on its host.
  auto lsps = ctl_rows("ovn-nbctl", {"--columns=name,up,addresses,external_ids", "list", "Logical_Switch_Port"});
  EXPECT_EQ(lsps.size(), 4u);  // three nodes and the router port
  for (const auto& row : lsps) {
    if (row["name"] == "ls0-lr0") continue;
    EXPECT_EQ(row["up"], true) << row;
  }
  std::map<std::string, std::string> chassis_name;
  for (const auto& row : ctl_rows("ovn-sbctl", {"--columns=_uuid,name", "list", "Chassis"}))
    chassis_name[row["_uuid"][1]] = row["name"];
  EXPECT_EQ(chassis_name.size(), 3u);
  std::map<std::string, std::string> bound_on;
  for (const auto& row : ctl_rows("ovn-sbctl", {"--columns=logical_port,chassis", "list", "Port_Binding"}))
    if (row["chassis"].is_array() && row["chassis"][0] == "uuid") bound_on[row["logical_port"]] = chassis_name[row["chassis"][1]];
  for (const auto& h : hosts) EXPECT_EQ(bound_on[port_of(h)], h.name);

  // Full mesh across hosts, and the router's address as the gateway.
  for (const auto& from : hosts) {
    for (const auto& to : hosts) {
      if (from.name != to.name) {
        EXPECT_TRUE(from.ping(node_of(from), node_ip(to), 5)) << from.name << " -> " << to.name;
      }
    }
    EXPECT_TRUE(from.ping(node_of(from), "10.0.0.1", 5)) << from.name << " -> gateway";
  }
  // The packets between hosts went through Geneve tunnels of the userspace datapath.
  auto flows = hosts[0].check({"ovs-appctl", "dpctl/dump-flows"});
  EXPECT_NE(flows.find("geneve"), std::string::npos) << flows;

  // A second apply of the same lab changes nothing.
  EXPECT_FALSE(nb::apply(client, lab(hosts)).changed);

  // Removal: nothing of the lab is left in the NB database; the foreign switch stays.
  auto removed = nb::remove_lab(client, kLab, {.wait = nb::Wait::Hypervisors});
  EXPECT_TRUE(removed.changed);
  EXPECT_EQ(nb::observed_lab(removed.state, kLab), (nb::Lab{kLab, {}, {}}));
  auto switches = ctl_rows("ovn-nbctl", {"--columns=name", "list", "Logical_Switch"});
  ASSERT_EQ(switches.size(), 1u);
  EXPECT_EQ(switches[0]["name"], "foreign");
  EXPECT_TRUE(ctl_rows("ovn-nbctl", {"list", "Logical_Switch_Port"}).empty());
  EXPECT_TRUE(ctl_rows("ovn-nbctl", {"list", "Logical_Router"}).empty());
  EXPECT_TRUE(ctl_rows("ovn-nbctl", {"list", "Logical_Router_Port"}).empty());
  EXPECT_FALSE(hosts[0].ping(node_of(hosts[0]), node_ip(hosts[1]), 1)) << "path still open after removal";
}

TEST(MultihostOvn, AClashWithAForeignSwitchIsRefusedAndChangesNothing) {
  ovsdb::Client client(env("OVN_NB_DB"));
  ASSERT_EQ(test::run({"ovn-nbctl", "--may-exist", "ls-add", "ls-taken"}).exit_code, 0);
  auto before = ctl_rows("ovn-nbctl", {"list", "Logical_Switch"});
  nb::Lab clash{kLab, {{"ls-taken", {}, {}, {{"p-new", "", {"02:00:00:00:00:99 10.9.9.9"}, {}, {}, {}}}}}, {}};
  try {
    nb::apply(client, clash);
    ADD_FAILURE() << "a foreign switch was adopted";
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.error(), "conflict");
    EXPECT_NE(e.details().find("ls-taken"), std::string::npos) << e.details();
  }
  EXPECT_EQ(ctl_rows("ovn-nbctl", {"list", "Logical_Switch"}), before);
  EXPECT_TRUE(ctl_rows("ovn-nbctl", {"list", "Logical_Switch_Port"}).empty());
}
