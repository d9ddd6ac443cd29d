// Link impairments end to end through the nswire command, on both backends, checked with tools
// nswire did not write: `tc -j qdisc show` (each end's root qdisc), `ip -j link` / `ip -j addr` /
// `ip -j route` (state, addresses, routes), ping. This kernel has tbf and no sch_netem: rates are
// applied here; netem is refused before anything changes (the VM tier runs it, tests/vm).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "nswire_run.h"

using nlohmann::json;
using namespace nswire::test;

namespace {

const char* kLab = R"(name: imp
bridges:
  br0: { addresses: [10.0.2.1/24] }
  br1: {}
nodes:
  a:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.10/24], rate: 50mbit }
    routes:
      - { to: 10.5.0.0/16, via: 10.9.0.2 }
      - { to: 'fd05::/64', via: 'fd09::2' }
  b:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.11/24] }
      eth1: { bridge: br1 }
links:
  - endpoints: [a:p0, b:p0]
    addresses: [[10.9.0.1/30, 'fd09::1/64'], [10.9.0.2/30, 'fd09::2/64']]
    netem: [{ rate: 20mbit }, ~]
  - endpoints: [br0, br1]
)";

// The host end of a node interface, by its mark.
std::string host_end(const std::string& node, const std::string& ifname) {
  for (const auto& l : ip_json("", {"-d", "link", "show", "type", "veth"}))
    if (l.value("ifalias", "") == "nswire:imp node " + node + " interface " + ifname) return l["ifname"];
  return "";
}

// "tbf 6250000" (kind and rate in bytes per second, as tc -j reports it), "noqueue", or "htb".
std::string qdisc_of(const std::string& netns, const std::string& dev) {
  auto q = root_qdisc(netns, dev);
  if (q.is_null()) return "none";
  std::string s = q["kind"];
  if (s == "tbf") s += " " + std::to_string(q["options"]["rate"].get<long>());
  return s;
}

