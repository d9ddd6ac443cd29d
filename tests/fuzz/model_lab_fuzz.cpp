// libFuzzer target over the whole front end: parse + validate + graph output must never
// crash, hang or throw for any input, and a lab that validates must parse with the
// throwing API and draw. Build: CXX=clang++ cmake -DNSWIRE_FUZZ=ON ...; run with
// tests/data/{valid,invalid} as the seed corpus.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nswire/model/graph.h"
#include "nswire/backend/registry.h"
#include "nswire/model/parse.h"
#include "nswire/model/validate.h"

using namespace nswire::model;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ValidateOptions options;
  options.path_exists = [](const std::string& path) { return path.size() % 2 == 0; };  // no syscalls
  Checked c = check_string(text, "fuzz.yaml", nswire::backend::catalog(), options);
  for (const auto& d : c.diagnostics) {
    if (d.message.empty() || d.to_string().empty()) __builtin_trap();
  }
  if (c.ok()) {
    Lab again = parse_string(text, "fuzz.yaml", nswire::backend::catalog());  // must not throw: no parse errors were found
    if (!(again == c.lab)) __builtin_trap();
  }
  if (to_dot(c.lab).empty() || to_mermaid(c.lab).empty()) __builtin_trap();
  return 0;
}
