// nswire: declarative Linux network labs. The command line (docs/design.md): one file per verb
// (verb_*.cpp), each adding its subcommand, listed in app.cpp; everything else is the library's.
#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "common.h"

int main(int argc, char** argv) {
  using namespace nswire::cli;
  CLI::App app;
  Common c;
  std::vector<Verb> verbs = build_app(app, c);
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
