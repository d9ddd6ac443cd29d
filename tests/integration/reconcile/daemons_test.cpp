// Open vSwitch's daemons dying in the middle of a run: ovs-vswitchd SIGKILLed (by its pid) while
// `up` waits for it and while `down` removes the lab, and ovsdb-server killed and started again
// on the same database while `up` runs. Whatever the interrupted run reports, once the daemon is
// back the next `up` converges (status in sync, every expectation green) and `down` leaves
// nothing (ip -j link, ovs-vsctl --format=json list bridge, the netns list). Runs in a sandbox
// with a private Open vSwitch; the daemons this test starts again are its children, killed with
// it (PR_SET_PDEATHSIG) and stopped by pid at the end.
#include <gtest/gtest.h>

#include <iostream>
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "oracle.h"

using nswire::test::run;
using namespace std::chrono_literals;

namespace {

std::string lab_file() {
  static const std::string path = [] {
    char tmpl[] = "/tmp/nswire-daemons-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string text = "name: daemons\nbackend: ovs\nbridges:\n  s0: { addresses: [10.71.0.1/24] }\n  s1: {}\n"
                       "links:\n  - endpoints: [s0, s1]\nnodes:\n";
    for (int i = 0; i < 16; ++i)
      text += "  n" + std::to_string(i) + ": { interfaces: { eth0: { bridge: s" + std::to_string(i % 2) +
              ", addresses: [10.71.0." + std::to_string(i + 10) + "/24] } } }\n";
    text += "tests:\n  - { mesh: [n0, n1, n2, n3], expect: reachable }\n  - { from: n5, to: 10.71.0.1 }\n";
    std::ofstream(dir + "/daemons.yaml") << text;
    return dir + "/daemons.yaml";
  }();
  return path;
}

// What a lab could leave, read with ip and ovs-vsctl (ovs-netdev, the userspace datapath's own
// device, comes and goes with ovs-vswitchd and is not the lab's).
std::string snapshot() {
  std::string s;
  for (const auto& n : nswire::test::netns_list()) s += "netns " + n + "\n";
  for (const auto& l : nswire::test::ip_json("", {"link", "show"}))
    if (l["ifname"] != "ovs-netdev") s += "link " + l["ifname"].get<std::string>() + "\n";
  for (const auto& row : nswire::test::ovs_rows({"--columns=name", "list", "bridge"})) s += "bridge " + row["name"].dump() + "\n";
  return s;
}

bool bridge_row_exists(const std::string& name) {
  auto r = run({"ovs-vsctl", "--timeout=1", "--format=json", "--columns=name", "list", "bridge"});
  return r.exit_code == 0 && r.out.find("\"" + name + "\"") != std::string::npos;
}

// A daemon this test (re)started: its child, killed if the test dies, stopped by pid at the end.
struct Daemon {
  pid_t pid = -1;
  explicit Daemon(std::vector<std::string> argv) {
    pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Daemon() { stop(); }
  void stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }
};

std::string dir() { return std::getenv("NSWIRE_SANDBOX_DIR"); }

std::unique_ptr<Daemon> start_vswitchd() {
  auto d = std::make_unique<Daemon>(std::vector<std::string>{"ovs-vswitchd", "--unixctl=" + dir() + "/vswitchd2.ctl",
                                                             "--pidfile=" + dir() + "/vswitchd2.pid", "--no-chdir",
                                                             "--log-file=" + dir() + "/vswitchd2.log", "-vconsole:off"});
  run({"ovs-vsctl", "--timeout=10", "wait-until", "Open_vSwitch", ".", "cur_cfg>=0"});
  return d;
}

std::unique_ptr<Daemon> start_ovsdb() {
  auto d = std::make_unique<Daemon>(std::vector<std::string>{"ovsdb-server", dir() + "/conf.db",
                                                             "--remote=punix:/var/run/openvswitch/db.sock",
                                                             "--unixctl=" + dir() + "/ovsdb2.ctl",
                                                             "--pidfile=" + dir() + "/ovsdb2.pid", "--no-chdir",
                                                             "--log-file=" + dir() + "/ovsdb2.log", "-vconsole:off"});
  for (int i = 0; i < 100 && run({"ovs-vsctl", "--timeout=1", "show"}).exit_code != 0; ++i) std::this_thread::sleep_for(50ms);
  return d;
}

// `nswire ARGS...` in the background; wait() returns its exit code.
struct Background {
  pid_t pid;
  explicit Background(std::vector<std::string> args) {
    args.insert(args.begin(), NSWIRE_BIN);
    pid = fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      int null = ::open("/dev/null", O_WRONLY);
      dup2(null, 1);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  int wait() {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds limit) {
  for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

// Right after ovsdb-server was restarted, ovs-vswitchd may make a bridge's internal device again
// (down, its address kept): `up` must see that as drift and bring it up, so the probe to s0's own
// address (n5 -> 10.71.0.1, across the patch) is what catches it (it failed so before issue 18's fix).
void expect_converges(const std::string& after) {
  auto up = run({NSWIRE_BIN, "up", lab_file()});
  ASSERT_EQ(up.exit_code, 0) << after << ": the next up fails: " << up.err;
  auto status = run({NSWIRE_BIN, "status", lab_file()});
  EXPECT_EQ(status.exit_code, 0) << after << ": not in sync:\n" << status.out << status.err;
  auto test = run({NSWIRE_BIN, "test", lab_file()});
  EXPECT_EQ(test.exit_code, 0) << after << ": expectations fail:\n" << test.out << test.err;
  auto down = run({NSWIRE_BIN, "down", lab_file()});
  EXPECT_EQ(down.exit_code, 0) << after << ": " << down.err;
}

pid_t env_pid(const char* name) { return static_cast<pid_t>(std::atoi(std::getenv(name))); }

}  // namespace

// One test, in order: the sandbox's daemons are replaced by this test's as it goes.
TEST(Daemons, KilledOrRestartedMidRunTheNextUpConvergesAndDownLeavesNothing) {
  ASSERT_NE(std::getenv("NSWIRE_SANDBOX_VSWITCHD_PID"), nullptr) << "needs the sandbox's private OVS";
  const std::string before = snapshot();
  std::unique_ptr<Daemon> vswitchd, ovsdb;

  // 1. ovs-vswitchd killed while `up` waits for it to apply the bridges.
  {
    Background up({"up", lab_file()});
    ASSERT_TRUE(poll_until([] { return bridge_row_exists("s0"); }, 20s));
    ASSERT_EQ(kill(env_pid("NSWIRE_SANDBOX_VSWITCHD_PID"), SIGKILL), 0);
    int code = up.wait();
    // With no ovs-vswitchd, an up with OVS work to do fails with a clear error naming it (one that
    // finds nothing to do succeeds: the kill came after the last wait).
    auto r = run({NSWIRE_BIN, "up", lab_file()});
    if (r.exit_code != 0) {
      EXPECT_NE(r.err.find("ovs-vswitchd is not running"), std::string::npos)
          << "up with ovs-vswitchd dead (the interrupted up exited " << code << "): " << r.err;
    }
    vswitchd = start_vswitchd();
    expect_converges("ovs-vswitchd killed during up");
    EXPECT_EQ(snapshot(), before) << "after ovs-vswitchd was killed during up";
  }

  // 2. ovs-vswitchd killed while `down` removes the lab.
  {
    ASSERT_EQ(run({NSWIRE_BIN, "up", lab_file()}).exit_code, 0);
    Background down({"down", lab_file()});
    poll_until([] { return !bridge_row_exists("s0"); }, 20s);
    vswitchd.reset();  // SIGTERM then reap: our child; a hard kill is case 1
    int code = down.wait();
    (void)code;
    vswitchd = start_vswitchd();
    expect_converges("ovs-vswitchd stopped during down");
    EXPECT_EQ(snapshot(), before) << "after ovs-vswitchd was stopped during down";
  }
  {
    ASSERT_EQ(run({NSWIRE_BIN, "up", lab_file()}).exit_code, 0);
    Background down({"down", lab_file()});
    poll_until([] { return !bridge_row_exists("s0"); }, 20s);
    ASSERT_EQ(kill(vswitchd->pid, SIGKILL), 0);
    waitpid(vswitchd->pid, nullptr, 0);
    vswitchd->pid = -1;
    down.wait();
    vswitchd = start_vswitchd();
    expect_converges("ovs-vswitchd killed during down");
    EXPECT_EQ(snapshot(), before) << "after ovs-vswitchd was killed during down";
  }

  // 3. ovsdb-server killed and started again on the same database while `up` runs.
  {
    Background up({"up", lab_file()});
    ASSERT_TRUE(poll_until([] { return bridge_row_exists("s0"); }, 20s));
    ASSERT_EQ(kill(env_pid("NSWIRE_SANDBOX_OVSDB_PID"), SIGKILL), 0);
    up.wait();
    ovsdb = start_ovsdb();
    // ovs-vswitchd reconnects to the new server after a backoff (up to seconds): an up in that
    // window fails at once with a clear error naming it and rolls back (exactly that happened
    // here on the first runs), one after it converges.
    auto early = run({NSWIRE_BIN, "up", lab_file()});
    if (early.exit_code != 0) {
      EXPECT_NE(early.err.find("ovs-vswitchd is not running"), std::string::npos) << early.err;
      EXPECT_NE(early.err.find("rolled back"), std::string::npos) << early.err;
    }
    // Back: it holds its lock again and has applied the database as it is now.
    std::string next_cfg = nswire::test::ovs_vsctl({"get", "Open_vSwitch", ".", "next_cfg"});
    auto back = run({"ovs-vsctl", "--timeout=30", "wait-until", "Open_vSwitch", ".", "cur_cfg>=" + next_cfg});
    ASSERT_EQ(back.exit_code, 0) << "ovs-vswitchd did not come back: " << back.err;
    expect_converges("ovsdb-server restarted during up");
    EXPECT_EQ(snapshot(), before) << "after ovsdb-server was restarted during up";
  }
  vswitchd.reset();
  ovsdb.reset();
}
