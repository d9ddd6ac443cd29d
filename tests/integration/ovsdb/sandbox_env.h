// Test helpers for OVSDB integration tests: the sandbox's server address, and a private extra
// ovsdb-server (own database file and socket in NSWIRE_SANDBOX_DIR) that a test may stop and
// restart by its pid.
#pragma once

#include "oracle.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace ovsdb_test {

inline std::string sandbox_ovsdb() {
  const char* v = std::getenv("NSWIRE_OVSDB");
  if (!v) throw std::runtime_error("NSWIRE_OVSDB not set: run inside tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1");
  return v;
}

inline std::string sandbox_dir() {
  const char* v = std::getenv("NSWIRE_SANDBOX_DIR");
  if (!v) throw std::runtime_error("NSWIRE_SANDBOX_DIR not set");
  return v;
}

// An ovsdb-server of our own, serving a fresh Open_vSwitch database, with no ovs-vswitchd.
class OwnServer {
 public:
  explicit OwnServer(const std::string& name)
      : dir_(sandbox_dir()), db_(dir_ + "/" + name + ".db"), sock_(dir_ + "/" + name + ".sock"),
        pidfile_(dir_ + "/" + name + ".pid"), name_(name) {
    auto r = nswire::test::run({"ovsdb-tool", "create", db_, "/usr/share/openvswitch/vswitch.ovsschema"});
    if (r.exit_code != 0) throw std::runtime_error("ovsdb-tool create: " + r.err);
    start();
    auto init = nswire::test::run({"ovs-vsctl", "--db=unix:" + sock_, "--no-wait", "init"});
    if (init.exit_code != 0) throw std::runtime_error("ovs-vsctl init: " + init.err);
  }
  ~OwnServer() { stop(); }

  std::string target() const { return "unix:" + sock_; }
  pid_t pid() const { return pid_; }

  void start() {
    auto r = nswire::test::run({"ovsdb-server", db_, "--remote=punix:" + sock_, "--unixctl=" + dir_ + "/" + name_ + ".ctl",
                                "--pidfile=" + pidfile_, "--detach", "--no-chdir",
                                "--log-file=" + dir_ + "/" + name_ + ".log"});
    if (r.exit_code != 0) throw std::runtime_error("ovsdb-server: " + r.err);
    std::ifstream f(pidfile_);
    f >> pid_;
    if (pid_ <= 0) throw std::runtime_error("ovsdb-server: no pid in " + pidfile_);
  }

  // Stops our server by its pid and waits until it is gone (a daemon's zombie counts as gone:
  // its reaper is not us).
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200 && alive(pid_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (alive(pid_)) ::kill(pid_, SIGKILL);
    pid_ = -1;
  }

  static bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
  }

 private:
  std::string dir_, db_, sock_, pidfile_, name_;
  pid_t pid_ = -1;
};

}  // namespace ovsdb_test
