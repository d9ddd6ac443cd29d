// The corpus of lab files: each tests/data/invalid/X.yaml must fail validation, and its first
// error must contain the one line of X.expected (file:line:col included); each
// tests/data/valid/X.yaml must pass with no error. New files are picked up without code.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "nswire/model/validate.h"
#include "nswire/backend/registry.h"

using namespace nswire::model;
namespace fs = std::filesystem;

namespace {

const fs::path kData = NSWIRE_TOPOLOGY_DATA;

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

TEST(Corpus, EveryInvalidFileFailsWithItsExpectedFirstError) {
  auto files = yaml_files(kData / "invalid");
  ASSERT_GE(files.size(), 30u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    fs::path expected_file = f;
    expected_file.replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_file)) << "missing " << expected_file;
    std::string expected = read_line(expected_file);
    ASSERT_FALSE(expected.empty());
    // Diagnostics name the file the way it was given; give the bare name, like `nswire validate lab.yaml`.
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Checked c = check_string(text, f.filename().string(), nswire::backend::catalog());
    EXPECT_FALSE(c.ok());
    auto first = std::find_if(c.diagnostics.begin(), c.diagnostics.end(),
                              [](const Diagnostic& d) { return d.severity == Severity::error; });
    ASSERT_NE(first, c.diagnostics.end());
    EXPECT_NE(first->to_string().find(expected), std::string::npos)
        << "first error: " << first->to_string() << "\nexpected to contain: " << expected;
  }
}

TEST(Corpus, EveryValidFilePasses) {
  auto files = yaml_files(kData / "valid");
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files) {
    Checked c = check_file(f.string(), nswire::backend::catalog());
    for (const auto& d : c.diagnostics) {
      if (d.severity == Severity::error) ADD_FAILURE() << d.to_string();
    }
    EXPECT_TRUE(c.ok()) << f;
    EXPECT_FALSE(c.lab.name.empty()) << f;
  }
}

// The examples are lab files users copy: each must be valid as shipped (a template's __PID__
// filled in, attach targets taken to exist, as run-examples.sh makes them).
TEST(Corpus, EveryExampleIsValid) {
  auto files = yaml_files(NSWIRE_EXAMPLES);
  ASSERT_GE(files.size(), 5u);
  ValidateOptions exists{.path_exists = [](const std::string&) { return true; }};
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto at = text.find("__PID__"); at != std::string::npos; at = text.find("__PID__")) text.replace(at, 7, "4242");
    Checked c = check_string(text, f.filename().string(), nswire::backend::catalog(), exists);
    for (const auto& d : c.diagnostics)
      if (d.severity == Severity::error) ADD_FAILURE() << d.to_string();
  }
}
