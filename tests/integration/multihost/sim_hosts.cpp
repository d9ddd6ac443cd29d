// Simulated hosts from the harness's environment; see sim_hosts.h.
#include "sim_hosts.h"

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace nswire::test {
namespace {

std::string env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) throw std::runtime_error(name + " not set: run inside tests/harness/hosts");
  return v;
}

}  // namespace

CommandResult SimHost::run(const std::vector<std::string>& argv) const {
  std::vector<std::string> full = {"nsenter", "-t", std::to_string(pid), "-n", "-m", "-p", "--wd=/", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return nswire::test::run(full);
}

std::string SimHost::check(const std::vector<std::string>& argv) const {
  auto r = run(argv);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    throw std::runtime_error(name + ": " + cmd + ": exit " + std::to_string(r.exit_code) + ": " + r.err);
  }
  return r.out;
}

nlohmann::json SimHost::ip_json(const std::string& netns, const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"ip"};
  if (!netns.empty()) argv.insert(argv.end(), {"-n", netns});
  argv.push_back("-j");
  argv.insert(argv.end(), args.begin(), args.end());
  return nlohmann::json::parse(check(argv));
}

bool SimHost::ping(const std::string& netns, const std::string& address, int timeout_s) const {
  auto r = run({"ip", "netns", "exec", netns, "ping", "-c", "1", "-i", "0.2", "-w", std::to_string(timeout_s), "-q", address});
  return r.exit_code == 0;
}

netns::Namespace SimHost::net() const { return netns::Namespace::of_pid(pid); }

netns::Namespace SimHost::named(const std::string& netns) const {
  return netns::Namespace::open_path("/proc/" + std::to_string(pid) + "/root/run/netns/" + netns);
}

std::vector<SimHost> sim_hosts() {
  std::vector<SimHost> out;
  std::istringstream names(env("NSWIRE_HOSTS"));
  for (std::string name; names >> name;) {
    std::string prefix = "NSWIRE_HOST_" + name + "_";
    out.push_back({name, std::stoi(env(prefix + "PID")), env(prefix + "IP"), env(prefix + "OVSDB")});
  }
  return out;
}

}  // namespace nswire::test
