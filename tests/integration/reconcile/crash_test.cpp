// Crash consistency, walked step by step: the product binary is run with its test fault hook
// (include/nswire/reconcile/system.h) killed by SIGKILL at every state-changing step of `up` and of
// `down`, or refused at every step (before it happens, and for a backend's apply after it committed)
// — and after each, the system must converge: the next `up` brings the lab in sync with every
// expectation green, `down` leaves nothing (checked with ip, ovs-vsctl and the file system, not with
// nswire), and a refused `up` leaves the system exactly as it was. A mixed lab: both backends, a
// native patch and a veth patch, a node-to-node link, addresses, routes, DNS, a sysctl, an attached
// namespace. Runs in a sandbox with a private Open vSwitch.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "oracle.h"

using nswire::test::run;

namespace {

const char* kLab = R"(name: crash
bridges:
  lb: { addresses: [10.61.0.1/24, 'fd00:61::1/64'] }
  o1: { backend: ovs }
  o2: { backend: ovs }
links:
  - endpoints: [o1, o2]
  - endpoints: [lb, o1]
  - endpoints: [a:p0, b:p0]
    addresses: [[10.62.0.1/30], [10.62.0.2/30]]
nodes:
  a:
    interfaces:
      eth0: { bridge: lb, addresses: [10.61.0.10/24, 'fd00:61::10/64'] }
    routes:
      - { to: default, via: 10.61.0.1 }
    dns: { nameservers: [10.61.0.1], search: [crash.test] }
    sysctls: { net.ipv4.ip_forward: 1 }
  b:
    interfaces:
      eth0: { bridge: o2, addresses: [10.61.0.11/24] }
  ext:
    attach: { path: /run/netns/ext }
    interfaces:
      eth0: { bridge: o1, addresses: [10.61.0.12/24] }
tests:
  - { mesh: [a, b, ext], expect: reachable }
  - { from: a, to: 10.62.0.2, expect: reachable }
  - { from: a, to: 'fd00:61::1', expect: reachable }
)";

struct Result {
  int code = -1;  // exit code, or 128 + signal
  std::string out, err;
};

// The nswire binary with extra environment (the fault hook's variables).
Result run_nswire(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(NSWIRE_BIN);
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  return {r.exit_code, r.out, r.err};
}

std::string lab_file() {
  static const std::string path = [] {
    char tmpl[] = "/tmp/nswire-crash-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::ofstream(dir + "/crash.yaml") << kLab;
    return dir + "/crash.yaml";
  }();
  return path;
}

// Everything a lab could leave, read with tools nswire did not write: namespaces, links (name and
// kind), OVS bridges, ports and interfaces, /etc/netns, /run/nswire; the attached namespace's links.
std::string snapshot() {
  std::string s;
  for (const auto& n : nswire::test::netns_list()) s += "netns " + n + "\n";
  for (const auto& l : nswire::test::ip_json("", {"-d", "link", "show"}))
    s += "link " + l["ifname"].get<std::string>() + " " + l.value("linkinfo", nlohmann::json::object()).value("info_kind", "") + "\n";
  for (const auto& l : nswire::test::ip_json("ext", {"link", "show"})) s += "ext link " + l["ifname"].get<std::string>() + "\n";
  for (const auto& table : {"Bridge", "Port", "Interface"})
    for (const auto& row : nswire::test::ovs_rows({"--columns=name", "list", table}))
      s += std::string("ovs ") + table + " " + row["name"].dump() + "\n";
  for (const char* dir : {"/etc/netns", "/run/nswire"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) s += "file " + e.path().string() + "\n";
  return s;
}

// The steps a run takes (the hook's log).
std::vector<std::string> steps_of(const std::vector<std::string>& args) {
  std::string log = "/tmp/nswire-crash-steps.log";
  std::filesystem::remove(log);
  auto r = run_nswire(args, {"NSWIRE_TEST_STEP_LOG=" + log});
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::string> steps;
  std::ifstream f(log);
  for (std::string line; std::getline(f, line);) steps.push_back(line);
  return steps;
}

// The lab is up, in sync, and every expectation holds (on `backend`).
void expect_converged(const std::string& after, const std::string& backend) {
  auto status = run_nswire({"status", lab_file(), "--backend", backend});
  EXPECT_EQ(status.code, 0) << after << ": not in sync:\n" << status.out << status.err;
  auto test = run_nswire({"test", lab_file(), "--backend", backend});
  EXPECT_EQ(test.code, 0) << after << ": expectations fail:\n" << test.out << test.err;
}

class Crash : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"ip", "netns", "add", "ext"}).exit_code, 0);
    run({"ip", "-n", "ext", "link", "set", "lo", "up"});
    before_ = snapshot();
  }
  void TearDown() override {
    run_nswire({"down", lab_file()});
    EXPECT_EQ(snapshot(), before_) << "the test left something behind";
    run({"ip", "netns", "del", "ext"});
  }
  std::vector<std::string> with_backend(std::vector<std::string> args) const {
    args.insert(args.end(), {"--backend", GetParam()});
    return args;
  }
  std::string before_;
};

}  // namespace

