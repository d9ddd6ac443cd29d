// Internal entry points of the parser shared with validate.cpp's check_string/check_file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/traits.h"
#include "nswire/model/diagnostic.h"
#include "nswire/model/lab.h"

namespace nswire::model {

// A lab file is text a person wrote: anything larger is a mistake (or an attack).
inline constexpr long kMaxLabFileBytes = 16L * 1024 * 1024;

// The whole file, or nullopt with a diagnostic when it cannot be read: not there, a directory, a
// FIFO, socket or device (refused before opening: reading one would block or never end), or
// larger than kMaxLabFileBytes.
std::optional<std::string> read_lab_file(const std::string& path, std::vector<Diagnostic>& diagnostics);

// parse_string that also says whether the document had a readable shape (YAML that parsed
// into a map); only then is validating the result meaningful.
Lab parse_document(std::string_view text, const std::string& filename, const backend::Catalog& backends,
                   std::vector<Diagnostic>& diagnostics, bool& readable);

}  // namespace nswire::model
