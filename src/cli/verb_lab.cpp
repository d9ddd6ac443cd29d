// The verbs that read or change a lab as a whole: validate, plan, up, down, status.
#include "common.h"

#include <cstdio>
#include <iostream>

#include "nswire/backend/registry.h"
#include "nswire/model/validate.h"
#include "nswire/reconcile/connectivity.h"
#include "nswire/reconcile/record.h"
#include "nswire/reconcile/overrides.h"
#include "output.h"
#include "progress.h"

namespace nswire::cli {
namespace {

using nlohmann::json;

int run_down(const Common& c, const model::Lab& lab);

// " on host h1" for a lab across hosts, "" otherwise.
std::string on_host(const reconcile::Session& s) { return s.host().empty() ? "" : " on host " + s.host(); }

int cmd_validate(const Common& c) {
  auto checked = check(c);
  if (c.json) {
    std::cout << json{{"valid", checked.ok()}, {"diagnostics", diagnostics_json(checked.diagnostics)}}.dump(2)
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
    json out{{"lab", lab->name}, {"actions", plan_json(plan)}};
    if (!session.host().empty()) out["host"] = session.host();
    std::cout << out.dump(2) << "\n";
  } else if (plan.empty()) {
    std::cout << "lab \"" << lab->name << "\"" << on_host(session) << " is in sync: nothing to do\n";
  } else {
    std::cout << format_plan(plan) << plan.actions.size() << " change(s) planned for lab \"" << lab->name
              << "\"" << on_host(session) << "\n";
  }
  return kOk;
}

int cmd_up(const Common& c) {
  auto lab = load(c);
  if (!lab) return kInvalid;
  ProgressBar bar("up", !c.json);
  auto session = make_session(c, *lab, &bar);
  auto start = std::chrono::steady_clock::now();
  try {
    auto plan = session.up();
    bar.clear();
    if (c.json) {
      json out{{"lab", lab->name}, {"ok", true}, {"actions", plan_json(plan)}, {"seconds", seconds_since(start)}};
      if (!session.host().empty()) out["host"] = session.host();
      std::cout << out.dump(2) << "\n";
    } else {
      if (c.verbose) std::cout << format_plan(plan);
      std::printf("lab \"%s\"%s is up: %zu change(s) in %.2f s\n", lab->name.c_str(), on_host(session).c_str(),
                  plan.actions.size(), seconds_since(start));
    }
    return kOk;
  } catch (const std::exception& e) {
    bar.clear();
    if (c.json) std::cout << json{{"lab", lab->name}, {"ok", false}, {"error", e.what()}}.dump(2) << "\n";
    std::cerr << "nswire: " << e.what() << "\n";
    return kFailed;
  }
}

// `down --lab NAME`: the lab by its name alone (its file may be gone); the record says the rest.
int cmd_down_by_name(Common c, const std::string& name) {
  if (!model::is_valid_lab_name(name)) {
    std::cerr << "nswire: \"" << name << "\" is not a lab name\n";
    return kInvalid;
  }
  auto record = reconcile::load_record(name);
  if (!record) std::cerr << "nswire: lab \"" << name << "\" has no record here; removing what carries its marks\n";
  if (record && c.ovsdb.empty()) c.ovsdb = record->ovsdb;
  c.file = record ? record->file : "";
  return run_down(c, model::Lab{.name = name});
}

int cmd_down(const Common& c, const std::string& by_name) {
  if (!by_name.empty()) return cmd_down_by_name(c, by_name);
  if (c.file.empty()) {
    std::cerr << "nswire: down needs a lab FILE or --lab NAME\n";
    return kInvalid;
  }
  // down needs only the lab's name; a file that no longer validates can still be taken down.
  auto checked = model::check_file(c.file, backend::catalog());
  if (checked.lab.name.empty() || !model::is_valid_lab_name(checked.lab.name)) {
    for (const auto& d : checked.diagnostics) std::cerr << d.to_string() << "\n";
    std::cerr << "nswire: " << c.file << ": no usable lab name\n";
    return kInvalid;
  }
  return run_down(c, checked.ok() ? checked.lab : model::Lab{.name = checked.lab.name});
}

int run_down(const Common& c, const model::Lab& lab) {
  ProgressBar bar("down", !c.json);
  auto session = make_session(c, lab, &bar);
  auto start = std::chrono::steady_clock::now();
  auto plan = session.down();
  bar.clear();
  if (c.json) {
    json out{{"lab", lab.name}, {"ok", true}, {"actions", plan_json(plan)}, {"seconds", seconds_since(start)}};
    if (!session.host().empty()) out["host"] = session.host();
    std::cout << out.dump(2) << "\n";
  } else {
    if (c.verbose) std::cout << format_plan(plan);
    std::printf("lab \"%s\"%s is down: %zu change(s) in %.2f s\n", lab.name.c_str(), on_host(session).c_str(),
                plan.actions.size(), seconds_since(start));
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
  for (auto& h : reconcile::neighbour_table_hints(session)) warnings.push_back({std::move(h)});
  if (c.json) {
    json w = json::array();
    for (const auto& x : warnings) w.push_back(x.message);
    json out{{"lab", lab->name},
             {"in_sync", plan.empty()},
             {"objects", status_json(status.objects)},
             {"drift", plan_json(plan)},
             {"overrides", overrides_json(status.overrides)},
             {"warnings", w}};
    if (!session.host().empty()) out["host"] = session.host();
    std::cout << out.dump(2) << "\n";
  } else {
    const auto& d = session.desired();
    std::printf("lab \"%s\"%s: %zu bridge(s), %zu namespace(s), %zu veth pair(s), %zu patch(es)%s\n", lab->name.c_str(),
                on_host(session).c_str(), d.bridges.size(), d.namespaces.size() - 1, d.veths.size(), d.patches.size(),
                d.tunnels.empty() ? "" : (", " + std::to_string(d.tunnels.size()) + " tunnel(s)").c_str());
    // Small labs show every object; big ones the drifting ones and a count (-v: all).
    std::cout << format_status(status.objects, c.verbose || status.objects.size() <= 30);
    for (const auto& o : status.overrides)
      std::cout << "note: override in force (intended, not drift): " << reconcile::describe(o)
                << " (`nswire link FILE " << o.link << " reset` or `nswire up` restores the file)\n";
    if (plan.empty()) {
      std::cout << "in sync\n";
    } else {
      std::cout << "drift (what `nswire up` would change):\n" << format_plan(plan);
    }
    for (const auto& w : warnings) std::cout << "warning: " << w.message << "\n";
  }
  return plan.empty() ? kOk : kDrift;
}

}  // namespace

Verb add_validate(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("validate", "parse and validate a lab file (exit 2 when invalid)");
  add_common(cmd, c);
  return {cmd, [&c] { return cmd_validate(c); }};
}

Verb add_plan(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("plan", "show what `up` would change; changes nothing");
  add_common(cmd, c);
  return {cmd, [&c] { return cmd_plan(c); }};
}

Verb add_up(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("up", "create or reconcile the lab");
  add_common(cmd, c);
  return {cmd, [&c] { return cmd_up(c); }};
}

Verb add_down(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("down", "remove everything the lab owns (by its FILE, or by name with --lab)");
  add_common(cmd, c, /*with_file=*/false);
  static std::string lab;
  auto* file = cmd->add_option("FILE", c.file, "lab file (YAML)");
  cmd->add_option("--lab", lab, "the lab's name, when its file is gone (`nswire ls` lists them)")->excludes(file);
  return {cmd, [&c] { return cmd_down(c, lab); }};
}

Verb add_status(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("status", "desired vs live; exit 3 on drift");
  add_common(cmd, c);
  return {cmd, [&c] { return cmd_status(c); }};
}

}  // namespace nswire::cli
