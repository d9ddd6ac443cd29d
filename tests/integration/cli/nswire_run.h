// Shared by the impairment tests of the nswire command: run it, write lab files, and snapshot what
// a lab could leave in the sandbox's namespace (namespaces, links, OVS bridges, state records).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "oracle.h"

namespace nswire::test {

struct Nswire {
  int code;
  std::string out, err;
  nlohmann::json j() const { return nlohmann::json::parse(out); }
};

inline Nswire run_nswire(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), NSWIRE_BIN);
  if (!env.empty()) {
    args.insert(args.begin(), env.begin(), env.end());
    args.insert(args.begin(), "env");
  }
  auto r = run(args);
  return {r.exit_code, r.out, r.err};
}

inline std::string write_lab(const std::string& name, const std::string& text) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/nswire-impair-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::string path = dir + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

inline std::string system_snapshot() {
  std::string s;
  for (const auto& n : netns_list()) s += "netns " + n + "\n";
  for (const auto& l : ip_json("", {"link", "show"})) s += "link " + l["ifname"].get<std::string>() + "\n";
  s += "ovs " + ovs_vsctl({"list-br"}) + "\n";
  if (std::filesystem::exists("/run/nswire"))
    for (const auto& e : std::filesystem::recursive_directory_iterator("/run/nswire"))
      if (e.path().extension() == ".json") s += "state " + e.path().string() + "\n";
  return s;
}

// A link's root qdisc as `tc -j qdisc show` sees it: {"kind", "handle", "options"}; null when the
// link has none of its own (the kernel's default shows as kind noqueue, handle "0:").
inline nlohmann::json root_qdisc(const std::string& netns, const std::string& dev) {
  std::vector<std::string> argv{"tc"};
  if (!netns.empty()) argv.insert(argv.end(), {"-n", netns});
  argv.insert(argv.end(), {"-j", "qdisc", "show", "dev", dev, "root"});
  for (const auto& q : run_json(argv))
    if (q.value("root", false)) return q;
  return nullptr;
}

}  // namespace nswire::test
