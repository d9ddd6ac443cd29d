// Shell completions (bash, zsh, fish) generated from the command line itself (CLI11's tree of
// subcommands and options), so a verb or flag added to the CLI is completed without touching a
// script. What a value is (a lab file, a lab's name, a file, one of a few words) is read from the
// option: its name (FILE, NAME, --lab, --junit, -o) or its IsMember choices.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace nswire::cli {

// What a word of the command line can be completed with.
enum class ValueKind { none, lab_file, file, lab_name, words };

struct OptionSpec {
  std::vector<std::string> names;  // "--backend", "-v", "--verbose"
  std::string help;
  bool takes_value = false;
  ValueKind value = ValueKind::none;
  std::vector<std::string> words;  // ValueKind::words
};

struct PositionalSpec {
  std::string name;  // "FILE"
  std::string help;
  ValueKind value = ValueKind::none;
  std::vector<std::string> words;  // ValueKind::words
  bool many = false;  // takes the rest of the line (exec's CMD)
};

struct CommandSpec {
  std::string name;
  std::vector<std::string> aliases;
  std::string help;
  std::vector<OptionSpec> options;
  std::vector<PositionalSpec> positionals;
};

struct CompletionSpec {
  std::string program;              // "nswire"
  std::vector<OptionSpec> options;  // before a verb: --help, --version
  std::vector<CommandSpec> commands;
  std::string labs_dir;             // where lab names come from: DIR/NAME.json
};

CompletionSpec describe(const CLI::App& app, const std::string& labs_dir);

std::string bash_completion(const CompletionSpec& spec);
std::string zsh_completion(const CompletionSpec& spec);
std::string fish_completion(const CompletionSpec& spec);

}  // namespace nswire::cli
