// `nswire up/plan/status/down/test/exec` end to end on the real kernel and a real Open vSwitch,
// on both backends, checked with tools nswire did not write (ip, bridge, ovs-vsctl, ping).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "oracle.h"

using nlohmann::json;
using nswire::test::ip_addresses;
using nswire::test::ip_json;
using nswire::test::netns_list;
using nswire::test::ping;
using nswire::test::run;

namespace {

struct Nswire {
  int code;
  std::string out, err;
  json j() const { return json::parse(out); }
};

Nswire run_nswire(std::vector<std::string> args) {
  args.insert(args.begin(), NSWIRE_BIN);
  auto r = run(args);
  return {r.exit_code, r.out, r.err};
}

std::string write_lab(const std::string& name, const std::string& text) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/nswire-cli-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::string path = dir + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

// Everything in the sandbox's own namespace that a lab could have left.
std::string system_snapshot() {
  std::string s;
  for (const auto& n : netns_list()) s += "netns " + n + "\n";
  for (const auto& l : ip_json("", {"link", "show"})) s += "link " + l["ifname"].get<std::string>() + "\n";
  s += "ovs " + nswire::test::ovs_vsctl({"list-br"}) + "\n";
  for (const auto& e : std::filesystem::directory_iterator("/run/nswire"))
    s += "state " + e.path().string() + "\n";
  return s;
}

const char* kLab = R"(name: cli1
backend: linux
bridges:
  br0: { addresses: [10.0.2.1/24, fd00:2::1/64] }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24, fd00:2::100/64] }
    routes:
      - { to: default, via: 10.0.2.1 }
    dns: { nameservers: [10.0.2.1], search: [lab.test] }
  red:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.101/24], mtu: 1400 }
tests:
  - { mesh: [blue, red], expect: reachable }
  - { from: blue, to: fd00:2::1, expect: reachable }
  - { from: red, to: 10.0.3.9, expect: unreachable, timeout_ms: 300 }
)";

std::vector<std::string> host_veths(const std::string& lab) {
  std::vector<std::string> names;
  for (const auto& l : ip_json("", {"-d", "link", "show", "type", "veth"}))
    if (l.value("ifalias", "").rfind("nswire:" + lab, 0) == 0) names.push_back(l["ifname"]);
  return names;
}

class Cli : public ::testing::TestWithParam<std::string> {
 protected:
  std::string backend() const { return GetParam(); }
  Nswire nsw(std::vector<std::string> args) {
    args.push_back("--backend");
    args.push_back(backend());
    return run_nswire(args);
  }
  void SetUp() override { before_ = system_snapshot(); }
  void TearDown() override { EXPECT_EQ(system_snapshot(), before_) << "the test left something behind"; }
  std::string before_;
};

}  // namespace

