// `nswire exec`: a command inside a node's namespace, with its resolv.conf.
#include "common.h"

#include <cstdio>
#include <iostream>

#include "nswire/netns/namespace.h"

namespace nswire::cli {
namespace {

int cmd_exec(const Common& c, const std::string& node, const std::vector<std::string>& command) {
  auto lab = load(c, false);
  if (!lab) return kInvalid;
  const model::Node* n = model::find_node(*lab, node);
  if (!n) {
    std::cerr << "nswire: exec: no node \"" << node << "\" in lab \"" << lab->name << "\"\n";
    return kInvalid;
  }
  if (n->attach.kind != model::AttachKind::none) {
    std::cerr << "nswire: exec: node \"" << node << "\" is an attached namespace; use nsenter on its process\n";
    return kInvalid;
  }
  return netns::exec(node, command);
}

}  // namespace

Verb add_exec(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("exec", "run a command inside a node's namespace");
  add_common(cmd, c);
  static std::string node;
  static std::vector<std::string> command;
  cmd->add_option("NODE", node, "node name")->required();
  cmd->add_option("CMD", command, "command and arguments (after --)")->required();
  return {cmd, [&c] { return cmd_exec(c, node, command); }};
}

}  // namespace nswire::cli