TEST_P(Crash, AnUpKilledAtAnyStepConvergesOnTheNextUp) {
  auto steps = steps_of(with_backend({"up", lab_file()}));
  ASSERT_GT(steps.size(), 8u);
  ASSERT_EQ(run_nswire({"down", lab_file()}).code, 0);
  ASSERT_EQ(snapshot(), before_);
  for (size_t n = 1; n <= steps.size(); ++n) {
    std::string at = "up killed at step " + steps[n - 1];
    auto killed = run_nswire(with_backend({"up", lab_file()}), {"NSWIRE_TEST_KILL_AT_STEP=" + std::to_string(n)});
    EXPECT_EQ(killed.code, 128 + SIGKILL) << at << ": " << killed.err;
    auto up = run_nswire(with_backend({"up", lab_file()}));
    ASSERT_EQ(up.code, 0) << at << ": the next up fails: " << up.err;
    expect_converged(at, GetParam());
    auto down = run_nswire({"down", lab_file()});
    EXPECT_EQ(down.code, 0) << at << ": " << down.err;
    ASSERT_EQ(snapshot(), before_) << at << ": down left something";
  }
}

TEST_P(Crash, AnUpKilledAtAnyStepIsTakenDownByTheNextDown) {
  auto steps = steps_of(with_backend({"up", lab_file()}));
  ASSERT_EQ(run_nswire({"down", lab_file()}).code, 0);
  for (size_t n = 1; n <= steps.size(); ++n) {
    std::string at = "up killed at step " + steps[n - 1];
    run_nswire(with_backend({"up", lab_file()}), {"NSWIRE_TEST_KILL_AT_STEP=" + std::to_string(n)});
    auto down = run_nswire({"down", lab_file()});
    EXPECT_EQ(down.code, 0) << at << ": " << down.err;
    ASSERT_EQ(snapshot(), before_) << at << ": down left something";
  }
}

TEST_P(Crash, ADownKilledAtAnyStepConvergesOnTheNextUpAndDown) {
  ASSERT_EQ(run_nswire(with_backend({"up", lab_file()})).code, 0);
  auto steps = steps_of({"down", lab_file()});
  ASSERT_GT(steps.size(), 2u);
  for (size_t n = 1; n <= steps.size(); ++n) {
    std::string at = "down killed at step " + steps[n - 1];
    ASSERT_EQ(run_nswire(with_backend({"up", lab_file()})).code, 0) << at;
    auto killed = run_nswire({"down", lab_file()}, {"NSWIRE_TEST_KILL_AT_STEP=" + std::to_string(n)});
    EXPECT_EQ(killed.code, 128 + SIGKILL) << at << ": " << killed.err;
    auto up = run_nswire(with_backend({"up", lab_file()}));
    ASSERT_EQ(up.code, 0) << at << ": the next up fails: " << up.err;
    expect_converged(at, GetParam());
    auto down = run_nswire({"down", lab_file()});
    EXPECT_EQ(down.code, 0) << at << ": " << down.err;
    ASSERT_EQ(snapshot(), before_) << at << ": down left something";
  }
}

