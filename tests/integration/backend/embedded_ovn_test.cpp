// The embedded OVN on one machine (a sandbox with a private Open vSwitch, datapath netdev):
// start_embedded() brings up the NB and SB ovsdb-servers, ovn-northd and ovn-controller with
// state under /run/nswire/ovn and the chassis registered; a lab written with nswire's NB client
// then carries traffic between two nodes bound to br-int by iface-id; stop_embedded() leaves no
// daemon, no directory, none of the external_ids it set and no br-int behind, and the machine's
// Open vSwitch keeps running. Oracles: ovn-sbctl, ovn-nbctl, ovs-vsctl, ping, /proc.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../../../src/backend/ovn/embedded_daemon.h"
#include "../../../src/backend/ovn/embedded_ovn.h"
#include "nswire/error.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/offload.h"
#include "nswire/netlink/socket.h"
#include "nswire/netns/namespace.h"
#include "oracle.h"
#include "ovsdb/client.h"
#include "ovsdb/ovn_nb.h"
#include "ovsdb/vswitch.h"

using namespace nswire;
namespace ovn = nswire::backend::ovn;
namespace nb = ovsdb::ovn_nb;

namespace {

std::string sandbox_ovs() {
  const char* v = std::getenv("NSWIRE_OVSDB");
  if (!v) throw std::runtime_error("NSWIRE_OVSDB not set: run in the sandbox with NSWIRE_SANDBOX_OVS=1");
  return v;
}

std::map<std::string, std::string> ovs_external_ids() {
  auto rows = test::ovs_rows({"--columns=external_ids", "list", "Open_vSwitch"});
  std::map<std::string, std::string> out;
  for (const auto& kv : rows[0]["external_ids"][1]) out[kv[0]] = kv[1];
  return out;
}

// Node `name` (namespace) with eth0 = mac/ip, its host end on br-int bound to logical port `lsp`.
void bind_node(const std::string& name, const std::string& mac, const std::string& ip, const std::string& lsp) {
  auto ns = netns::Namespace::create(name);
  auto s = netlink::Socket::open();
  netlink::Batch b;
  netlink::add_veth(b, {.name = "v-" + name, .peer_name = "eth0", .peer_netns_fd = ns.fd(), .up = true});
  s.execute(b);
  netns::run_in(ns, [&] {
    auto n = netlink::Socket::open();
    auto eth0 = netlink::find_link(n, "eth0");
    netlink::Batch c;
    netlink::change_link(c, {.index = eth0->index, .up = true, .mac = netlink::parse_mac(mac)});
    netlink::add_address(c, eth0->index, "eth0", nswire::IpPrefix::from(ip + "/24"));
    n.execute(c);
    netlink::set_tx_checksum("eth0", false);
  });
  ovsdb::Client ovs(sandbox_ovs());
  ovsdb::vswitch::Batch port;
  port.add_port({"br-int", "v-" + name, "", {}, std::nullopt, {}, {{"iface-id", lsp}}});
  ovsdb::vswitch::apply(ovs, port);
}

std::vector<pid_t> daemon_pids() {
  std::vector<pid_t> out;
  for (const char* p : {"ovnnb_db.pid", "ovnsb_db.pid", "ovn-northd.pid", "ovn-controller.pid"})
    out.push_back(backend::daemon::read_pid(std::string(ovn::kEmbeddedDir) + "/" + p));
  return out;
}

}  // namespace

