// `nswire graph`: the topology as Graphviz DOT or Mermaid text.
#include "common.h"

#include <cstdio>
#include <iostream>

#include "nswire/model/graph.h"

namespace nswire::cli {
namespace {

int cmd_graph(const Common& c, const std::string& format) {
  auto lab = load(c);
  if (!lab) return kInvalid;
  std::cout << (format == "mermaid" ? model::to_mermaid(*lab) : model::to_dot(*lab));
  return kOk;
}

}  // namespace

Verb add_graph(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("graph", "topology as Graphviz DOT or Mermaid");
  add_common(cmd, c);
  static std::string format = "dot";
  cmd->add_option("--format", format, "dot | mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  return {cmd, [&c] { return cmd_graph(c, format); }};
}

}  // namespace nswire::cli
