// `nswire test` says what can explain a failure and nothing that cannot: with br_netfilter's
// sysctl on (the sandbox's namespace has bridge-nf-call-iptables = 1 when the module is loaded),
// its hint is printed for a failing probe whose path crosses a Linux bridge, and not for one
// across an Open vSwitch bridge or a node-to-node link. Plain and --json ("possible_causes").
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "oracle.h"

using nswire::test::run;

namespace {

std::string write_lab(const std::string& name, const std::string& text) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/nswire-hints-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::string path = dir + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

bool netfilter_on() {
  std::ifstream f("/proc/sys/net/bridge/bridge-nf-call-iptables");
  int v = 0;
  return f >> v && v == 1;
}

// A Linux bridge (a, b), an OVS bridge (c, d) and a node-to-node link (r1 -- r2); one test that
// fails on the segment named by `failing` (an address nobody has).
std::string lab(const std::string& failing_from, const std::string& failing_to) {
  return R"(name: hints
bridges:
  lan: { backend: linux }
  sw: { backend: ovs }
nodes:
  a: { interfaces: { eth0: { bridge: lan, addresses: [10.1.0.2/24] } } }
  b: { interfaces: { eth0: { bridge: lan, addresses: [10.1.0.3/24] } } }
  c: { interfaces: { eth0: { bridge: sw, addresses: [10.2.0.2/24] } } }
  d: { interfaces: { eth0: { bridge: sw, addresses: [10.2.0.3/24] } } }
  r1: {}
  r2: {}
links:
  - endpoints: [r1:eth1, r2:eth1]
    addresses: [[10.9.0.1/30], [10.9.0.2/30]]
tests:
  - { from: a, to: b }
  - { from: c, to: d }
  - { from: r1, to: r2 }
  - { from: )" + failing_from + ", to: " + failing_to + R"(, timeout_ms: 300 }
)";
}

}  // namespace

TEST(CliHints, NetfilterIsNamedOnlyForAFailingPathAcrossALinuxBridge) {
  if (!netfilter_on()) GTEST_SKIP() << "br_netfilter not loaded here: its hint cannot show";
  struct Case {
    std::string from, to;
    bool netfilter;
  };
  for (const auto& [from, to, netfilter] : {Case{"a", "10.1.0.99", true}, Case{"c", "10.2.0.99", false},
                                            Case{"r1", "10.9.0.3", false}, Case{"b", "a", false}}) {
    SCOPED_TRACE(from + " -> " + to);
    auto file = write_lab("hints", lab(from, to));
    ASSERT_EQ(run({NSWIRE_BIN, "up", file}).exit_code, 0);
    bool fails = to.find('.') != std::string::npos;  // b -> a passes: nothing to explain
    auto plain = run({NSWIRE_BIN, "test", file});
    EXPECT_EQ(plain.exit_code, fails ? 1 : 0) << plain.out << plain.err;
    EXPECT_EQ(plain.err.find("possible cause: br_netfilter") != std::string::npos, netfilter) << plain.err;
    auto json = run({NSWIRE_BIN, "test", file, "--json"});
    auto causes = nlohmann::json::parse(json.out)["possible_causes"];
    bool named = false;
    for (const auto& c : causes) named = named || c.get<std::string>().find("br_netfilter") != std::string::npos;
    EXPECT_EQ(named, netfilter) << json.out;
    if (!fails) {
      EXPECT_TRUE(causes.empty()) << json.out;
    }
    // status shows host conditions whatever the tests do.
    auto status = nlohmann::json::parse(run({NSWIRE_BIN, "status", file, "--json"}).out);
    EXPECT_TRUE(status["in_sync"].get<bool>());
    EXPECT_NE(status["warnings"].dump().find("br_netfilter"), std::string::npos);
    ASSERT_EQ(run({NSWIRE_BIN, "down", file}).exit_code, 0);
  }
}
