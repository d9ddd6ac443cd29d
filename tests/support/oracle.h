// Oracles for integration tests: run iproute2 / Open vSwitch tools that nswire did not write
// and parse their JSON, so assertions check the real system, not nswire's view of it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nswire::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (no shell) and captures stdout and stderr.
CommandResult run(const std::vector<std::string>& argv);

// Runs a shell command line (test convenience only; the product never shells out).
CommandResult sh(const std::string& command_line);

// Runs argv, fails the test (throws) unless it exits 0, and parses stdout as JSON.
nlohmann::json run_json(const std::vector<std::string>& argv);

// `ip [-n NETNS] -j ARGS...` parsed. netns empty = the current namespace.
nlohmann::json ip_json(const std::string& netns, const std::vector<std::string>& args);

// One link as `ip -j -d link show dev NAME` sees it, or nullopt when it does not exist.
std::optional<nlohmann::json> ip_link(const std::string& netns, const std::string& name);

// Global-scope addresses ("10.1.1.1/24") on a link as `ip -j addr show dev NAME` sees them.
std::vector<std::string> ip_addresses(const std::string& netns, const std::string& name);

// `ip netns list` names.
std::vector<std::string> netns_list();

// `bridge -j link show` parsed (optionally inside netns).
nlohmann::json bridge_links(const std::string& netns = "");

// `ovs-vsctl --format=json ARGS...` (e.g. {"list","Bridge"}) converted to an array of rows, each
// an object column -> value with OVSDB's JSON encoding (["set",[...]], ["map",[...]], ["uuid",..]).
nlohmann::json ovs_rows(const std::vector<std::string>& args);

// Plain `ovs-vsctl ARGS...` stdout, trimmed; throws on a non-zero exit.
std::string ovs_vsctl(const std::vector<std::string>& args);

// Ping from inside netns (or the current one when empty): true when a reply came back within
// timeout_s. It sends every 0.2 s until the first reply, like a user retrying: on OVS's userspace
// datapath the first packet of a new path can be lost while ovs-vswitchd sets the path up.
bool ping(const std::string& netns, const std::string& address, int timeout_s = 2);

}  // namespace nswire::test
