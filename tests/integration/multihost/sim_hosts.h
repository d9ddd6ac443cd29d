// The simulated hosts of tests/harness/hosts, as a test running in the centre sees them: names,
// the pid to enter, underlay address, ovsdb-server socket; a command run "on" a host (nsenter),
// and a host's namespaces opened for nswire's own code (netlink sockets bound there).
#pragma once

#include <string>
#include <vector>

#include "nswire/netns/namespace.h"
#include "oracle.h"

namespace nswire::test {

struct SimHost {
  std::string name;   // "h1"
  int pid = 0;        // its first process (NSWIRE_HOST_hN_PID)
  std::string ip;     // underlay address, "192.168.100.11"
  std::string ovsdb;  // "unix:PATH" of its ovsdb-server, reachable from the centre

  // Runs argv on the host (its network, mount and pid namespaces), like `hosts --on`.
  CommandResult run(const std::vector<std::string>& argv) const;
  // The same, throwing std::runtime_error with stderr unless it exits 0.
  std::string check(const std::vector<std::string>& argv) const;
  // `ip -j ARGS...` on the host (or in its named namespace `netns`), parsed.
  nlohmann::json ip_json(const std::string& netns, const std::vector<std::string>& args) const;
  // Ping from the host's named namespace `netns`, retrying every 0.2 s until the first reply.
  bool ping(const std::string& netns, const std::string& address, int timeout_s = 3) const;

  // The host's network namespace, and a named namespace inside it (/run/netns/NAME there).
  netns::Namespace net() const;
  netns::Namespace named(const std::string& netns) const;
};

// Every host of the harness (NSWIRE_HOSTS); throws when the test runs without it.
std::vector<SimHost> sim_hosts();

}  // namespace nswire::test
