// Reporting probe outcomes against expectations: a concise table for people (failures first), a
// reachability matrix for meshes, JSON for machines, and JUnit XML for CI (GitLab, Jenkins and
// GitHub render it). Pure formatting: no I/O, so every format is unit-tested byte for byte.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/probe/measure.h"
#include "nswire/probe/probe.h"

namespace nswire::probe {

// One expectation and what was observed.
struct Outcome {
  std::string name;     // e.g. "blue -> red"; a test case name in JUnit
  std::string from;     // source node label
  std::string to;       // target node label (or the address when the target is an address)
  std::string address;  // address probed
  Protocol protocol = Protocol::icmp;
  uint16_t port = 0;
  bool expect_reachable = true;
  Result result;
  // A test that measures (rtt, loss, throughput, udp loss): its verdict replaces the reachability
  // one, and the reports show its expected bounds, observed figures and, in JSON, "measured".
  std::optional<Measurement> measurement;

  bool passed() const { return measurement ? measurement->passed : result.reached == expect_reachable; }
};

struct Summary {
  std::size_t tests = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
};
Summary summarize(const std::vector<Outcome>& outcomes);

// A table, failures first (each with expected vs observed and the probe's detail), then passes
// unless show_passed is false, and a closing summary line ("2 passed, 1 failed of 3") unless
// summary is false. No row to show, no header.
std::string format_table(const std::vector<Outcome>& outcomes, bool show_passed = true, bool summary = true);

// A matrix for a mesh: one row per source, one column per target (numbered; row n is the node of
// column n), "✓" where every outcome for that pair held, "✗" where one did not, "·" on the
// diagonal and "-" where the pair was not probed. Nodes in order of first appearance.
std::string format_matrix(const std::vector<Outcome>& outcomes);

// {"summary": {"tests","passed","failed"}, "results": [{"name","from","to","address","protocol",
//  "port" (tcp/udp), "expect","observed","passed","detail","rtt_us","elapsed_us"}]}; a measured
// outcome's "expect"/"observed" are its bounds and figures as text, and it adds "measured" (the
// figures as numbers) and "violations".
nlohmann::json to_json(const std::vector<Outcome>& outcomes);

struct JunitOptions {
  std::string suite = "nswire";  // testsuites/testsuite name; testcase classname is "SUITE.FROM"
  // Wall time of the run; when zero, the longest probe's elapsed time (probes run concurrently).
  std::chrono::duration<double> time{0};
  std::string timestamp;  // ISO 8601, e.g. "2026-11-23T19:00:00"; omitted when empty
};

// <testsuites name tests failures errors time><testsuite name tests failures errors skipped time
// [timestamp]><testcase name classname time>[<failure message type>text</failure>]
// [<system-out>detail</system-out>]</testcase>...</testsuite></testsuites>
std::string to_junit(const std::vector<Outcome>& outcomes, const JunitOptions& options = {});

// Text made safe for XML 1.0 content and attribute values: & < > " ' as entities, tab, newline and
// carriage return as character references, other control characters (not allowed in XML 1.0) as '?'.
std::string xml_escape(std::string_view text);

}  // namespace nswire::probe
