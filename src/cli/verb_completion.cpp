// `nswire completion bash|zsh|fish`: the shell completion script, generated from this command
// line (completion.h). The build writes all three and `cmake --install` puts them where each
// shell looks.
#include "common.h"

#include <fstream>
#include <iostream>

#include "completion.h"
#include "nswire/reconcile/record.h"

namespace nswire::cli {
namespace {

int cmd_completion(const CLI::App& app, const std::string& shell, const std::string& output) {
  auto spec = describe(app, reconcile::kLabsDir);
  std::string text = shell == "zsh" ? zsh_completion(spec) : shell == "fish" ? fish_completion(spec) : bash_completion(spec);
  if (output.empty()) {
    std::cout << text;
    return kOk;
  }
  std::ofstream f(output, std::ios::trunc);
  f << text;
  f.close();
  if (!f) throw Error("cannot write " + output);
  return kOk;
}

}  // namespace

Verb add_completion(CLI::App& app, Common&) {
  auto* cmd = app.add_subcommand("completion", "shell completion script (bash, zsh or fish)");
  static std::string shell, output;
  cmd->add_option("SHELL", shell, "bash | zsh | fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->add_option("-o,--output", output, "write it to this file instead of stdout");
  return {cmd, [&app] { return cmd_completion(app, shell, output); }};
}

}  // namespace nswire::cli
