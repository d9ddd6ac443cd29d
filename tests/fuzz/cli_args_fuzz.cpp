// libFuzzer target over the command line: random argv (the input split at NUL bytes) parsed by
// the real app (cli::build_app, every verb and flag) and no verb run. Parsing must end in
// success or a CLI::ParseError (help, a missing or bad argument, an unknown flag) and never
// crash, hang or throw anything else; a successful parse names exactly one verb.
// Build: CXX=clang++ cmake -DNSWIRE_FUZZ=ON ...; seeds in tests/fuzz/corpus/cli_args_fuzz
// (NUL-separated argv, without argv[0]).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"nswire"};
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty() && args.size() < 64) args.push_back(std::move(current));
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());

  CLI::App app;
  nswire::cli::Common c;
  auto verbs = nswire::cli::build_app(app, c);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    return 0;  // what main() turns into a message and an exit code
  }
  int parsed = 0;
  for (const auto& v : verbs) parsed += v.command->parsed() ? 1 : 0;
  if (parsed != 1) __builtin_trap();  // require_subcommand(1): one verb, or a ParseError
  return 0;
}
