// What ovs-vswitchd (datapath netdev) does with the settings, shown with traffic between
// namespaces in the sandbox, ping and tcpdump as oracles:
// - a controller address where nothing listens: fail_mode secure forwards nothing, standalone
//   falls back to a learning switch (after 3 inactivity probes) and forwards;
// - a mirror delivers a port's frames to its output port;
// - egress shaping (QoS linux-htb) caps a TCP stream out of a port; ingress policing caps one
//   into a port where the kernel has the tc police action (this machine's does not: skipped);
// - an active-backup bond (lacp off) stays reachable with one member down. This machine's kernel
//   has no bonding driver (nor team, nor 8021q), so the far side of the bond is a second OVS
//   bond, not a Linux bond device in the node.
#include "ovsdb/vswitch.h"

#include "oracle.h"
#include "sandbox_env.h"
#include "tcp_stream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using nswire::test::ovs_vsctl;
using nswire::test::ping;
using nswire::test::run;
namespace vs = ovsdb::vswitch;

namespace {

void must(const std::vector<std::string>& argv) {
  auto r = run(argv);
  ASSERT_EQ(r.exit_code, 0) << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": " << r.err;
}

// Namespace `ns` with eth0 (address `addr`) whose peer `host_if` stays in the sandbox, up.
void node(const std::string& ns, const std::string& host_if, const std::string& addr) {
  must({"ip", "netns", "add", ns});
  must({"ip", "link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", ns});
  must({"ip", "link", "set", host_if, "up"});
  must({"ip", "-n", ns, "link", "set", "eth0", "up"});
  must({"ip", "-n", ns, "link", "set", "lo", "up"});
  if (!addr.empty()) must({"ip", "-n", ns, "addr", "add", addr, "dev", "eth0"});
  // The netdev datapath forwards frames as the veth queued them: with TX checksum offload on,
  // TCP/UDP checksums would arrive unfilled and be dropped (ICMP has no offloaded checksum).
  must({"ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", "off"});
}

void veth(const std::string& a, const std::string& b) {
  must({"ip", "link", "add", a, "type", "veth", "peer", "name", b});
  must({"ip", "link", "set", a, "up"});
  must({"ip", "link", "set", b, "up"});
}

class VswitchBehaviour : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& b : vs::read_state(client).bridges) vs::apply(client, vs::Batch().del_bridge({b.name}));
    for (const auto& ns : nswire::test::netns_list()) run({"ip", "netns", "del", ns});
    for (const auto& l : links_) run({"ip", "link", "del", l});
  }
  ovsdb::Client client{ovsdb_test::sandbox_ovsdb()};
  std::vector<std::string> links_;
};

TEST_F(VswitchBehaviour, UnreachableControllerSecureForwardsNothingStandaloneForwards) {
  node("fm-a", "fm-a-o", "10.7.0.1/24");
  node("fm-b", "fm-b-o", "10.7.0.2/24");
  // Nothing listens on 127.0.0.1:6653 in the sandbox. Probe every second, so standalone
  // fails open after 3 s (ofproto/fail-open.c: 3 x the probe interval).
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("fm0", "netdev", {}, false,
                                                  {.controllers = {{"tcp:127.0.0.1:6653"}},
                                                   .controller_inactivity_probe = 1000,
                                                   .fail_mode = "secure"}))
                        .add_port({"fm0", "fm-a-o"})
                        .add_port({"fm0", "fm-b-o"}));
  EXPECT_FALSE(ping("fm-a", "10.7.0.2", 6)) << "secure mode forwarded without a controller";
  EXPECT_EQ(run({"ovs-ofctl", "dump-flows", "fm0", "--no-stats"}).out.find("actions"), std::string::npos);
  auto s = vs::read_state(client);
  ASSERT_EQ(s.bridge("fm0")->controllers.size(), 1u);
  EXPECT_FALSE(s.bridge("fm0")->controllers[0].is_connected);

  vs::apply(client, vs::Batch().set_bridge(vs::SetBridge("fm0", {}, {}, {}, {.fail_mode = "standalone"})));
  EXPECT_EQ(ovs_vsctl({"get-fail-mode", "fm0"}), "standalone");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ping("fm-a", "10.7.0.2", 15)) << "standalone mode did not fail open";
  std::cout << "standalone forwarded after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
            << " ms\n";
  // And back to secure: forwarding stops again.
  vs::apply(client, vs::Batch().set_bridge(vs::SetBridge("fm0", {}, {}, {}, {.fail_mode = "secure"})));
  std::this_thread::sleep_for(500ms);  // let ovs-vswitchd flush the fail-open flows it had
  EXPECT_FALSE(ping("fm-a", "10.7.0.2", 4));
}

