// nswire: declarative Linux network labs. The command line (docs/design.md): one file per verb
// (verb_*.cpp), each adding its subcommand; everything else is the library's.
#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "common.h"

int main(int argc, char** argv) {
  using namespace nswire::cli;
  CLI::App app{"nswire: declarative Linux network labs (namespaces, veth, Linux bridge or Open vSwitch)"};
  app.require_subcommand(1);
  Common c;
  std::vector<Verb> verbs = {add_validate(app, c), add_plan(app, c), add_up(app, c),   add_down(app, c),
                             add_status(app, c),   add_test(app, c), add_graph(app, c), add_exec(app, c)};
  verbs.push_back(add_capture(app, c));
  verbs.push_back(add_link(app, c));
  verbs.push_back(add_ls(app, c));
  verbs.push_back(add_schema(app, c));
  verbs.push_back(add_version(app, c));
  verbs.push_back(add_completion(app, c));
  CLI11_PARSE(app, argc, argv);
  try {
    for (const auto& v : verbs)
      if (v.command->parsed()) return v.run();
  } catch (const std::exception& e) {
    std::cerr << "nswire: " << e.what() << "\n";
    return kFailed;
  }
  return kFailed;
}
