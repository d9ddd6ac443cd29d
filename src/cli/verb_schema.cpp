// `nswire schema`: the JSON Schema of the lab file, generated from the parser's own table of keys
// (nswire/model/schema.h) and the backend registry, for editors (yaml-language-server) and
// validators. The build writes it to share/nswire/lab.schema.json with -o.
#include "common.h"

#include <fstream>
#include <iostream>

#include "nswire/backend/registry.h"
#include "nswire/error.h"
#include "nswire/model/schema.h"

namespace nswire::cli {
namespace {

int cmd_schema(const std::string& output) {
  std::string text = model::schema::json_schema(backend::catalog());
  if (output.empty()) {
    std::cout << text;
    return kOk;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error("cannot write the schema to " + output);
  return kOk;
}

}  // namespace

Verb add_schema(CLI::App& app, Common&) {
  auto* cmd = app.add_subcommand("schema", "JSON Schema of the lab file (for editors and validators)");
  static std::string output;
  cmd->add_option("-o,--output", output, "write it to this file instead of stdout");
  return {cmd, [] { return cmd_schema(output); }};
}

}  // namespace nswire::cli