// tcpdump inside `ns` on eth0 until `count` packets matching `filter` came, or `seconds`.
std::future<nswire::test::CommandResult> tcpdump(const std::string& ns, const std::string& file, int count,
                                                  int seconds, const std::string& filter) {
  auto f = std::async(std::launch::async, [=] {
    return run({"ip", "netns", "exec", ns, "timeout", std::to_string(seconds), "tcpdump", "-i", "eth0", "-n", "-U", "-c",
                std::to_string(count), "-w", file, filter});
  });
  // tcpdump says "listening on" on stderr once its socket is bound; wait for the file instead.
  for (int i = 0; i < 100 && !std::filesystem::exists(file); ++i) std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(200ms);
  return f;
}

int icmp_lines(const std::string& file, const std::string& what) {
  auto r = run({"tcpdump", "-r", file, "-n"});
  int n = 0;
  for (std::size_t at = 0; (at = r.out.find(what, at)) != std::string::npos; ++at) ++n;
  return n;
}

TEST_F(VswitchBehaviour, MirrorDeliversAPortsFramesToTheOutputPort) {
  node("mr-a", "mr-a-o", "10.8.0.1/24");
  node("mr-b", "mr-b-o", "10.8.0.2/24");
  node("mr-cap", "mr-cap-o", "");  // the capture node: no address, it only listens
  auto bridge = [](vs::Batch b) {
    return b.add_bridge(vs::AddBridge("mr0", "netdev"))
        .add_port({"mr0", "mr-a-o"})
        .add_port({"mr0", "mr-b-o"})
        .add_port({"mr0", "mr-cap-o"});
  };
  std::string dir = ovsdb_test::sandbox_dir();
  // Without a mirror the capture node sees none of a's and b's unicast ICMP.
  vs::apply(client, bridge(vs::Batch()));
  ASSERT_TRUE(ping("mr-a", "10.8.0.2", 5));
  auto quiet = tcpdump("mr-cap", dir + "/before.pcap", 1, 3, "icmp");
  run({"ip", "netns", "exec", "mr-a", "ping", "-c", "3", "-i", "0.2", "10.8.0.2"});
  quiet.get();
  EXPECT_EQ(icmp_lines(dir + "/before.pcap", "ICMP echo"), 0);

  // The bridge again, with the mirror in the same transaction (as `up` writes a lab). A mirror
  // added to a bridge with established datapath flows is not applied to those flows at once
  // (seen with ovs-vsctl too, OVS 3.1 netdev): they keep their old actions until they expire.
  vs::apply(client, vs::Batch().del_bridge({"mr0"}));
  vs::Mirror m;
  m.name = "span-a";
  m.select_src_port = {"mr-a-o"};
  m.select_dst_port = {"mr-a-o"};
  m.output_port = "mr-cap-o";
  vs::apply(client, bridge(vs::Batch()).add_mirror(vs::AddMirror("mr0", m)));
  auto seen = tcpdump("mr-cap", dir + "/mirror.pcap", 6, 10, "icmp");
  EXPECT_EQ(run({"ip", "netns", "exec", "mr-a", "ping", "-c", "3", "-i", "0.2", "10.8.0.2"}).exit_code, 0);
  seen.get();
  EXPECT_EQ(icmp_lines(dir + "/mirror.pcap", "10.8.0.1 > 10.8.0.2: ICMP echo request"), 3);
  EXPECT_EQ(icmp_lines(dir + "/mirror.pcap", "10.8.0.2 > 10.8.0.1: ICMP echo reply"), 3);
  auto stats = vs::read_state(client).bridge("mr0")->mirror("span-a");
  ASSERT_NE(stats, nullptr);
}

TEST_F(VswitchBehaviour, ActiveBackupBondStaysReachableWithOneMemberDown) {
  // n1 - [bn1: bond(m1a, m1b)] = veth pairs m1a/m2a, m1b/m2b = [bn2: bond(m2a, m2b)] - n2
  node("bd-1", "bd-1-o", "10.6.0.1/24");
  node("bd-2", "bd-2-o", "10.6.0.2/24");
  veth("m1a", "m2a");
  veth("m1b", "m2b");
  links_ = {"m1a", "m1b"};
  // Without LACP the two ends must agree on the active member (an active-backup bond drops
  // what arrives on a backup member): the same primary on both, which both leave when it fails.
  auto bond = [](const std::string& primary) {
    return vs::PortSettings{.bond_mode = "active-backup", .lacp = "off", .set_other_config = {{"bond-primary", primary}}};
  };
  vs::apply(client, vs::Batch()
                        .add_bridge(vs::AddBridge("bn1", "netdev"))
                        .add_bridge(vs::AddBridge("bn2", "netdev"))
                        .add_port({"bn1", "bd-1-o"})
                        .add_port({"bn2", "bd-2-o"})
                        .add_bond(vs::AddBond("bn1", "bond1", {"m1a", "m1b"}, bond("m1a")))
                        .add_bond(vs::AddBond("bn2", "bond2", {"m2a", "m2b"}, bond("m2a"))));
  ASSERT_TRUE(ping("bd-1", "10.6.0.2", 10));
  auto appctl = [](const std::string& port) {
    return run({"ovs-appctl", "-t", ovsdb_test::sandbox_dir() + "/vswitchd.ctl", "bond/show", port}).out;
  };
  for (const std::string down : {"m1a", "m1b"}) {
    SCOPED_TRACE("member " + down + " down");
    must({"ip", "link", "set", down, "down"});  // both ends of that pair lose carrier
    EXPECT_TRUE(ping("bd-1", "10.6.0.2", 10)) << appctl("bond1") << appctl("bond2");
    EXPECT_NE(appctl("bond1").find("member " + down + ": disabled"), std::string::npos) << appctl("bond1");
    must({"ip", "link", "set", down, "up"});
    std::this_thread::sleep_for(500ms);
  }
  auto s = vs::read_state(client);
  EXPECT_EQ(s.port("bond1")->bond_mode, "active-backup");
  EXPECT_EQ(s.port("bond1")->interfaces.size(), 2u);
}

