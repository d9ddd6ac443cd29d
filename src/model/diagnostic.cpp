// Formatting and ordering of findings.
#include "nswire/model/diagnostic.h"

#include <algorithm>

namespace nswire::model {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(col);
  out += ": ";
  if (severity == Severity::warning) out += "warning: ";
  out += message;
  return out;
}

Diagnostic make_error(const Location& where, std::string message) {
  return {Severity::error, where.file, where.line, where.column, std::move(message)};
}

Diagnostic make_warning(const Location& where, std::string message) {
  return {Severity::warning, where.file, where.line, where.column, std::move(message)};
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

void sort_by_location(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.line != b.line) return a.line < b.line;
                     return a.col < b.col;
                   });
}

}  // namespace nswire::model
