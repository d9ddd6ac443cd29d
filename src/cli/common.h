// What every verb of the nswire command shares: the exit codes, the common flags, reading the lab
// file (diagnostics printed, --json aware), making a Session, and the Verb each file registers.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nswire/model/lab.h"
#include "nswire/model/validate.h"
#include "nswire/reconcile/session.h"

namespace nswire::cli {

inline constexpr int kOk = 0, kFailed = 1, kInvalid = 2, kDrift = 3;

struct Common {
  std::string file;
  std::string backend;
  std::string ovsdb;
  std::string host;  // --host: which of a lab's hosts this machine is
  bool json = false;
  bool verbose = false;
  bool no_wait = false;
};

// A verb: its subcommand, and what runs once the command line named it (returns the exit code).
struct Verb {
  CLI::App* command = nullptr;
  std::function<int()> run;
};

// FILE (when `with_file`), --backend, --ovsdb, --host, --json, -v, --no-wait.
void add_common(CLI::App* cmd, Common& c, bool with_file = true);
class ProgressBar;

// What the validator may ask of this machine (attach targets: netns::attach_path_problem).
model::ValidateOptions validate_options(const Common& c);
// Parse + validate, with --backend applied as the lab's default backend.
model::Checked check(const Common& c);
// check(); prints diagnostics; nullopt when the file is invalid.
std::optional<model::Lab> load(const Common& c, bool print_warnings = true);
// With a bar (up, down, test): its steps drawn on the terminal, and with -v the phase lines above
// it; without one, the phase lines on stderr with -v only.
reconcile::Session make_session(const Common& c, model::Lab lab, ProgressBar* bar = nullptr);
double seconds_since(std::chrono::steady_clock::time_point t);

// The whole command line on `app` (description, every verb, their flags into `c`); parsing argv
// with it runs nothing. main.cpp runs the verb whose command parsed.
std::vector<Verb> build_app(CLI::App& app, Common& c);

// One function per verb file; app.cpp lists them.
Verb add_validate(CLI::App& app, Common& c);
Verb add_plan(CLI::App& app, Common& c);
Verb add_up(CLI::App& app, Common& c);
Verb add_down(CLI::App& app, Common& c);
Verb add_status(CLI::App& app, Common& c);
Verb add_test(CLI::App& app, Common& c);
Verb add_graph(CLI::App& app, Common& c);
Verb add_exec(CLI::App& app, Common& c);
Verb add_capture(CLI::App& app, Common& c);
Verb add_schema(CLI::App& app, Common& c);
Verb add_ls(CLI::App& app, Common& c);
Verb add_version(CLI::App& app, Common& c);
Verb add_completion(CLI::App& app, Common& c);
Verb add_link(CLI::App& app, Common& c);

}  // namespace nswire::cli
