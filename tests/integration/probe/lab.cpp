// See lab.h.
#include "lab.h"

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "oracle.h"

namespace nswire::test {

Lab::~Lab() {
  handles_.clear();
  for (const auto& n : namespaces_) run({"ip", "netns", "delete", n});
  for (const auto& l : links_) run({"ip", "link", "delete", l});
}

void Lab::must(const std::string& script) {
  auto r = sh("set -e\n" + script);
  if (r.exit_code != 0) throw std::runtime_error("lab setup failed (" + std::to_string(r.exit_code) + "): " + r.err);
}

void Lab::add_namespace(const std::string& name) {
  must("ip netns add " + name + "\nip -n " + name + " link set lo up");
  namespaces_.push_back(name);
}

void Lab::remember_link(const std::string& name) { links_.push_back(name); }

void Lab::wait_ipv6_ready(const std::vector<std::pair<std::string, std::string>>& devices) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (const auto& [ns, dev] : devices) {
    while (run({"ip", "-n", ns, "-6", "-o", "addr", "show", "dev", dev, "scope", "link"}).out.empty()) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("IPv6 never came up on " + dev + " in " + ns);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling interval, not a settle delay
    }
  }
}

const netns::Namespace& Lab::ns(const std::string& name) {
  auto it = handles_.find(name);
  if (it == handles_.end()) it = handles_.emplace(name, netns::Namespace::open_named(name)).first;
  return it->second;
}

long in_echos(const std::string& ns, bool ipv6) {
  auto r = run({"ip", "netns", "exec", ns, "cat", ipv6 ? "/proc/net/snmp6" : "/proc/net/snmp"});
  if (r.exit_code != 0) throw std::runtime_error("cannot read snmp counters of " + ns + ": " + r.err);
  std::istringstream in(r.out);
  std::string line;
  if (ipv6) {
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string key;
      long value = 0;
      if (fields >> key >> value && key == "Icmp6InEchos") return value;
    }
    throw std::runtime_error("no Icmp6InEchos in /proc/net/snmp6");
  }
  // Two "Icmp:" lines: names, then values.
  std::vector<std::string> names;
  while (std::getline(in, line)) {
    if (line.rfind("Icmp: ", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    if (names.empty()) {
      for (std::string n; fields >> n;) names.push_back(n);
      continue;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      long v = 0;
      fields >> v;
      if (names[i] == "InEchos") return v;
    }
  }
  throw std::runtime_error("no Icmp InEchos in /proc/net/snmp");
}

}  // namespace nswire::test