TEST_P(Cli, UpIsIdempotentAppliesOnlyEditsAndDownLeavesNothing) {
  auto file = write_lab("cli1", kLab);
  auto up = nsw({"up", file, "--json"});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_GT(up.j()["actions"].size(), 10u);

  // The system, as ip / bridge / ovs-vsctl see it.
  auto names = netns_list();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"blue", "red"}));
  EXPECT_EQ(ip_addresses("blue", "eth0"), (std::vector<std::string>{"10.0.2.100/24", "fd00:2::100/64"}));
  EXPECT_EQ(ip_addresses("", "br0"), (std::vector<std::string>{"10.0.2.1/24", "fd00:2::1/64"}));
  EXPECT_EQ((*nswire::test::ip_link("red", "eth0"))["mtu"], 1400);
  auto routes = ip_json("blue", {"route", "show", "default"});
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0]["gateway"], "10.0.2.1");
  // Host ends carry the lab's mark and say where they come from.
  std::vector<std::string> aliases;
  for (const auto& l : ip_json("", {"-d", "link", "show", "type", "veth"})) aliases.push_back(l.value("ifalias", ""));
  std::sort(aliases.begin(), aliases.end());
  EXPECT_EQ(aliases, (std::vector<std::string>{"nswire:cli1 node blue interface eth0", "nswire:cli1 node red interface eth0"}));
  EXPECT_EQ(run({"ip", "netns", "exec", "blue", "cat", "/etc/resolv.conf"}).out,
            "# written by nswire\nsearch lab.test\nnameserver 10.0.2.1\n");
  if (backend() == "ovs") {
    auto ports = nswire::test::ovs_vsctl({"list-ports", "br0"});
    EXPECT_EQ(std::count(ports.begin(), ports.end(), '\n'), 1) << ports;
  } else {
    int enslaved = 0;
    for (const auto& l : nswire::test::bridge_links()) enslaved += l.value("master", "") == "br0";
    EXPECT_EQ(enslaved, 2);
  }
  EXPECT_TRUE(ping("blue", "10.0.2.101"));
  EXPECT_TRUE(ping("blue", "10.0.2.1"));

  auto test = nsw({"test", file, "--json"});
  EXPECT_EQ(test.code, 0) << test.out << test.err;
  EXPECT_EQ(test.j()["failed"], 0);

  // In sync: nothing to do, and status agrees.
  auto again = nsw({"up", file, "--json"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(again.j()["actions"].empty()) << again.out;
  EXPECT_EQ(nsw({"status", file}).code, 0);

  // Edit: a new node, red's address changed, blue's DNS dropped. Only that is planned.
  std::string edited = kLab;
  edited.replace(edited.find("10.0.2.101/24"), 13, "10.0.2.102/24");
  edited.replace(edited.find("    dns: { nameservers: [10.0.2.1], search: [lab.test] }\n"), 57, "");
  edited.replace(edited.find("tests:"), 6,
                 "  green:\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.2.103/24] }\ntests:");
  write_lab("cli1", edited);
  auto plan = nsw({"plan", file, "--json"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  std::vector<std::string> planned;
  const json plan_json = plan.j();
  for (const auto& a : plan_json["actions"]) planned.push_back(a["op"].get<std::string>() + " " + a["kind"].get<std::string>() + " " + a["object"].get<std::string>());
  std::sort(planned.begin(), planned.end());
  std::vector<std::string> expected = {"create address 10.0.2.102/24 on red:eth0", "create address 10.0.2.103/24 on green:eth0",
                                       "create namespace green", "remove address 10.0.2.101/24 on red:eth0",
                                       "remove dns /etc/netns/blue/resolv.conf"};
  for (const auto& e : expected) EXPECT_NE(std::find(planned.begin(), planned.end(), e), planned.end()) << e << "\n" << plan.out;
  for (const auto& p : planned)  // besides those: green's veth and port, nothing else
    EXPECT_TRUE(std::find(expected.begin(), expected.end(), p) != expected.end() || p.find("green") != std::string::npos)
        << "unexpected action: " << p;
  ASSERT_EQ(nsw({"up", file}).code, 0);
  EXPECT_EQ(ip_addresses("red", "eth0"), std::vector<std::string>{"10.0.2.102/24"});
  EXPECT_TRUE(ping("green", "10.0.2.102"));
  EXPECT_FALSE(std::filesystem::exists("/etc/netns/blue/resolv.conf"));
  EXPECT_TRUE(nsw({"plan", file, "--json"}).j()["actions"].empty());

  auto down = nsw({"down", file});
  EXPECT_EQ(down.code, 0) << down.err;
  EXPECT_EQ(nsw({"down", file}).code, 0) << "down is idempotent";
}

TEST_P(Cli, FailedUpRollsBackToExactlyWhatWasThere) {
  // A gateway outside every subnet is only a warning for the validator; the kernel refuses it
  // at the very last step, after namespaces, veths, bridges and addresses were made.
  std::string lab = kLab;
  lab.replace(lab.find("via: 10.0.2.1"), 13, "via: 10.9.9.9");
  auto file = write_lab("cli-rollback", lab);
  auto up = nsw({"up", file});
  EXPECT_EQ(up.code, 1);
  EXPECT_NE(up.err.find("up failed: add route default via 10.9.9.9"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("rolled back"), std::string::npos) << up.err;
  // TearDown checks the system is exactly as before.
}

TEST_P(Cli, DriftIsReportedAndRepaired) {
  auto file = write_lab("cli-drift", kLab);
  ASSERT_EQ(nsw({"up", file}).code, 0);
  auto veths = host_veths("cli1");
  ASSERT_EQ(veths.size(), 2u);
  ASSERT_EQ(run({"ip", "link", "del", veths[0]}).exit_code, 0);  // behind nswire's back
  ASSERT_EQ(run({"ip", "-n", "red", "addr", "flush", "dev", "eth0", "scope", "global"}).exit_code, 0);
  auto status = nsw({"status", file, "--json"});
  EXPECT_EQ(status.code, 3);
  EXPECT_FALSE(status.j()["in_sync"]);
  EXPECT_NE(status.out.find(veths[0]), std::string::npos) << status.out;
  // Desired vs live per object: exactly the broken veth, its port, and red's flushed address
  // drift; every other object is as wanted.
  std::vector<std::string> bad;
  size_t ok = 0;
  const json report = status.j();  // kept: iterating a member of a temporary would dangle
  for (const auto& o : report["objects"]) {
    if (o["ok"].get<bool>()) ++ok;
    else bad.push_back(o["kind"].get<std::string>() + " " + o["object"].get<std::string>() + ": " + o["live"].get<std::string>());
  }
  std::string listed;
  for (const auto& b : bad) listed += "\n  " + b;
  EXPECT_GE(ok, 5u) << listed;
  bool veth_row = false, address_row = false;
  for (const auto& b : bad) {
    veth_row |= b.rfind("veth " + veths[0], 0) == 0 && b.find(veths[0] + " missing") != std::string::npos;
    address_row |= b.find("address") == 0 && b.find("on red:eth0: missing") != std::string::npos;
  }
  EXPECT_TRUE(veth_row) << listed;
  EXPECT_TRUE(address_row) << listed;
  ASSERT_EQ(nsw({"up", file}).code, 0);
  auto repaired = nsw({"status", file, "--json"});
  EXPECT_EQ(repaired.code, 0);
  const json after = repaired.j();
  EXPECT_FALSE(after["objects"].empty());
  for (const auto& o : after["objects"]) EXPECT_TRUE(o["ok"].get<bool>()) << o.dump();
  auto test = nsw({"test", file});
  EXPECT_EQ(test.code, 0) << test.out << test.err;
  EXPECT_EQ(nsw({"down", file}).code, 0);
}

// A bridge's own device taken down behind nswire's back (or made again down by ovs-vswitchd after
// an ovsdb-server restart, issue 18) is drift on either backend: status says so, `up` brings it up
// (ip -j link as the oracle) and the probe to the bridge's own address passes again.
TEST_P(Cli, ABridgeDeviceTakenDownIsDriftAndUpBringsItUp) {
  auto file = write_lab("cli-bridge-down", kLab);
  ASSERT_EQ(nsw({"up", file}).code, 0);
  ASSERT_EQ(run({"ip", "link", "set", "br0", "down"}).exit_code, 0);
  auto status = nsw({"status", file, "--json"});
  EXPECT_EQ(status.code, 3);
  bool row = false;
  const json report = status.j();
  for (const auto& o : report["objects"])
    row |= o["kind"] == "bridge" && o["object"] == "br0" && !o["ok"].get<bool>() &&
           o["live"].get<std::string>().find("device down") != std::string::npos;
  EXPECT_TRUE(row) << status.out;
  // The bridge comes up; the kernel dropped its IPv6 address with the link (keep_addr_on_down
  // is 0), which comes back too. Nothing else changes.
  auto plan = nsw({"plan", file, "--json"}).j()["actions"];
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan[0]["kind"], "bridge");
  EXPECT_EQ(plan[0]["detail"], "device up") << plan.dump();
  for (size_t i = 1; i < plan.size(); ++i)
    EXPECT_EQ(plan[i]["object"], "fd00:2::1/64 on br0") << plan.dump();
  EXPECT_EQ(nsw({"up", file}).code, 0);
  auto l = nswire::test::ip_link("", "br0");
  bool up = false;
  if (l)
    for (const auto& f : (*l)["flags"]) up |= f == "UP";
  EXPECT_TRUE(up) << (l ? l->dump() : "no br0");
  EXPECT_EQ(nsw({"status", file}).code, 0);
  auto test = nsw({"test", file});
  EXPECT_EQ(test.code, 0) << test.out << test.err;
  EXPECT_EQ(nsw({"down", file}).code, 0);
}

TEST_P(Cli, ForeignObjectsAreNeverAdopted) {
  ASSERT_EQ(run({"ip", "netns", "add", "blue"}).exit_code, 0);
  auto file = write_lab("cli-foreign", kLab);
  auto up = nsw({"up", file});
  EXPECT_EQ(up.code, 1);
  EXPECT_NE(up.err.find("namespace \"blue\" already exists and was not created by lab \"cli1\""), std::string::npos) << up.err;
  EXPECT_EQ(netns_list(), std::vector<std::string>{"blue"});
  EXPECT_EQ(nsw({"down", file}).code, 0);
  EXPECT_EQ(netns_list(), std::vector<std::string>{"blue"}) << "down removed a foreign namespace";
  run({"ip", "netns", "del", "blue"});
}

TEST_P(Cli, ExecRunsInTheNodeWithItsResolvConf) {
  auto file = write_lab("cli-exec", kLab);
  ASSERT_EQ(nsw({"up", file}).code, 0);
  auto r = run_nswire({"exec", file, "blue", "--", "cat", "/etc/resolv.conf"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("nameserver 10.0.2.1"), std::string::npos) << r.out;
  EXPECT_EQ(run_nswire({"exec", file, "blue", "--", "sh", "-c", "exit 5"}).code, 5);
  EXPECT_EQ(run_nswire({"exec", file, "nosuch", "--", "true"}).code, 2);
  EXPECT_EQ(nsw({"down", file}).code, 0);
}

// `stp: true` is applied on either backend (OVS: Bridge.stp_enable; Linux: IFLA_BR_STP_STATE),
// observed back (status in sync), and turned off again by an edit.
TEST_P(Cli, StpIsAppliedObservedAndChanged) {
  const std::string lab = "name: cli-stp\nbridges:\n  br0: { stp: true }\nnodes:\n  a: { interfaces: { eth0: { bridge: br0 } } }\n";
  auto file = write_lab("cli-stp", lab);
  auto stp_on = [&] {
    if (backend() == "ovs") return nswire::test::ovs_vsctl({"get", "Bridge", "br0", "stp_enable"}) == "true";
    auto l = nswire::test::ip_link("", "br0");
    return l && (*l)["linkinfo"]["info_data"]["stp_state"].get<int>() != 0;
  };
  ASSERT_EQ(nsw({"up", file}).code, 0);
  EXPECT_TRUE(stp_on());
  EXPECT_EQ(nsw({"status", file}).code, 0);
  EXPECT_TRUE(nsw({"plan", file, "--json"}).j()["actions"].empty());
  std::string off = lab;
  off.replace(off.find("stp: true"), 9, "stp: false");
  write_lab("cli-stp", off);
  auto plan = nsw({"plan", file, "--json"}).j()["actions"];
  ASSERT_EQ(plan.size(), 1u) << plan.dump();
  EXPECT_EQ(plan[0]["op"], "modify");
  EXPECT_EQ(plan[0]["kind"], "bridge");
  EXPECT_EQ(plan[0]["detail"], "STP off");
  EXPECT_EQ(nsw({"status", file}).code, 3) << "a bridge whose STP differs is drift, and status says so";
  ASSERT_EQ(nsw({"up", file}).code, 0);
  EXPECT_FALSE(stp_on());
  EXPECT_EQ(nsw({"status", file}).code, 0);
  EXPECT_EQ(nsw({"down", file}).code, 0);
}

// Both sysctl(8) spellings work end to end: the slash form names interfaces with a dot in their
// name as written, the dot form through '/' standing for that dot.
TEST_P(Cli, SysctlsInBothSpellingsAreAppliedAndInSync) {
  auto file = write_lab("cli-sysctl", R"(name: cli-sysctl
bridges:
  br0: {}
nodes:
  blue:
    interfaces:
      eth0.5: { bridge: br0, addresses: [10.0.5.1/24] }
    sysctls:
      net/ipv4/conf/eth0.5/forwarding: 1
      net.ipv4.conf.eth0/5.rp_filter: 2
      net.ipv4.ip_forward: 1
)");
  auto up = nsw({"up", file});
  ASSERT_EQ(up.code, 0) << up.err;
  auto read = [](const std::string& path) { return run({"ip", "netns", "exec", "blue", "cat", path}).out; };
  EXPECT_EQ(read("/proc/sys/net/ipv4/conf/eth0.5/forwarding"), "1\n");
  EXPECT_EQ(read("/proc/sys/net/ipv4/conf/eth0.5/rp_filter"), "2\n");
  EXPECT_EQ(read("/proc/sys/net/ipv4/ip_forward"), "1\n");
  EXPECT_EQ(nsw({"status", file}).code, 0) << "observed back under the same keys";
  EXPECT_TRUE(nsw({"plan", file, "--json"}).j()["actions"].empty());
  EXPECT_EQ(nsw({"down", file}).code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, Cli, ::testing::Values("linux", "ovs"), [](const auto& i) { return i.param; });

TEST(CliSwap, ABridgeMovesBetweenBackendsByOneWord) {
  auto before = system_snapshot();
  auto file = write_lab("cli-swap", kLab);
  ASSERT_EQ(run_nswire({"up", file, "--backend", "linux"}).code, 0);
  EXPECT_TRUE(nswire::test::ovs_vsctl({"list-br"}).empty());
  auto swap = run_nswire({"up", file, "--backend", "ovs", "--json"});
  ASSERT_EQ(swap.code, 0) << swap.err;
  EXPECT_EQ(nswire::test::ovs_vsctl({"list-br"}), "br0");
  EXPECT_EQ(run_nswire({"test", file, "--backend", "ovs"}).code, 0);
  EXPECT_TRUE(run_nswire({"up", file, "--backend", "ovs", "--json"}).j()["actions"].empty());
  EXPECT_EQ(run_nswire({"down", file}).code, 0);
  EXPECT_EQ(system_snapshot(), before);
}

TEST(CliValidate, BadFilesExitTwoAndTouchNothing) {
  auto before = system_snapshot();
  std::string lab = kLab;
  lab.replace(lab.find("10.0.2.100/24"), 13, "10.0.2.300/24");
  auto file = write_lab("cli-bad", lab);
  for (const char* verb : {"validate", "plan", "up", "status", "test"}) {
    auto r = run_nswire({verb, file});
    EXPECT_EQ(r.code, 2) << verb;
    EXPECT_NE(r.err.find("cli-bad.yaml:8:40: node \"blue\": interface \"eth0\": bad address"), std::string::npos) << verb << ": " << r.err;
    EXPECT_NE(r.err.find("10.0.2.300/24"), std::string::npos) << r.err;
  }
  EXPECT_EQ(system_snapshot(), before);
}

TEST(CliLock, ASecondRunOnTheSameLabFailsClearlyWithNoWait) {
  auto file = write_lab("cli-lock", kLab);
  std::filesystem::create_directories("/run/nswire/labs");
  pid_t holder = fork();
  if (holder == 0) {  // holds the lab's lock itself, so killing it releases the lock
    int fd = open("/run/nswire/labs/cli1.lock", O_RDWR | O_CREAT, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) _exit(1);
    execlp("sleep", "sleep", "30", nullptr);
    _exit(127);
  }
  // Wait until the lock is held (the event, bounded), then try.
  for (int i = 0; i < 500 && run({"flock", "-n", "/run/nswire/labs/cli1.lock", "true"}).exit_code == 0; ++i) usleep(10000);
  auto r = run_nswire({"up", file, "--no-wait"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("lab \"cli1\" is busy"), std::string::npos) << r.err;
  kill(holder, SIGTERM);
  waitpid(holder, nullptr, 0);
  EXPECT_EQ(run_nswire({"down", file}).code, 0);
}

namespace {

std::string big_lab(int nodes, const std::string& backend) {
  std::string s = "name: killed\nbackend: " + backend + "\nbridges:\n  br0: { addresses: [10.44.0.1/16] }\nnodes:\n";
  for (int i = 1; i <= nodes; ++i)
    s += "  k" + std::to_string(i) + ": { interfaces: { eth0: { bridge: br0, addresses: [10.44.0." + std::to_string(i + 1) +
         "/16] } }, routes: [{ to: default, via: 10.44.0.1 }], dns: { nameservers: [10.44.0.1] } }\n";
  s += "tests:\n  - { mesh: [k1, k2, k3], expect: reachable }\n";
  return s;
}

// Starts `nswire up FILE`, kills it with SIGKILL after `delay_us`.
void up_and_kill(const std::string& file, useconds_t delay_us) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl(NSWIRE_BIN, NSWIRE_BIN, "up", file.c_str(), nullptr);
    _exit(127);
  }
  usleep(delay_us);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

// DESIGN: after a kill -9 at any moment, the next up or down converges.
TEST_P(Cli, AKilledUpConvergesOnTheNextDownOrUp) {
  auto before = system_snapshot();
  auto file = write_lab("killed", big_lab(30, backend()));
  for (useconds_t delay : {2000u, 10000u, 30000u, 80000u, 200000u}) {
    up_and_kill(file, delay);
    auto down = run_nswire({"down", file});
    EXPECT_EQ(down.code, 0) << "after a kill at " << delay << " us: " << down.err;
    EXPECT_EQ(system_snapshot(), before) << "after a kill at " << delay << " us, down left something";
  }
  for (useconds_t delay : {5000u, 50000u}) {
    up_and_kill(file, delay);
    auto up = run_nswire({"up", file});
    EXPECT_EQ(up.code, 0) << "after a kill at " << delay << " us: " << up.err;
    EXPECT_EQ(run_nswire({"test", file}).code, 0);
    EXPECT_TRUE(run_nswire({"plan", file, "--json"}).j()["actions"].empty());
    EXPECT_EQ(run_nswire({"down", file}).code, 0);
    EXPECT_EQ(system_snapshot(), before);
  }
}
