// `nswire --version` and `nswire version [--json]`: the version, the git revision it was built
// from, the compiler, and the versions of the libraries it was built with (Graphviz's as linked).
#include "common.h"

#include <iostream>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>

#include "nswire/build_info.h"
#include "nswire/render/render.h"
#include "nswire/revision.h"

namespace nswire::cli {
namespace {

// Built with (their packages' versions at configure time), and Graphviz as linked.
std::vector<std::pair<std::string, std::string>> libraries() {
  std::vector<std::pair<std::string, std::string>> all{NSWIRE_LIBRARY_VERSIONS};
  all.emplace_back("Graphviz", render::graphviz_version());
  return all;
}

std::string libraries_text() {
  std::string out;
  for (const auto& [name, version] : libraries()) out += (out.empty() ? "" : ", ") + name + " " + version;
  return out;
}

std::string version_text() {
  return std::string("nswire ") + NSWIRE_VERSION + " (git " + NSWIRE_GIT_REVISION + ")\nbuilt with " + NSWIRE_COMPILER +
         " (" + NSWIRE_BUILD_TYPE + ")\nlibraries: " + libraries_text();
}

int cmd_version(const Common& c) {
  if (c.json) {
    auto libs = libraries();
    std::cout << nlohmann::json{{"version", NSWIRE_VERSION},
                                {"revision", NSWIRE_GIT_REVISION},
                                {"compiler", NSWIRE_COMPILER},
                                {"build_type", NSWIRE_BUILD_TYPE},
                                {"libraries", std::map<std::string, std::string>(libs.begin(), libs.end())}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << version_text() << "\n";
  }
  return kOk;
}

}  // namespace

Verb add_version(CLI::App& app, Common& c) {
  app.set_version_flag("--version", version_text, "print the version, git revision and library versions, then exit");
  auto* cmd = app.add_subcommand("version", "the version, git revision and library versions");
  cmd->add_flag("--json", c.json, "machine-readable output on stdout");
  return {cmd, [&c] { return cmd_version(c); }};
}

}  // namespace nswire::cli
