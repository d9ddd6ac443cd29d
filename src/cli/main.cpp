// nswire: declarative Linux network labs. Verbs, output formats and exit codes (docs/design.md,
// "Command line"); everything else is the library's.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "nswire/backend/registry.h"
#include "nswire/netns/namespace.h"
#include "nswire/probe/report.h"
#include "nswire/reconcile/connectivity.h"
#include "nswire/model/graph.h"
#include "nswire/reconcile/session.h"
#include "nswire/model/validate.h"
#include "output.h"

namespace model = nswire::model;
namespace reconcile = nswire::reconcile;
using nlohmann::json;

namespace {

constexpr int kOk = 0, kFailed = 1, kInvalid = 2, kDrift = 3;

struct Common {
  std::string file;
  std::string backend;
  std::string ovsdb;
  bool json = false;
  bool verbose = false;
  bool no_wait = false;
};

void add_common(CLI::App* cmd, Common& c, bool with_file = true) {
  if (with_file) cmd->add_option("FILE", c.file, "lab file (YAML)")->required();
  cmd->add_option("--backend", c.backend, "override the file's default bridge backend")
      ->check(CLI::IsMember(nswire::backend::backend_names()));
  cmd->add_option("--ovsdb", c.ovsdb, "OVSDB server: unix:PATH or tcp:HOST:PORT");
  cmd->add_flag("--json", c.json, "machine-readable output on stdout");
  cmd->add_flag("-v,--verbose", c.verbose, "show progress");
  cmd->add_flag("--no-wait", c.no_wait, "fail at once when another run holds the lab's lock");
}

// Parse + validate; prints diagnostics; nullopt when the file is invalid.
std::optional<model::Lab> load(const Common& c, bool print_warnings = true) {
  auto checked = model::check_file(c.file, nswire::backend::catalog());
  if (!c.json || checked.ok())
    for (const auto& d : checked.diagnostics)
      if (d.severity == model::Severity::error || print_warnings) std::cerr << d.to_string() << "\n";
  if (!checked.ok()) {
    if (c.json) std::cout << json{{"valid", false}, {"diagnostics", nswire::cli::diagnostics_json(checked.diagnostics)}}.dump(2) << "\n";
    return std::nullopt;
  }
  return checked.lab;
}

reconcile::Session make_session(const Common& c, model::Lab lab) {
  reconcile::SessionOptions o;
  if (!c.backend.empty()) o.backend = c.backend;
  if (!c.ovsdb.empty()) o.ovsdb = c.ovsdb;
  o.wait_for_lock = !c.no_wait;
  bool tty = isatty(STDERR_FILENO);
  if (c.verbose || tty) o.progress = [](const std::string& s) { std::cerr << "  " << s << "\n"; };
  return reconcile::Session(std::move(lab), c.file, std::move(o));
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int cmd_validate(const Common& c) {
  auto checked = model::check_file(c.file, nswire::backend::catalog());
  if (c.json) {
    std::cout << json{{"valid", checked.ok()}, {"diagnostics", nswire::cli::diagnostics_json(checked.diagnostics)}}.dump(2)
              << "\n";
  } else {
    for (const auto& d : checked.diagnostics) std::cerr << d.to_string() << "\n";
    if (checked.ok()) std::cout << c.file << ": valid (lab \"" << checked.lab.name << "\")\n";
  }
  return checked.ok() ? kOk : kInvalid;
}

int cmd_plan(const Common& c) {
  auto lab = load(c);
  if (!lab) return kInvalid;
  auto session = make_session(c, *lab);
  auto plan = session.plan();
  if (c.json) {
    std::cout << json{{"lab", lab->name}, {"actions", nswire::cli::plan_json(plan)}}.dump(2) << "\n";
  } else if (plan.empty()) {
    std::cout << "lab \"" << lab->name << "\" is in sync: nothing to do\n";
  } else {
    std::cout << nswire::cli::format_plan(plan) << plan.actions.size() << " change(s) planned for lab \"" << lab->name
              << "\"\n";
  }
  return kOk;
}

int cmd_up(const Common& c) {
  auto lab = load(c);
  if (!lab) return kInvalid;
  auto session = make_session(c, *lab);
  auto start = std::chrono::steady_clock::now();
  try {
    auto plan = session.up();
    if (c.json) {
      std::cout << json{{"lab", lab->name}, {"ok", true}, {"actions", nswire::cli::plan_json(plan)},
                        {"seconds", seconds_since(start)}}.dump(2)
                << "\n";
    } else {
      if (c.verbose) std::cout << nswire::cli::format_plan(plan);
      std::printf("lab \"%s\" is up: %zu change(s) in %.2f s\n", lab->name.c_str(), plan.actions.size(), seconds_since(start));
    }
    return kOk;
  } catch (const std::exception& e) {
    if (c.json) std::cout << json{{"lab", lab->name}, {"ok", false}, {"error", e.what()}}.dump(2) << "\n";
    std::cerr << "nswire: " << e.what() << "\n";
    return kFailed;
  }
}

int cmd_down(const Common& c) {
  // down needs only the lab's name; a file that no longer validates can still be taken down.
  auto checked = model::check_file(c.file, nswire::backend::catalog());
  if (checked.lab.name.empty() || !model::is_valid_lab_name(checked.lab.name)) {
    for (const auto& d : checked.diagnostics) std::cerr << d.to_string() << "\n";
    std::cerr << "nswire: " << c.file << ": no usable lab name\n";
    return kInvalid;
  }
  model::Lab lab = checked.ok() ? checked.lab : model::Lab{.name = checked.lab.name};
  auto session = make_session(c, lab);
  auto start = std::chrono::steady_clock::now();
  auto plan = session.down();
  if (c.json) {
    std::cout << json{{"lab", lab.name}, {"ok", true}, {"actions", nswire::cli::plan_json(plan)},
                      {"seconds", seconds_since(start)}}.dump(2)
              << "\n";
  } else {
    if (c.verbose) std::cout << nswire::cli::format_plan(plan);
    std::printf("lab \"%s\" is down: %zu change(s) in %.2f s\n", lab.name.c_str(), plan.actions.size(), seconds_since(start));
  }
  return kOk;
}

int cmd_status(const Common& c) {
  auto lab = load(c, false);
  if (!lab) return kInvalid;
  auto session = make_session(c, *lab);
  auto status = session.status();
  const auto& plan = status.drift;
  auto warnings = session.diagnose();
  if (c.json) {
    json w = json::array();
    for (const auto& x : warnings) w.push_back(x.message);
    std::cout << json{{"lab", lab->name},
                      {"in_sync", plan.empty()},
                      {"objects", nswire::cli::status_json(status.objects)},
                      {"drift", nswire::cli::plan_json(plan)},
                      {"warnings", w}}
                     .dump(2)
              << "\n";
  } else {
    const auto& d = session.desired();
    std::printf("lab \"%s\": %zu bridge(s), %zu namespace(s), %zu veth pair(s), %zu patch(es)\n", lab->name.c_str(),
                d.bridges.size(), d.namespaces.size() - 1, d.veths.size(), d.patches.size());
    // Small labs show every object; big ones the drifting ones and a count (-v: all).
    std::cout << nswire::cli::format_status(status.objects, c.verbose || status.objects.size() <= 30);
    if (plan.empty()) {
      std::cout << "in sync\n";
    } else {
      std::cout << "drift (what `nswire up` would change):\n" << nswire::cli::format_plan(plan);
    }
    for (const auto& w : warnings) std::cout << "warning: " << w.message << "\n";
  }
  return plan.empty() ? kOk : kDrift;
}

int cmd_test(const Common& c, const std::string& junit) {
  auto lab = load(c, false);
  if (!lab) return kInvalid;
  auto session = make_session(c, *lab);
  auto start = std::chrono::steady_clock::now();
  std::vector<nswire::probe::Outcome> outcomes;
  try {
    outcomes = reconcile::run_tests(session);
  } catch (const std::exception& e) {
    std::cerr << "nswire: test: " << e.what() << "\n";
    return kFailed;
  }
  double secs = seconds_since(start);
  auto summary = nswire::probe::summarize(outcomes);
  if (!junit.empty()) {
    std::ofstream f(junit);
    f << nswire::probe::to_junit(outcomes, {.suite = lab->name, .time = std::chrono::duration<double>(secs)});
    if (!f) {
      std::cerr << "nswire: cannot write " << junit << "\n";
      return kFailed;
    }
  }
  if (c.json) {
    std::cout << json{{"lab", lab->name}, {"passed", summary.passed}, {"failed", summary.failed},
                      {"seconds", secs}, {"results", nswire::probe::to_json(outcomes)}}.dump(2)
              << "\n";
  } else {
    std::cout << nswire::probe::format_table(outcomes, c.verbose || summary.failed == 0 || outcomes.size() <= 40);
    std::printf("%zu passed, %zu failed (%.2f s)\n", summary.passed, summary.failed, secs);
  }
  if (summary.failed)
    for (const auto& w : session.diagnose()) std::cerr << "possible cause: " << w.message << "\n";
  return summary.failed ? kFailed : kOk;
}

int cmd_graph(const Common& c, const std::string& format) {
  auto lab = load(c);
  if (!lab) return kInvalid;
  std::cout << (format == "mermaid" ? model::to_mermaid(*lab) : model::to_dot(*lab));
  return kOk;
}

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
  return nswire::netns::exec(node, command);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nswire: declarative Linux network labs (namespaces, veth, Linux bridge or Open vSwitch)"};
  app.require_subcommand(1);
  Common c;
  std::string junit, format = "dot", node;
  std::vector<std::string> command;

  auto* validate = app.add_subcommand("validate", "parse and validate a lab file (exit 2 when invalid)");
  add_common(validate, c);
  auto* plan = app.add_subcommand("plan", "show what `up` would change; changes nothing");
  add_common(plan, c);
  auto* up = app.add_subcommand("up", "create or reconcile the lab");
  add_common(up, c);
  auto* down = app.add_subcommand("down", "remove everything the lab owns");
  add_common(down, c);
  auto* status = app.add_subcommand("status", "desired vs live; exit 3 on drift");
  add_common(status, c);
  auto* test = app.add_subcommand("test", "run the lab's connectivity expectations");
  add_common(test, c);
  test->add_option("--junit", junit, "write JUnit XML to PATH");
  auto* graph = app.add_subcommand("graph", "topology as Graphviz DOT or Mermaid");
  add_common(graph, c);
  graph->add_option("--format", format, "dot | mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  auto* exec = app.add_subcommand("exec", "run a command inside a node's namespace");
  add_common(exec, c);
  exec->add_option("NODE", node, "node name")->required();
  exec->add_option("CMD", command, "command and arguments (after --)")->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (validate->parsed()) return cmd_validate(c);
    if (plan->parsed()) return cmd_plan(c);
    if (up->parsed()) return cmd_up(c);
    if (down->parsed()) return cmd_down(c);
    if (status->parsed()) return cmd_status(c);
    if (test->parsed()) return cmd_test(c, junit);
    if (graph->parsed()) return cmd_graph(c, format);
    if (exec->parsed()) return cmd_exec(c, node, command);
  } catch (const std::exception& e) {
    std::cerr << "nswire: " << e.what() << "\n";
    return kFailed;
  }
  return kFailed;
}