bool netem_available() {
  run({"ip", "netns", "add", "netem-probe"});
  bool ok = run({"tc", "-n", "netem-probe", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"}).exit_code == 0;
  run({"ip", "netns", "del", "netem-probe"});
  return ok;
}

std::vector<std::string> flags(const std::string& netns, const std::string& dev) {
  auto l = ip_link(netns, dev);
  return l ? (*l)["flags"].get<std::vector<std::string>>() : std::vector<std::string>{"missing"};
}
bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> routes(const std::string& netns, const std::string& family) {
  std::vector<std::string> out;
  for (const auto& r : ip_json(netns, {family, "route", "show"})) out.push_back(r["dst"]);
  std::sort(out.begin(), out.end());
  return out;
}

class CliImpair : public ::testing::TestWithParam<std::string> {
 protected:
  Nswire nsw(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.push_back("--backend");
    args.push_back(GetParam());
    return run_nswire(args, env);
  }
  void SetUp() override {
    before_ = system_snapshot();
    file_ = write_lab("imp", kLab);
  }
  void TearDown() override {
    EXPECT_EQ(nsw({"down", file_}).code, 0);
    EXPECT_EQ(system_snapshot(), before_) << "the test left something behind";
  }
  std::string before_, file_;
};

}  // namespace

TEST_P(CliImpair, RatesAreSetOnTheirEndsObservedInSyncAndGoneWithDown) {
  auto up = nsw({"up", file_, "--json"});
  ASSERT_EQ(up.code, 0) << up.err;
  const std::string a_host = host_end("a", "eth0"), b_host = host_end("b", "eth0");
  ASSERT_FALSE(a_host.empty());
  // rate on a's interface: both ways (what a sends, what it receives); the link's per end.
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 6250000");
  EXPECT_EQ(qdisc_of("", a_host), "tbf 6250000");
  EXPECT_EQ(qdisc_of("a", "p0"), "tbf 2500000");
  EXPECT_EQ(qdisc_of("b", "p0"), "noqueue");
  EXPECT_EQ(qdisc_of("b", "eth0"), "noqueue");
  EXPECT_EQ(qdisc_of("", b_host), "noqueue");
  EXPECT_EQ(root_qdisc("a", "eth0")["handle"], "5e02:");
  auto again = nsw({"up", file_, "--json"});
  EXPECT_TRUE(again.j()["actions"].empty()) << again.out;
  auto status = nsw({"status", file_, "--json"});
  EXPECT_EQ(status.code, 0) << status.out;
  const json report = status.j();  // kept: iterating a member of a temporary would dangle
  size_t qdisc_rows = 0;
  for (const auto& o : report["objects"]) qdisc_rows += o["kind"] == "qdisc";
  EXPECT_EQ(qdisc_rows, 3u);
}

TEST_P(CliImpair, AQdiscChangedOrDeletedByHandIsDriftAndUpRepairsIt) {
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  const std::string a_host = host_end("a", "eth0");
  ASSERT_EQ(run({"tc", "-n", "a", "qdisc", "change", "dev", "eth0", "root", "handle", "5e02:", "tbf", "rate", "10mbit", "burst",
                 "25000", "limit", "337500"}).exit_code, 0);
  ASSERT_EQ(run({"tc", "qdisc", "del", "dev", a_host, "root"}).exit_code, 0);
  // Someone else's root on an end the lab impairs nothing on: not the lab's.
  ASSERT_EQ(run({"tc", "-n", "b", "qdisc", "add", "dev", "eth0", "root", "handle", "1:", "htb"}).exit_code, 0);
  auto status = nsw({"status", file_, "--json"});
  EXPECT_EQ(status.code, 3);
  std::vector<std::string> bad;
  const json report = status.j();
  for (const auto& o : report["objects"])
    if (!o["ok"].get<bool>()) bad.push_back(o["object"].get<std::string>() + ": " + o["live"].get<std::string>());
  std::sort(bad.begin(), bad.end());
  EXPECT_EQ(bad, (std::vector<std::string>{a_host + " egress: none",
                                           "a:eth0 egress: tbf rate 10mbit (tbf limit 337500 bytes, nswire sets 67500; tbf "
                                           "burst differs from nswire's 5000 bytes)"}));
  auto repair = nsw({"up", file_, "--json"});
  ASSERT_EQ(repair.code, 0) << repair.err;
  EXPECT_EQ(repair.j()["actions"].size(), 2u) << repair.out;
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 6250000");
  EXPECT_EQ(qdisc_of("", a_host), "tbf 6250000");
  EXPECT_EQ(qdisc_of("b", "eth0"), "htb") << "a root someone else set is left alone";
  EXPECT_EQ(nsw({"status", file_}).code, 0);
}

TEST_P(CliImpair, AnEditChangesOnlyQdiscsAndAFailedUpPutsThePreviousOnesBack) {
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  const std::string a_host = host_end("a", "eth0");
  std::string edited = kLab;
  edited.replace(edited.find("rate: 50mbit"), 12, "rate: 10mbit");
  edited.replace(edited.find("    routes:\n"), 0, "    sysctls: { net.ipv4.ip_forward: 1 }\n");
  write_lab("imp", edited);
  const json plan = nsw({"plan", file_, "--json"}).j()["actions"];
  std::vector<std::string> planned;
  for (const auto& a : plan) planned.push_back(a["op"].get<std::string>() + " " + a["kind"].get<std::string>() + " " + a["object"].get<std::string>());
  std::sort(planned.begin(), planned.end());
  EXPECT_EQ(planned, (std::vector<std::string>{"modify qdisc " + a_host + " egress", "modify qdisc a:eth0 egress",
                                               "modify sysctl a:net.ipv4.ip_forward"}));
  // Steps: the host's batch (a's host end), a's batch, a's sysctl. Refuse the sysctl.
  std::string log = "/tmp/nswire-impair-steps.log";
  std::remove(log.c_str());
  auto failed = nsw({"up", file_}, {"NSWIRE_TEST_FAIL_AT_STEP=3", "NSWIRE_TEST_STEP_LOG=" + log});
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("rolled back 2 changes"), std::string::npos) << failed.err;
  std::ifstream steps(log);
  std::string line, third;
  while (std::getline(steps, line))
    if (line.rfind("3 ", 0) == 0) third = line;
  EXPECT_EQ(third, "3 sysctl net.ipv4.ip_forward");
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 6250000") << "the rollback puts nswire's previous tbf back";
  EXPECT_EQ(qdisc_of("", a_host), "tbf 6250000");
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 1250000");
  EXPECT_EQ(qdisc_of("", a_host), "tbf 1250000");
  // Dropping the rate takes nswire's root away: the kernel's default is back.
  edited.replace(edited.find(", rate: 10mbit"), 14, "");
  write_lab("imp", edited);
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  EXPECT_EQ(qdisc_of("a", "eth0"), "noqueue");
  EXPECT_EQ(qdisc_of("", a_host), "noqueue");
  EXPECT_EQ(nsw({"status", file_}).code, 0);
}

