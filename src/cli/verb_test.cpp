// `nswire test`: the lab's connectivity expectations, as a table, JSON or JUnit.
#include "common.h"

#include <cstdio>
#include <iostream>

#include <fstream>

#include "nswire/probe/report.h"
#include "nswire/reconcile/connectivity.h"
#include "progress.h"

namespace nswire::cli {
namespace {

using nlohmann::json;

int cmd_test(const Common& c, const std::string& junit) {
  auto lab = load(c, false);
  if (!lab) return kInvalid;
  ProgressBar bar("test", !c.json);
  auto session = make_session(c, *lab, &bar);
  auto start = std::chrono::steady_clock::now();
  std::vector<probe::Outcome> outcomes;
  try {
    reconcile::ProgressSteps steps;
    if (bar.enabled()) steps = [&bar](const reconcile::ProgressStep& s) { bar.step(s); };
    outcomes = reconcile::run_tests(session, steps);
    bar.clear();
  } catch (const std::exception& e) {
    bar.clear();
    std::cerr << "nswire: test: " << e.what() << "\n";
    return kFailed;
  }
  double secs = seconds_since(start);
  auto summary = probe::summarize(outcomes);
  if (!junit.empty()) {
    std::ofstream f(junit);
    f << probe::to_junit(outcomes, {.suite = lab->name, .time = std::chrono::duration<double>(secs)});
    if (!f) {
      std::cerr << "nswire: cannot write " << junit << "\n";
      return kFailed;
    }
  }
  std::vector<std::string> causes;  // what can explain the failures (hints.h)
  if (summary.failed) {
    try {
      causes = reconcile::failure_causes(session, outcomes);
    } catch (const std::exception& e) {
      causes.push_back(std::string("(no hints: ") + e.what() + ")");
    }
  }
  if (c.json) {
    std::cout << json{{"lab", lab->name}, {"passed", summary.passed}, {"failed", summary.failed},
                      {"seconds", secs}, {"results", probe::to_json(outcomes)}, {"possible_causes", causes}}.dump(2)
              << "\n";
  } else {
    // The failures (every probe with -v), then the one summary line.
    std::cout << probe::format_table(outcomes, c.verbose, /*summary=*/false);
    std::printf("%zu passed, %zu failed of %zu (%.2f s)\n", summary.passed, summary.failed, summary.tests, secs);
  }
  for (const auto& cause : causes) std::cerr << "possible cause: " << cause << "\n";
  return summary.failed ? kFailed : kOk;
}

}  // namespace

Verb add_test(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("test", "run the lab's connectivity expectations");
  add_common(cmd, c);
  static std::string junit;
  cmd->add_option("--junit", junit, "write JUnit XML to PATH");
  return {cmd, [&c] { return cmd_test(c, junit); }};
}

}  // namespace nswire::cli
