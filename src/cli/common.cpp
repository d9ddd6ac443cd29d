// What every verb shares; see common.h.
#include "common.h"

#include <iostream>

#include "nswire/backend/registry.h"
#include "nswire/model/validate.h"
#include "nswire/netns/attach_target.h"
#include "output.h"
#include "progress.h"

namespace nswire::cli {

void add_common(CLI::App* cmd, Common& c, bool with_file) {
  if (with_file) cmd->add_option("FILE", c.file, "lab file (YAML)")->required();
  cmd->add_option("--backend", c.backend, "override the file's default bridge backend")
      ->check(CLI::IsMember(backend::backend_names()));
  cmd->add_option("--ovsdb", c.ovsdb, "OVSDB server: unix:PATH or tcp:HOST:PORT");
  cmd->add_option("--host", c.host, "a lab across hosts: which of its hosts this machine is (default: by address)");
  cmd->add_flag("--json", c.json, "machine-readable output on stdout");
  cmd->add_flag("-v,--verbose", c.verbose, "show progress");
  cmd->add_flag("--no-wait", c.no_wait, "fail at once when another run holds the lab's lock");
}

model::ValidateOptions validate_options(const Common& c) {
  // The checks of the running machine the model leaves to its caller: what `attach` names (on
  // this host's part of a lab across hosts).
  return {.path_exists = {}, .attach_problem = netns::attach_path_problem, .host = c.host};
}

model::Checked check(const Common& c) {
  auto checked = model::check_file(c.file, backend::catalog(), validate_options(c));
  if (c.backend.empty() || !checked.ok()) return checked;
  // --backend serves the lab's bridges that name none: validated as they will be served, so what
  // that backend cannot do (by its traits) is refused here too.
  checked.lab.backend = c.backend;
  checked.diagnostics = model::validate(checked.lab, backend::catalog(), validate_options(c));
  return checked;
}

std::optional<model::Lab> load(const Common& c, bool print_warnings) {
  auto checked = check(c);
  if (!c.json || checked.ok())
    for (const auto& d : checked.diagnostics)
      if (d.severity == model::Severity::error || print_warnings) std::cerr << d.to_string() << "\n";
  if (!checked.ok()) {
    if (c.json)
      std::cout << nlohmann::json{{"valid", false}, {"diagnostics", diagnostics_json(checked.diagnostics)}}.dump(2) << "\n";
    return std::nullopt;
  }
  return checked.lab;
}

reconcile::Session make_session(const Common& c, model::Lab lab, ProgressBar* bar) {
  reconcile::SessionOptions o;
  if (!c.backend.empty()) o.backend = c.backend;
  if (!c.ovsdb.empty()) o.ovsdb = c.ovsdb;
  if (!c.host.empty()) o.host = c.host;
  o.wait_for_lock = !c.no_wait;
  if (bar && bar->enabled()) {
    o.steps = [bar](const reconcile::ProgressStep& s) { bar->step(s); };
    if (c.verbose) o.progress = [bar](const std::string& s) { bar->line(s); };
  } else if (c.verbose) {
    o.progress = [](const std::string& s) { std::cerr << "  " << s << "\n"; };
  }
  return reconcile::Session(std::move(lab), c.file, std::move(o));
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace nswire::cli
