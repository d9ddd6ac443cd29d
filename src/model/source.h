// Internal entry points of the parser shared with validate.cpp's check_string/check_file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/model/diagnostic.h"
#include "nswire/model/lab.h"

namespace nswire::model {

// The whole file, or nullopt with a diagnostic when it cannot be read.
std::optional<std::string> read_lab_file(const std::string& path, std::vector<Diagnostic>& diagnostics);

// parse_string that also says whether the document had a readable shape (YAML that parsed
// into a map); only then is validating the result meaningful.
Lab parse_document(std::string_view text, const std::string& filename,
                   std::vector<Diagnostic>& diagnostics, bool& readable);

}  // namespace nswire::model