TEST_P(CliImpair, NetemIsRefusedBeforeAnythingChangesNamingTheModule) {
  if (netem_available()) GTEST_SKIP() << "this kernel has sch_netem: the VM tier's 60-netem case covers netem";
  std::string lab = kLab;
  lab.replace(lab.find("rate: 50mbit"), 12, "netem: { delay: 20ms, loss: 1% }");
  auto file = write_lab("imp", lab);
  auto up = nsw({"up", file});
  EXPECT_EQ(up.code, 1);
  EXPECT_NE(up.err.find("needs the netem qdisc"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("module sch_netem"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("nothing was changed"), std::string::npos) << up.err;
  EXPECT_EQ(system_snapshot(), before_);
  EXPECT_FALSE(std::filesystem::exists("/run/nswire/labs/imp.lock")) << "not even the lab's lock file";
}

TEST_P(CliImpair, TheLinkVerbOverridesShowsAndResetsAndStatusNotesIt) {
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  const std::string a_host = host_end("a", "eth0");
  auto set = nsw({"link", file_, "a:eth0", "set", "--rate", "10mbit", "--direction", "out", "--json"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.j()["actions"].size(), 1u) << set.out;
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 1250000") << "out: what a sends";
  EXPECT_EQ(qdisc_of("", a_host), "tbf 6250000") << "what a receives is as the file says";
  auto show = nsw({"link", file_, "a:eth0", "show", "--json"});
  ASSERT_EQ(show.code, 0) << show.err;
  const json ends = show.j()["ends"];
  ASSERT_EQ(ends.size(), 2u);
  EXPECT_EQ(ends[0]["end"], "a:eth0");
  EXPECT_EQ(ends[0]["toward"], "out");
  EXPECT_EQ(ends[0]["wanted"]["rate"], "10mbit");
  EXPECT_EQ(ends[0]["file"]["rate"], "50mbit");
  EXPECT_TRUE(ends[0]["overridden"].get<bool>());
  EXPECT_EQ(ends[0]["qdisc"]["impairment"]["rate"], "10mbit");
  EXPECT_EQ(ends[1]["end"], a_host);
  EXPECT_FALSE(ends[1]["overridden"].get<bool>());
  // Status: an intended override, not drift.
  auto status = nsw({"status", file_, "--json"});
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_TRUE(status.j()["in_sync"].get<bool>());
  ASSERT_EQ(status.j()["overrides"].size(), 1u);
  EXPECT_EQ(status.j()["overrides"][0]["link"], "a:eth0");
  EXPECT_EQ(status.j()["overrides"][0]["impairment"]["rate"], "10mbit");
  EXPECT_NE(nsw({"status", file_}).out.find("note: override in force"), std::string::npos);
  // Bad values are refused before anything (exit 2), as the file's would be.
  auto bad = nsw({"link", file_, "a:eth0", "set", "--rate", "10mbps"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--rate \"10mbps\" \"mbps\" is ambiguous"), std::string::npos) << bad.err;
  EXPECT_EQ(nsw({"link", file_, "a:nope", "show"}).code, 2);
  if (!netem_available()) {
    auto netem = nsw({"link", file_, "a:p0", "set", "--delay", "5ms"});
    EXPECT_EQ(netem.code, 1);
    EXPECT_NE(netem.err.find("module sch_netem"), std::string::npos) << netem.err;
    EXPECT_EQ(qdisc_of("a", "p0"), "tbf 2500000") << "refused before anything changed";
  }
  // Both ways on the link; then reset puts the file back.
  ASSERT_EQ(nsw({"link", file_, "b:p0", "set", "--rate", "5mbit"}).code, 0);
  EXPECT_EQ(qdisc_of("a", "p0"), "tbf 625000");
  EXPECT_EQ(qdisc_of("b", "p0"), "tbf 625000");
  ASSERT_EQ(nsw({"link", file_, "b:p0", "reset"}).code, 0);
  EXPECT_EQ(qdisc_of("a", "p0"), "tbf 2500000");
  EXPECT_EQ(qdisc_of("b", "p0"), "noqueue");
  EXPECT_EQ(nsw({"status", file_, "--json"}).j()["overrides"].size(), 1u);
  // `up` ends every override: the file again.
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 6250000");
  EXPECT_TRUE(nsw({"status", file_, "--json"}).j()["overrides"].empty());
}

TEST_P(CliImpair, LinksGoDownAndComeBackWithTheirAddressesAndRoutes) {
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  const std::string a_host = host_end("a", "eth0");
  ASSERT_TRUE(ping("a", "10.0.2.11"));
  // A node interface goes down at its bridge side: a keeps its addresses, sees no carrier.
  auto down = nsw({"link", file_, "a:eth0", "down"});
  ASSERT_EQ(down.code, 0) << down.err;
  EXPECT_FALSE(has(flags("", a_host), "UP"));
  EXPECT_TRUE(has(flags("a", "eth0"), "NO-CARRIER"));
  EXPECT_EQ(ip_addresses("a", "eth0"), std::vector<std::string>{"10.0.2.10/24"});
  EXPECT_FALSE(ping("a", "10.0.2.11", 1));
  auto status = nsw({"status", file_, "--json"});
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_TRUE(status.j()["overrides"][0]["down"].get<bool>());
  auto up = nsw({"link", file_, "a:eth0", "up"});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_TRUE(has(flags("", a_host), "LOWER_UP"));
  EXPECT_TRUE(has(flags("a", "eth0"), "LOWER_UP")) << "link up returns once both ends have a carrier";
  EXPECT_TRUE(ping("a", "10.0.2.11"));
  EXPECT_EQ(qdisc_of("a", "eth0"), "tbf 6250000") << "a qdisc outlives its link going down";
  // A link between nodes goes down at the end named: the kernel drops its IPv6 addresses and
  // its routes, which are not drift while it is held down, and come back with it.
  ASSERT_EQ(nsw({"link", file_, "a:p0", "down"}).code, 0);
  EXPECT_FALSE(has(flags("a", "p0"), "UP"));
  EXPECT_EQ(ip_addresses("a", "p0"), std::vector<std::string>{"10.9.0.1/30"});
  EXPECT_EQ(routes("a", "-4"), (std::vector<std::string>{"10.0.2.0/24"}));
  EXPECT_EQ(nsw({"status", file_}).code, 0);
  ASSERT_EQ(nsw({"link", file_, "a:p0", "up"}).code, 0);
  EXPECT_EQ(ip_addresses("a", "p0"), (std::vector<std::string>{"10.9.0.1/30", "fd09::1/64"}));
  EXPECT_EQ(routes("a", "-4"), (std::vector<std::string>{"10.0.2.0/24", "10.5.0.0/16", "10.9.0.0/30"}));
  auto v6 = routes("a", "-6");
  EXPECT_TRUE(has(v6, "fd05::/64")) << v6.size();
  EXPECT_TRUE(ping("a", "fd09::2"));
  EXPECT_EQ(nsw({"status", file_}).code, 0);
  EXPECT_TRUE(nsw({"status", file_, "--json"}).j()["overrides"].empty());
  // A bridge pair: a veth on Linux bridges (down at br0's side), a native patch on OVS (no device).
  auto patch = nsw({"link", file_, "br0:br1", "down"});
  if (GetParam() == "ovs") {
    EXPECT_EQ(patch.code, 1);
    EXPECT_NE(patch.err.find("a native patch has no device"), std::string::npos) << patch.err;
  } else {
    ASSERT_EQ(patch.code, 0) << patch.err;
    ASSERT_EQ(nsw({"link", file_, "br1:br0", "up"}).code, 0);
    EXPECT_EQ(nsw({"status", file_}).code, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CliImpair, ::testing::Values("linux", "ovs"), [](const auto& i) { return i.param; });
