// Report formats, byte for byte where people read them, structurally (through xmllint, a parser
// nswire did not write) where CI tools read them.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdio.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "nswire/probe/report.h"

namespace nswire::probe {
namespace {

using std::chrono::microseconds;

Outcome outcome(std::string from, std::string to, std::string address, bool expect, bool reached,
                std::string detail, Protocol protocol = Protocol::icmp, uint16_t port = 0) {
  Outcome o;
  o.name = from + " -> " + to;
  o.from = std::move(from);
  o.to = std::move(to);
  o.address = std::move(address);
  o.protocol = protocol;
  o.port = port;
  o.expect_reachable = expect;
  o.result.reached = reached;
  o.result.detail = std::move(detail);
  o.result.rtt = microseconds(reached ? 210 : 0);
  o.result.elapsed = microseconds(reached ? 250 : 1000000);
  return o;
}

std::vector<Outcome> sample() {
  return {
      outcome("blue", "red", "10.0.2.101", true, true, "reply from 10.0.2.101 in 0.21 ms"),
      outcome("blue", "green", "10.0.3.9", true, false, "timeout after 1000 ms"),
      outcome("red", "web", "2001:db8::50", true, true, "connected to [2001:db8::50]:80 in 0.21 ms", Protocol::tcp,
              80),
      outcome("red", "blue", "10.0.2.100", false, true, "reply from 10.0.2.100 in 0.21 ms"),
  };
}

TEST(ProbeOutcome, PassedMeansObservedEqualsExpected) {
  auto s = sample();
  EXPECT_TRUE(s[0].passed());
  EXPECT_FALSE(s[1].passed());
  EXPECT_FALSE(s[3].passed()) << "reachable when expected unreachable fails";
  Outcome isolated = outcome("a", "b", "10.0.0.2", false, false, "timeout after 1000 ms");
  EXPECT_TRUE(isolated.passed());
  auto sum = summarize(s);
  EXPECT_EQ(sum.tests, 4u);
  EXPECT_EQ(sum.passed, 2u);
  EXPECT_EQ(sum.failed, 2u);
}

TEST(ProbeReportTable, FailuresFirstWithExpectedObservedAndDetail) {
  EXPECT_EQ(format_table(sample()),
            "      TEST           PROTO  TARGET             EXPECTED     OBSERVED     DETAIL\n"
            "FAIL  blue -> green  icmp   10.0.3.9           reachable    unreachable  timeout after 1000 ms\n"
            "FAIL  red -> blue    icmp   10.0.2.100         unreachable  reachable    reply from 10.0.2.100 in 0.21 ms\n"
            "ok    blue -> red    icmp   10.0.2.101         reachable    reachable    reply from 10.0.2.101 in 0.21 ms\n"
            "ok    red -> web     tcp    [2001:db8::50]:80  reachable    reachable    connected to [2001:db8::50]:80 in "
            "0.21 ms\n"
            "2 passed, 2 failed of 4\n");
}

TEST(ProbeReportTable, CanHidePasses) {
  EXPECT_EQ(format_table(sample(), false),
            "      TEST           PROTO  TARGET      EXPECTED     OBSERVED     DETAIL\n"
            "FAIL  blue -> green  icmp   10.0.3.9    reachable    unreachable  timeout after 1000 ms\n"
            "FAIL  red -> blue    icmp   10.0.2.100  unreachable  reachable    reply from 10.0.2.100 in 0.21 ms\n"
            "2 passed, 2 failed of 4\n");
  std::vector<Outcome> all_ok{sample()[0]};
  EXPECT_EQ(format_table(all_ok, false), "1 passed, 0 failed of 1\n");
}

TEST(ProbeReportTable, CanLeaveTheSummaryToTheCaller) {
  std::vector<Outcome> all_ok{sample()[0]};
  EXPECT_EQ(format_table(all_ok, false, false), "");
  std::string failures = format_table(sample(), false, false);
  EXPECT_EQ(failures.find("passed"), std::string::npos) << failures;
  EXPECT_EQ(std::count(failures.begin(), failures.end(), '\n'), 3);  // header and two failures
}

TEST(ProbeReportMatrix, RowsFromColumnsTo) {
  std::vector<Outcome> mesh;
  const std::vector<std::string> nodes{"a", "bb", "c"};
  for (const auto& f : nodes)
    for (const auto& t : nodes)
      if (f != t) mesh.push_back(outcome(f, t, "10.0.0.1", true, !(f == "bb" && t == "c"), "x"));
  mesh.pop_back();  // c -> bb not probed
  EXPECT_EQ(format_matrix(mesh),
            "4 passed, 1 failed of 5 (rows: from, columns: to; ✓ as expected, ✗ not as expected)\n"
            "     1 2 3\n"
            "1 a  · ✓ ✓\n"
            "2 bb ✓ · ✗\n"
            "3 c  ✓ - ·\n");
}

TEST(ProbeReportMatrix, OneFailureAmongSeveralOutcomesOfAPairMarksIt) {
  std::vector<Outcome> both{outcome("a", "b", "10.0.0.2", true, true, "v4"),
                            outcome("a", "b", "fd00::2", true, false, "v6")};
  EXPECT_NE(format_matrix(both).find("1 a · ✗\n"), std::string::npos) << format_matrix(both);
}

TEST(ProbeReportJson, CarriesEveryField) {
  auto j = to_json(sample());
  EXPECT_EQ(j["summary"]["tests"], 4);
  EXPECT_EQ(j["summary"]["passed"], 2);
  EXPECT_EQ(j["summary"]["failed"], 2);
  ASSERT_EQ(j["results"].size(), 4u);
  const auto& r = j["results"][1];
  EXPECT_EQ(r["name"], "blue -> green");
  EXPECT_EQ(r["from"], "blue");
  EXPECT_EQ(r["to"], "green");
  EXPECT_EQ(r["address"], "10.0.3.9");
  EXPECT_EQ(r["protocol"], "icmp");
  EXPECT_FALSE(r.contains("port"));
  EXPECT_EQ(r["expect"], "reachable");
  EXPECT_EQ(r["observed"], "unreachable");
  EXPECT_EQ(r["passed"], false);
  EXPECT_EQ(r["detail"], "timeout after 1000 ms");
  EXPECT_EQ(r["rtt_us"], 0);
  EXPECT_EQ(r["elapsed_us"], 1000000);
  EXPECT_EQ(j["results"][2]["port"], 80);
  EXPECT_EQ(j["results"][2]["protocol"], "tcp");
}

TEST(ProbeReportXml, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(xml_escape("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
  EXPECT_EQ(xml_escape(std::string("bell\x07 nul") + '\0'), "bell? nul?");
  EXPECT_EQ(xml_escape("✓ utf-8"), "✓ utf-8");
}

TEST(ProbeReportJunit, ExactDocument) {
  JunitOptions options;
  options.suite = "lab1";
  options.time = std::chrono::duration<double>(1.0005);
  options.timestamp = "2026-11-23T19:00:00";
  std::vector<Outcome> two{sample()[0], sample()[1]};
  EXPECT_EQ(to_junit(two, options),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"lab1\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"1.000\">\n"
            "  <testsuite name=\"lab1\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.000\" "
            "timestamp=\"2026-11-23T19:00:00\">\n"
            "    <testcase name=\"blue -&gt; red\" classname=\"lab1.blue\" time=\"0.000\">\n"
            "      <system-out>icmp blue -&gt; red (10.0.2.101): expected reachable, observed reachable: reply from "
            "10.0.2.101 in 0.21 ms</system-out>\n"
            "    </testcase>\n"
            "    <testcase name=\"blue -&gt; green\" classname=\"lab1.blue\" time=\"1.000\">\n"
            "      <failure message=\"expected reachable, observed unreachable: timeout after 1000 ms\" "
            "type=\"unreachable\">icmp blue -&gt; green (10.0.3.9): expected reachable, observed unreachable: timeout "
            "after 1000 ms</failure>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

// Runs xmllint --xpath on the document; returns its stdout ("" on failure).
std::string xpath(const std::string& file, const std::string& expression) {
  std::string command = "xmllint --xpath '" + expression + "' " + file + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(ProbeReportJunit, HasTheElementsAndAttributesCiToolsRequire) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint (libxml2-utils) not installed";
  auto outcomes = sample();
  outcomes[0].name = "odd <name> & \"quotes\"";
  outcomes[0].result.detail = "line1\nline2 \x01";
  const std::string file = ::testing::TempDir() + "probe_junit.xml";
  std::ofstream(file) << to_junit(outcomes);
  ASSERT_EQ(std::system(("xmllint --noout " + file).c_str()), 0) << "not well-formed XML";
  EXPECT_EQ(xpath(file, "count(/testsuites)"), "1");
  EXPECT_EQ(xpath(file, "count(/testsuites/testsuite)"), "1");
  EXPECT_EQ(xpath(file, "string(/testsuites/testsuite/@tests)"), "4");
  EXPECT_EQ(xpath(file, "string(/testsuites/testsuite/@failures)"), "2");
  EXPECT_EQ(xpath(file, "string(/testsuites/testsuite/@errors)"), "0");
  EXPECT_EQ(xpath(file, "string(/testsuites/@tests)"), "4");
  EXPECT_EQ(xpath(file, "count(/testsuites/testsuite[@name and @time])"), "1");
  EXPECT_EQ(xpath(file, "count(//testcase)"), "4");
  EXPECT_EQ(xpath(file, "count(//testcase[@name and @classname and @time])"), "4");
  EXPECT_EQ(xpath(file, "count(//testcase/failure[@message and @type])"), "2");
  EXPECT_EQ(xpath(file, "string(//testcase[1]/@name)"), "odd <name> & \"quotes\"") << "round trip through escaping";
  EXPECT_EQ(xpath(file, "string(//testcase[2]/failure/@message)"),
            "expected reachable, observed unreachable: timeout after 1000 ms");
}

}  // namespace
}  // namespace nswire::probe