TEST(EmbeddedOvn, StartsCentralAndControllerCarriesALabAndStopsWithoutATrace) {
  ASSERT_FALSE(ovn::embedded_running());
  auto ids_before = ovs_external_ids();
  ovn::start_embedded({.ovs = sandbox_ovs(), .system_id = "chassis-a", .encap_ip = "127.0.0.1"});
  EXPECT_TRUE(ovn::embedded_running());
  auto pids = daemon_pids();
  for (pid_t p : pids) EXPECT_TRUE(backend::daemon::alive(p)) << p;

  // The chassis is registered, with the encapsulation nswire asked for.
  auto chassis = test::run_json({"ovn-sbctl", "--db=" + ovn::sb_endpoint(), "--format=json", "--columns=name,hostname,encaps",
                                 "list", "Chassis"});
  ASSERT_EQ(chassis["data"].size(), 1u);
  EXPECT_EQ(chassis["data"][0][0], "chassis-a");
  auto encap = test::run({"ovn-sbctl", "--db=" + ovn::sb_endpoint(), "--bare", "--columns=type,ip", "list", "Encap"});
  EXPECT_NE(encap.out.find("geneve"), std::string::npos) << encap.out;
  EXPECT_NE(encap.out.find("127.0.0.1"), std::string::npos) << encap.out;
  auto ids = ovs_external_ids();
  EXPECT_EQ(ids["system-id"], "chassis-a");
  EXPECT_EQ(ids["ovn-remote"], ovn::sb_endpoint());
  EXPECT_EQ(ids["ovn-encap-type"], "geneve");
  EXPECT_EQ(ids["ovn-encap-ip"], "127.0.0.1");
  EXPECT_EQ(ids["ovn-bridge-datapath-type"], "netdev");
  // Starting again starts nothing new.
  ovn::start_embedded({.ovs = sandbox_ovs(), .system_id = "chassis-a", .encap_ip = "127.0.0.1"});
  EXPECT_EQ(daemon_pids(), pids);

  // A lab through the embedded engine: one switch, two nodes on this chassis.
  ovsdb::Client client(ovn::nb_endpoint());
  nb::Lab lab{"emb-ovn", {{"ls0", {}, {}, {{"emb-a", "", {"02:00:00:00:00:0a 10.0.0.10"}, {}, {}, {}},
                                            {"emb-b", "", {"02:00:00:00:00:0b 10.0.0.11"}, {}, {}, {}}}}}, {}};
  nb::apply(client, lab, {.wait = nb::Wait::Hypervisors});
  auto br_int = test::ovs_rows({"--columns=datapath_type", "list", "Bridge", "br-int"});
  ASSERT_EQ(br_int.size(), 1u);
  EXPECT_EQ(br_int[0]["datapath_type"], "netdev");
  bind_node("emb-a", "02:00:00:00:00:0a", "10.0.0.10", "emb-a");
  bind_node("emb-b", "02:00:00:00:00:0b", "10.0.0.11", "emb-b");
  EXPECT_TRUE(test::ping("emb-a", "10.0.0.11", 10));
  auto up = test::run({"ovn-nbctl", "--db=" + ovn::nb_endpoint(), "get", "Logical_Switch_Port", "emb-b", "up"});
  EXPECT_EQ(up.out, "true\n");
  nb::remove_lab(client, "emb-ovn", {.wait = nb::Wait::Hypervisors});
  EXPECT_FALSE(test::ping("emb-a", "10.0.0.11", 1));
  for (const char* n : {"emb-a", "emb-b"}) {
    test::ovs_vsctl({"del-port", "br-int", std::string("v-") + n});
    netns::remove(n);
  }

  ovn::stop_embedded();
  EXPECT_FALSE(ovn::embedded_running());
  for (pid_t p : pids) EXPECT_FALSE(backend::daemon::alive(p)) << p << " still running";
  EXPECT_FALSE(std::filesystem::exists(ovn::kEmbeddedDir));
  EXPECT_EQ(ovs_external_ids(), ids_before);
  EXPECT_EQ(test::ovs_vsctl({"list-br"}), "");
  // The machine's (here: the sandbox's) Open vSwitch is untouched and still running.
  EXPECT_TRUE(backend::daemon::alive(std::atoi(std::getenv("NSWIRE_SANDBOX_VSWITCHD_PID"))));
  // Stopping again is a no-op.
  EXPECT_NO_THROW(ovn::stop_embedded());
}

TEST(EmbeddedOvn, MissingPiecesAreNamedWithTheirDebianPackageBeforeAnythingStarts) {
  try {
    backend::daemon::find_binary("ovn-no-such-daemon", "ovn-central");
    ADD_FAILURE() << "found a binary that does not exist";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("install Debian's ovn-central package"), std::string::npos) << e.what();
  }
  try {
    ovn::start_embedded({.central = false, .ovs = sandbox_ovs()});
    ADD_FAILURE() << "a controller without an encap address was started";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("ovn-encap-ip"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(ovn::embedded_running());
  EXPECT_FALSE(std::filesystem::exists(ovn::kEmbeddedDir)) << "created before the options were checked";
}