// A refusal at any step (and a backend's change that commits, then fails) rolls `up` back to
// exactly what was there.
TEST_P(Crash, AnUpRefusedAtAnyStepLeavesTheSystemExactlyAsItWas) {
  auto steps = steps_of(with_backend({"up", lab_file()}));
  ASSERT_EQ(run_nswire({"down", lab_file()}).code, 0);
  std::vector<std::string> hooks;
  size_t applies = 0;
  for (size_t n = 1; n <= steps.size(); ++n) {
    hooks.push_back("NSWIRE_TEST_FAIL_AT_STEP=" + std::to_string(n));
    if (steps[n - 1].find("apply on") != std::string::npos)
      hooks.push_back("NSWIRE_TEST_FAIL_AFTER_APPLY=" + std::to_string(++applies));
  }
  ASSERT_GE(applies, 2u);  // bridges and ports, on each backend the lab uses
  for (size_t n = 1; n <= hooks.size(); ++n) {
    {
      const auto& hook = hooks[n - 1];
      std::string at = hook;
      auto up = run_nswire(with_backend({"up", lab_file()}), {hook});
      EXPECT_EQ(up.code, 1) << at;
      EXPECT_NE(up.err.find("rolled back"), std::string::npos) << at << ": " << up.err;
      EXPECT_EQ(up.err.find("rollback trouble"), std::string::npos) << at << ": " << up.err;
      ASSERT_EQ(snapshot(), before_) << at << ": not exactly as before";
    }
  }
}

// A switch that dies without cleaning up (ovs-vswitchd killed by SIGKILL, as the embedded one is
// when it does not stop in time) leaves its userspace datapath's device of a lab bridge: a tun
// device of the bridge's name carrying the lab's mark. It is the lab's: down removes it, and up
// makes the bridge in its place instead of refusing it as foreign.
TEST_P(Crash, ADatapathDeviceLeftByADeadSwitchIsTheLabs) {
  auto leftover = [] {
    ASSERT_EQ(run({"ip", "tuntap", "add", "o1", "mode", "tap"}).exit_code, 0);
    ASSERT_EQ(run({"ip", "link", "set", "o1", "alias", "nswire:crash"}).exit_code, 0);
  };
  leftover();
  auto down = run_nswire({"down", lab_file()});
  EXPECT_EQ(down.code, 0) << down.err;
  EXPECT_FALSE(nswire::test::ip_link("", "o1")) << "down left the lab's datapath device";
  leftover();
  auto up = run_nswire(with_backend({"up", lab_file()}));
  ASSERT_EQ(up.code, 0) << up.err;
  expect_converged("up over a datapath device left by a dead switch", GetParam());
  // A tun device that is not the lab's stays, and a bridge of its name is refused.
  ASSERT_EQ(run_nswire({"down", lab_file()}).code, 0);
  ASSERT_EQ(run({"ip", "tuntap", "add", "o1", "mode", "tap"}).exit_code, 0);
  auto refused = run_nswire(with_backend({"up", lab_file()}));
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("\"o1\""), std::string::npos) << refused.err;
  EXPECT_EQ(run_nswire({"down", lab_file()}).code, 0);
  EXPECT_TRUE(nswire::test::ip_link("", "o1")) << "down removed a device that is not the lab's";
  run({"ip", "link", "del", "o1"});
}

INSTANTIATE_TEST_SUITE_P(Backends, Crash, ::testing::Values("linux", "ovs"), [](const auto& i) { return i.param; });
