// The whole command line of nswire, built without running anything: every verb's subcommand and
// flags on one CLI11 app. main.cpp parses argv with it and runs the verb that parsed; the fuzz
// target cli_args_fuzz parses random argv with it and runs nothing.
#include "common.h"

namespace nswire::cli {

std::vector<Verb> build_app(CLI::App& app, Common& c) {
  app.description("nswire: declarative Linux network labs (namespaces, veth, Linux bridge or Open vSwitch)");
  app.require_subcommand(1);
  std::vector<Verb> verbs = {add_validate(app, c), add_plan(app, c), add_up(app, c),   add_down(app, c),
                             add_status(app, c),   add_test(app, c), add_graph(app, c), add_exec(app, c)};
  verbs.push_back(add_capture(app, c));
  verbs.push_back(add_link(app, c));
  verbs.push_back(add_ls(app, c));
  verbs.push_back(add_schema(app, c));
  verbs.push_back(add_version(app, c));
  verbs.push_back(add_completion(app, c));
  return verbs;
}

}  // namespace nswire::cli
