// With no ovsdb-server answering, the OVS backend starts nswire's embedded Open vSwitch, and
// stop_embedded() leaves no process, socket or database file behind. Runs in a sandbox whose
// /run/nswire and /var/run/openvswitch are private and empty.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "../../../src/backend/ovs/embedded.h"
#include "nswire/backend/registry.h"
#include "oracle.h"

using namespace nswire::backend;

namespace {
// Still running: it exists and has not exited. An exited daemon nobody has reaped yet (the
// sandbox's first process does not reap orphans) is a zombie, state 'Z', and has stopped.
bool running(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}
}  // namespace

TEST(EmbeddedOvs, StartsWhenNothingAnswersAndLeavesNothingWhenStopped) {
  unsetenv("NSWIRE_OVSDB");
  ASSERT_FALSE(ovs::embedded_running());
  auto backend = make_backend("ovs", {.lab = "emb"});
  backend->apply({.ensure_bridges = {{.name = "embr0"}}});
  EXPECT_TRUE(ovs::embedded_running());
  // ovs-vsctl sees the bridge through the embedded server's socket.
  auto r = nswire::test::run({"ovs-vsctl", "--db=" + ovs::embedded_endpoint(), "list-br"});
  EXPECT_EQ(r.out, "embr0\n");
  EXPECT_TRUE(nswire::test::ip_link("", "embr0"));

  auto pid_of = [](const char* file) {
    std::ifstream f(std::string(ovs::kEmbeddedDir) + "/" + file);
    pid_t pid = 0;
    f >> pid;
    return pid;
  };
  pid_t vswitchd = pid_of("ovs-vswitchd.pid"), server = pid_of("ovsdb-server.pid");
  ASSERT_GT(vswitchd, 0);
  ASSERT_GT(server, 0);
  backend->apply({.remove_bridges = {"embr0"}});
  backend.reset();
  ovs::stop_embedded();
  EXPECT_FALSE(ovs::embedded_running());
  EXPECT_FALSE(running(vswitchd)) << "ovs-vswitchd still running";
  EXPECT_FALSE(running(server)) << "ovsdb-server still running";
  EXPECT_FALSE(std::filesystem::exists(ovs::kEmbeddedDir));
}

TEST(EmbeddedOvs, DatapathAutoPicksNetdevWithoutTheKernelModule) {
  bool module = access("/sys/module/openvswitch", F_OK) == 0;
  EXPECT_EQ(ovs::resolve_datapath("auto"), module ? "system" : "netdev");
  EXPECT_EQ(ovs::resolve_datapath("netdev"), "netdev");
  EXPECT_THROW(ovs::resolve_datapath("fast"), nswire::Error);
}