vs::Qos htb_qos(std::int64_t bits) {
  vs::Qos q;
  q.type = "linux-htb";
  q.other_config = {{"max-rate", std::to_string(bits)}};
  q.queues[0].other_config = {{"max-rate", std::to_string(bits)}};
  return q;
}

TEST_F(VswitchBehaviour, EgressShapingCapsATcpStream) {
  node("sh-a", "sh-a-o", "10.5.0.1/24");
  node("sh-b", "sh-b-o", "10.5.0.2/24");
  vs::apply(client, vs::Batch().add_bridge(vs::AddBridge("sh0", "netdev")).add_port({"sh0", "sh-a-o"}).add_port({"sh0", "sh-b-o"}));
  ASSERT_TRUE(ping("sh-a", "10.5.0.2", 10));
  double free_rate = ovsdb_test::tcp_stream_mbps("sh-a", "sh-b", "10.5.0.2", 2s);
  // What OVS sends out of sh-b-o (towards b) is shaped to 10 Mbit/s.
  vs::apply(client, vs::Batch().set_port(vs::SetPort("sh-b-o", {}, {}, {}, false, {.qos = htb_qos(10'000'000)})));
  double shaped = ovsdb_test::tcp_stream_mbps("sh-a", "sh-b", "10.5.0.2", 3s, 5202);
  std::cout << "TCP a->b: " << free_rate << " Mbit/s unshaped, " << shaped << " Mbit/s with linux-htb max-rate 10 Mbit/s\n";
  EXPECT_GT(free_rate, 30.0);  // the netdev datapath on this machine does far more than the cap
  EXPECT_LT(shaped, 10.0 * 1.3);
  EXPECT_GT(shaped, 10.0 * 0.5);
  // Cleared: the cap is gone.
  vs::apply(client, vs::Batch().set_port(vs::SetPort("sh-b-o", {}, {}, {}, false, {.clear_qos = true})));
  EXPECT_GT(ovsdb_test::tcp_stream_mbps("sh-a", "sh-b", "10.5.0.2", 2s, 5203), 30.0);
}

TEST_F(VswitchBehaviour, IngressPolicingCapsATcpStreamWhereTheKernelCanPolice) {
  node("po-a", "po-a-o", "10.4.0.1/24");
  node("po-b", "po-b-o", "10.4.0.2/24");
  vs::apply(client, vs::Batch().add_bridge(vs::AddBridge("po0", "netdev")).add_port({"po0", "po-a-o"}).add_port({"po0", "po-b-o"}));
  ASSERT_TRUE(ping("po-a", "10.4.0.2", 10));
  // What OVS receives from a (on po-a-o) is policed to 10 Mbit/s (10000 kbps, burst 1000 kb).
  vs::apply(client, vs::Batch().set_interface(vs::SetInterface("po-a-o", {}, {}, {}, {},
                                                              {.ingress_policing_rate = 10000, .ingress_policing_burst = 1000})));
  // ovs-vswitchd polices a system interface with a tc ingress filter (netdev-linux); without
  // cls_basic/matchall and act_police in the kernel it logs a warning and nothing is policed.
  auto filters = run({"tc", "filter", "show", "dev", "po-a-o", "ingress"});
  if (filters.out.find("police") == std::string::npos)
    GTEST_SKIP() << "this kernel cannot police (no tc police filter on po-a-o; ovs-vswitchd log: 'adding "
                    "cls_basic policing action failed')";
  double policed = ovsdb_test::tcp_stream_mbps("po-a", "po-b", "10.4.0.2", 3s, 5204);
  std::cout << "TCP a->b policed at 10 Mbit/s: " << policed << " Mbit/s\n";
  EXPECT_LT(policed, 10.0 * 1.5);
}

}  // namespace
