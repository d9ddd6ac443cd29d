// Checks a parsed lab as a whole before anything touches the system: name rules, references
// that must resolve, addresses and interfaces used twice, attach targets that must exist,
// and likely mistakes (warnings). Never throws for bad input; reports every finding.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/traits.h"
#include "nswire/model/diagnostic.h"
#include "nswire/model/lab.h"

namespace nswire::model {

struct ValidateOptions {
  // Whether a path exists (stat). Used for `attach` (a path, or /proc/PID/ns/net); tests
  // pass a fake. Empty: the real stat().
  std::function<bool(const std::string& path)> path_exists;
  // What is wrong with attaching the namespace file at an existing `path` on this machine, ""
  // when nothing: it is no network namespace, or it is the namespace nswire runs in or the
  // machine's init one. Asked for `attach: { path }` and `{ pid }` (/proc/PID/ns/net). Empty: not
  // asked (the model does not probe the machine; the CLI passes netns::attach_path_problem).
  std::function<std::string(const std::string& path)> attach_problem;
  // A lab across hosts: the host whose attach targets are checked (they are that machine's
  // paths); "" checks none there. A lab without `hosts:` has all of its checked.
  std::string host;
};

// `backends` is the registry's catalog: what each backend can do decides what a lab may ask of it.
std::vector<Diagnostic> validate(const Lab& lab, const backend::Catalog& backends, const ValidateOptions& options = {});

// parse + validate, the way `nswire validate` and every other verb read a file.
// Validation is skipped when the YAML itself could not be read. Diagnostics are sorted
// by place; ok() when none is an error.
struct Checked {
  Lab lab;
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return !has_errors(diagnostics); }
};

Checked check_string(std::string_view text, const std::string& filename, const backend::Catalog& backends,
                     const ValidateOptions& options = {});
Checked check_file(const std::string& path, const backend::Catalog& backends, const ValidateOptions& options = {});

// Lab name rule shared with ownership marks: 1..32 bytes of [A-Za-z0-9_.-].
bool is_valid_lab_name(std::string_view name);

}  // namespace nswire::model
