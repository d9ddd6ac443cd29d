// Lab file (YAML, schema v1) -> model. The parser checks everything that one value says on
// its own: YAML syntax, types, unknown keys (with a "did you mean"), duplicate keys, missing
// required keys, the syntax of addresses, endpoints and enumerations. Whatever relates
// objects to each other (references, duplicates across the lab, name rules) is validate.h's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nswire/error.h"
#include "nswire/model/diagnostic.h"
#include "nswire/model/lab.h"

namespace nswire::model {

// Thrown by the throwing parse functions; what() is every error, one per line.
class ParseError : public nswire::Error {
 public:
  explicit ParseError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Never throw for bad input: findings are appended to `diagnostics`, and the returned Lab
// holds everything that could be read (a malformed value is left out, its object kept, so
// references to it still resolve and one mistake gives one error).
Lab parse_string(std::string_view text, const std::string& filename,
                 std::vector<Diagnostic>& diagnostics);
Lab parse_file(const std::string& path, std::vector<Diagnostic>& diagnostics);

// Throw ParseError when the parser found an error (warnings do not throw). No validation.
Lab parse_string(std::string_view text, const std::string& filename);
Lab parse_file(const std::string& path);

}  // namespace nswire::model
