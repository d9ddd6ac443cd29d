// A finding about a lab file, placed in it: "lab.yaml:12:7: node "blue": interface "eth0":
// bad address "10.0.2.300/24"". The parser and the validator report every finding they can
// instead of stopping at the first, so one run of `nswire validate` shows them all.
#pragma once

#include <string>
#include <vector>

#include "nswire/model/lab.h"

namespace nswire::model {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;
  int line = 0;                      // 1-based; 0 when the finding has no place in the file
  int col = 0;
  std::string message;

  // "file:line:col: message", "warning: " before the message of a warning.
  std::string to_string() const;
  bool operator==(const Diagnostic&) const = default;
};

Diagnostic make_error(const Location& where, std::string message);
Diagnostic make_warning(const Location& where, std::string message);

bool has_errors(const std::vector<Diagnostic>& diagnostics);
// Orders by place in the file (stable: findings at one place keep their order).
void sort_by_location(std::vector<Diagnostic>& diagnostics);

}  // namespace nswire::model
