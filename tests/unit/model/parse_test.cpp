// The parser: the full example of the founding design into the model, and each parse-stage finding
// (YAML syntax, types, unknown and duplicate keys, value syntax) at its line:column.
#include "nswire/model/parse.h"
#include "nswire/backend/registry.h"

#include <gtest/gtest.h>

#include <fstream>

#include "nswire/model/validate.h"

using namespace nswire::model;

namespace {

// The founding design's "Topology file", verbatim.
const char* kDesignExample = R"(name: lab1                      # lab identity; ownership marks carry it
backend: ovs                    # default for bridges: linux | ovs
ovs: { datapath: auto }         # auto | system | netdev
bridges:
  br0: { addresses: [10.0.2.1/24] }          # address on the bridge itself (gateway)
  br1: { backend: linux, stp: false }
nodes:                          # each node is a named network namespace
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24], mtu: 1500 }
    routes:
      - { to: default, via: 10.0.2.1 }
    dns: { nameservers: [10.0.2.1], search: [lab.test] }
  red:
    interfaces:
      eth0: { bridge: br1, addresses: [10.0.2.101/24] }   # vlan: N makes it an access port
  web:                          # attach an existing namespace (a container's) instead of creating one
    attach: { pid: 4242 }       # or { path: /var/run/docker/netns/abc }; never deleted by down
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.50/24] }
links:                          # veth pairs that are not node-to-bridge
  - endpoints: [br0, br1]                     # bridge-to-bridge patch (any backend mix)
  - endpoints: [blue:eth1, red:eth1]          # node-to-node
    addresses: [[10.9.0.1/30], [10.9.0.2/30]] # per end, in endpoint order
  - endpoints: [host:veth0, blue:veth1]       # `host` = the namespace nswire runs in (reserved name)
    addresses: [[10.1.1.1/24], [10.1.1.2/24]]
tests:
  - { from: blue, to: red, expect: reachable }       # to: node name (its first address) or an IP
  - { from: blue, to: 10.0.3.9, expect: unreachable }
  - { mesh: [blue, red], expect: reachable }          # every ordered pair
)";

std::vector<Diagnostic> parse_errors(const std::string& text) {
  std::vector<Diagnostic> d;
  parse_string(text, "lab.yaml", nswire::backend::catalog(), d);
  return d;
}

std::string first_error(const std::string& text) {
  auto d = parse_errors(text);
  sort_by_location(d);
  return d.empty() ? std::string("<no error>") : d.front().to_string();
}

}  // namespace

TEST(Parse, DesignExampleIntoTheModel) {
  Lab lab = parse_string(kDesignExample, "lab.yaml", nswire::backend::catalog());
  EXPECT_EQ(lab.version, 1);
  EXPECT_EQ(lab.name, "lab1");
  EXPECT_EQ(lab.backend, "ovs");
  EXPECT_EQ(lab.settings.at("ovs").at("datapath"), "auto");

  ASSERT_EQ(lab.bridges.size(), 2u);
  EXPECT_EQ(lab.bridges[0].name, "br0");
  EXPECT_FALSE(lab.bridges[0].backend);
  ASSERT_EQ(lab.bridges[0].addresses.size(), 1u);
  EXPECT_EQ(lab.bridges[0].addresses[0].to_string(), "10.0.2.1/24");
  EXPECT_EQ(lab.bridges[0].loc.line, 5);
  EXPECT_EQ(lab.bridges[0].loc.column, 3);
  EXPECT_EQ(lab.bridges[1].backend, "linux");
  EXPECT_FALSE(lab.bridges[1].stp);
  EXPECT_EQ(effective_backend(lab, lab.bridges[0]), "ovs");
  EXPECT_EQ(effective_backend(lab, lab.bridges[1]), "linux");

  ASSERT_EQ(lab.nodes.size(), 3u);
  const Node& blue = lab.nodes[0];
  EXPECT_EQ(blue.name, "blue");
  EXPECT_EQ(blue.attach.kind, AttachKind::none);
  ASSERT_EQ(blue.interfaces.size(), 1u);
  const Interface& eth0 = blue.interfaces[0];
  EXPECT_EQ(eth0.name, "eth0");
  EXPECT_EQ(eth0.bridge, "br0");
  EXPECT_EQ(eth0.mtu, 1500);
  EXPECT_FALSE(eth0.vlan);
  EXPECT_EQ(eth0.addresses.at(0).to_string(), "10.0.2.100/24");
  EXPECT_EQ(eth0.loc.file, "lab.yaml");
  EXPECT_EQ(eth0.loc.line, 10);
  EXPECT_EQ(eth0.loc.column, 7);
  ASSERT_EQ(blue.routes.size(), 1u);
  EXPECT_EQ(blue.routes[0].to, IpPrefix::any(AF_INET));
  EXPECT_EQ(blue.routes[0].to.text, "default");
  EXPECT_EQ(blue.routes[0].via->to_string(), "10.0.2.1");
  EXPECT_FALSE(blue.routes[0].dev);
  ASSERT_EQ(blue.dns.nameservers.size(), 1u);
  EXPECT_EQ(blue.dns.nameservers[0].to_string(), "10.0.2.1");
  EXPECT_EQ(blue.dns.search, std::vector<std::string>{"lab.test"});

  const Node& web = lab.nodes[2];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.attach.kind, AttachKind::pid);
  EXPECT_EQ(web.attach.pid, 4242);

  ASSERT_EQ(lab.links.size(), 3u);
  EXPECT_EQ(lab.links[0].endpoints[0].kind, EndpointKind::bridge);
  EXPECT_EQ(lab.links[0].endpoints[0].bridge, "br0");
  EXPECT_EQ(lab.links[0].endpoints[1].bridge, "br1");
  EXPECT_EQ(lab.links[0].patch, Patch::automatic);
  EXPECT_EQ(lab.links[1].endpoints[0].kind, EndpointKind::node);
  EXPECT_EQ(lab.links[1].endpoints[0].node, "blue");
  EXPECT_EQ(lab.links[1].endpoints[0].ifname, "eth1");
  EXPECT_EQ(lab.links[1].addresses[1].at(0).to_string(), "10.9.0.2/30");
  EXPECT_EQ(lab.links[2].endpoints[0].kind, EndpointKind::host);
  EXPECT_EQ(lab.links[2].endpoints[0].ifname, "veth0");
  EXPECT_EQ(lab.links[2].endpoints[0].node, "");
  EXPECT_EQ(lab.links[2].loc.line, 25);

  ASSERT_EQ(lab.tests.size(), 3u);
  EXPECT_EQ(lab.tests[0].from, "blue");
  EXPECT_EQ(lab.tests[0].to, "red");
  EXPECT_EQ(lab.tests[0].expect, Expect::reachable);
  EXPECT_EQ(lab.tests[0].proto, Proto::icmp);
  EXPECT_EQ(lab.tests[1].to, "10.0.3.9");
  EXPECT_EQ(lab.tests[1].expect, Expect::unreachable);
  EXPECT_TRUE(lab.tests[2].is_mesh());
  EXPECT_EQ(lab.tests[2].mesh, (std::vector<std::string>{"blue", "red"}));

  EXPECT_EQ(first_address(lab, lab.nodes[1])->to_string(), "10.0.2.101/24");
}

TEST(Parse, DesignExampleValidatesCleanWhenThePidExists) {
  ValidateOptions opts;
  std::vector<std::string> asked;
  opts.path_exists = [&](const std::string& p) {
    asked.push_back(p);
    return p == "/proc/4242/ns/net";
  };
  Checked c = check_string(kDesignExample, "lab.yaml", nswire::backend::catalog(), opts);
  for (const auto& d : c.diagnostics) ADD_FAILURE() << d.to_string();
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(asked, std::vector<std::string>{"/proc/4242/ns/net"});
}

TEST(Parse, LocationsDoNotTakePartInEquality) {
  Lab a = parse_string(kDesignExample, "a.yaml", nswire::backend::catalog());
  Lab b = parse_string(std::string("\n\n") + kDesignExample, "b.yaml", nswire::backend::catalog());
  EXPECT_EQ(a, b);
  EXPECT_NE(a.nodes[0].loc.line, b.nodes[0].loc.line);
  b.nodes[0].interfaces[0].mtu = 9000;
  EXPECT_NE(a, b);
}

TEST(Parse, ThrowingFormCarriesEveryError) {
  try {
    parse_string("name: x\nbackend: foo\nbridges: []\n", "lab.yaml", nswire::backend::catalog());
    FAIL() << "no throw";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].to_string(), "lab.yaml:2:10: bad backend \"foo\" (expected linux, ovs or ovn)");
    EXPECT_EQ(e.diagnostics()[1].to_string(), "lab.yaml:3:10: \"bridges\" must be a map, not a list");
    EXPECT_NE(std::string(e.what()).find("\n"), std::string::npos);
  }
}

TEST(Parse, YamlSyntaxErrorHasLineAndColumn) {
  std::string msg = first_error("name: x\nnodes:\n  blue: { interfaces: [ }\n");
  EXPECT_EQ(msg.rfind("lab.yaml:3:", 0), 0u) << msg;
  EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;
}

TEST(Parse, UnknownKeySuggestsTheNearestOne) {
  EXPECT_EQ(first_error("name: x\nbridges:\n  br0: { adresses: [10.0.0.1/24] }\n"),
            "lab.yaml:3:10: bridge \"br0\": unknown key \"adresses\" (did you mean \"addresses\"?)");
  EXPECT_EQ(first_error("name: x\nnodez: {}\n"),
            "lab.yaml:2:1: unknown key \"nodez\" (did you mean \"nodes\"?)");
  std::string far = first_error("name: x\nzzzzzzzzzz: 1\n");
  EXPECT_NE(far.find("expected one of: version name backend"), std::string::npos) << far;
}

TEST(Parse, DuplicateKeysAreErrors) {
  EXPECT_EQ(first_error("name: x\nnodes:\n  a: {}\n  a: {}\n"), "lab.yaml:4:3: node \"a\" given twice");
  EXPECT_EQ(first_error("name: x\nname: y\n"), "lab.yaml:2:1: key \"name\" given twice");
}

TEST(Parse, WrongTypesAreNamed) {
  EXPECT_EQ(first_error("name: x\nnodes:\n  a: hello\n"), "lab.yaml:3:6: node \"a\": must be a map, not a scalar");
  EXPECT_EQ(first_error("name: [x]\n"), "lab.yaml:1:7: \"name\" must be a scalar, not a list");
  EXPECT_EQ(first_error("name: x\nnodes:\n  a: { interfaces: { e0: { bridge: b, mtu: big } } }\n"),
            "lab.yaml:3:44: node \"a\": interface \"e0\": \"mtu\": \"big\" is not an integer");
  EXPECT_EQ(first_error("name: x\nbridges:\n  b: { stp: maybe }\n"),
            "lab.yaml:3:13: bridge \"b\": \"stp\": \"maybe\" is not a boolean (true or false)");
  EXPECT_EQ(first_error("- a\n- b\n"), "lab.yaml:1:1: the lab file must be a map, not a list");
}

TEST(Parse, BadAddressNamesTheObject) {
  EXPECT_EQ(first_error("name: x\nnodes:\n  blue:\n    interfaces:\n      eth0: { bridge: b, addresses: [10.0.2.300/24] }\n"),
            "lab.yaml:5:38: node \"blue\": interface \"eth0\": bad address \"10.0.2.300/24\"");
  EXPECT_EQ(first_error("name: x\nbridges:\n  b: { addresses: [10.0.0.1] }\n"),
            "lab.yaml:3:20: bridge \"b\": bad address \"10.0.0.1\" (expected ADDRESS/PREFIX)");
}

TEST(Parse, BadEndpointSyntax) {
  for (const char* ep : {"\":eth0\"", "\"blue:\"", "\"a:b:c\"", "\"\""}) {
    std::string text = std::string("name: x\nlinks:\n  - endpoints: [") + ep + ", br0]\n";
    std::string msg = first_error(text);
    EXPECT_NE(msg.find("bad endpoint"), std::string::npos) << msg;
    EXPECT_EQ(msg.rfind("lab.yaml:3:17: link 1:", 0), 0u) << msg;
  }
  EXPECT_EQ(first_error("name: x\nlinks:\n  - endpoints: [br0]\n"),
            "lab.yaml:3:16: link 1: \"endpoints\" must be a list of 2 endpoints, not 1 of them");
}

TEST(Parse, EnumerationsAndVersion) {
  EXPECT_EQ(first_error("name: x\nversion: 2\n"), "lab.yaml:2:10: unsupported version 2 (this nswire reads version 1)");
  EXPECT_EQ(first_error("name: x\novs: { datapath: kernel }\n"),
            "lab.yaml:2:18: ovs: bad datapath \"kernel\" (expected auto, system or netdev)");
  EXPECT_EQ(first_error("name: x\ntests:\n  - { from: a, to: b, expect: maybe }\n"),
            "lab.yaml:3:31: test 1: bad expect \"maybe\" (expected reachable or unreachable)");
  EXPECT_EQ(first_error("name: x\ntests:\n  - { from: a, to: b, proto: sctp }\n"),
            "lab.yaml:3:30: test 1: bad proto \"sctp\" (expected icmp, tcp or udp)");
  EXPECT_EQ(first_error("name: x\nlinks:\n  - { endpoints: [a, b], patch: gre }\n"),
            "lab.yaml:3:33: link 1: bad patch \"gre\" (expected auto, veth, native or ovs)");
}

TEST(Parse, RoutesV6DefaultAndMissingTo) {
  Lab lab = parse_string("name: x\nnodes:\n  a:\n    routes:\n      - { to: default, via: 'fd00::1' }\n"
                         "      - { to: '10.1.0.0/16', dev: eth0 }\n", "lab.yaml", nswire::backend::catalog());
  ASSERT_EQ(lab.nodes[0].routes.size(), 2u);
  EXPECT_EQ(lab.nodes[0].routes[0].to, IpPrefix::any(AF_INET6));
  EXPECT_EQ(lab.nodes[0].routes[1].dev, "eth0");
  EXPECT_EQ(first_error("name: x\nnodes:\n  a:\n    routes:\n      - { via: 10.0.0.1 }\n"),
            "lab.yaml:5:9: node \"a\": route: missing required key \"to\" (\"default\" or a prefix)");
  EXPECT_EQ(first_error("name: x\nnodes:\n  a:\n    routes:\n      - { to: 10.0.0.0/8, via: 10.0.0.256 }\n"),
            "lab.yaml:5:32: node \"a\": route: bad gateway address \"10.0.0.256\"");
}

TEST(Parse, AttachNeedsExactlyOneOfPidOrPath) {
  EXPECT_EQ(first_error("name: x\nnodes:\n  a: { attach: {} }\n"), "lab.yaml:3:16: node \"a\": attach needs \"pid\" or \"path\"");
  EXPECT_EQ(first_error("name: x\nnodes:\n  a: { attach: { pid: 1, path: /x } }\n"),
            "lab.yaml:3:16: node \"a\": attach takes \"pid\" or \"path\", not both");
  // One mistake, one error: a bad pid is not also "needs pid or path".
  auto d = parse_errors("name: x\nnodes:\n  a: { attach: { pid: __PID__ } }\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].to_string(), "lab.yaml:3:23: node \"a\": attach: \"pid\": \"__PID__\" is not an integer");
  EXPECT_EQ(first_error("name: x\nnodes:\n  a: { attach: { pid: x, path: /x } }\n"),
            "lab.yaml:3:16: node \"a\": attach takes \"pid\" or \"path\", not both");
  Lab lab = parse_string("name: x\nnodes:\n  a: { attach: { path: /run/netns/x } }\n", "lab.yaml", nswire::backend::catalog());
  EXPECT_EQ(lab.nodes[0].attach.kind, AttachKind::path);
  EXPECT_EQ(lab.nodes[0].attach.path, "/run/netns/x");
}

TEST(Parse, TestsAndSysctls) {
  Lab lab = parse_string(
      "name: x\nnodes:\n  r:\n    sysctls: { net.ipv4.ip_forward: 1, net.ipv6.conf.all.forwarding: 1 }\n"
      "tests:\n  - { from: a, to: b, proto: tcp, port: 80, count: 3, timeout_ms: 250 }\n",
      "lab.yaml", nswire::backend::catalog());
  EXPECT_EQ(lab.nodes[0].sysctls.at("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(lab.nodes[0].sysctls.size(), 2u);
  const ConnectivityTest& t = lab.tests.at(0);
  EXPECT_EQ(t.proto, Proto::tcp);
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(t.count, 3);
  EXPECT_EQ(t.timeout_ms, 250);
  EXPECT_EQ(first_error("name: x\ntests:\n  - { from: a, mesh: [a, b] }\n"),
            "lab.yaml:3:5: test 1: a test has either \"mesh\" or \"from\"/\"to\", not both");
  EXPECT_EQ(first_error("name: x\ntests:\n  - { from: a }\n"), "lab.yaml:3:5: test 1: missing required key \"to\"");
}

TEST(Parse, ReportsEveryErrorNotOnlyTheFirst) {
  auto d = parse_errors("name: x\nbackend: bsd\nbridges:\n  b: { mtu: x, stp: 2 }\nnodez: {}\n");
  EXPECT_EQ(d.size(), 4u);
}

TEST(Parse, EmptyAndMultiDocument) {
  EXPECT_EQ(first_error(""), "lab.yaml:1:1: empty lab file (expected a map with at least \"name\")");
  EXPECT_EQ(first_error("name: a\n---\nname: b\n"), "lab.yaml:2:1: more than one YAML document in a lab file");
}

TEST(Parse, AliasBombStopsWithOneError) {
  // Each level doubles; without a budget the walk would visit 2^25 values.
  std::string text = "name: x\nx0: &a0 [1, 1]\n";
  for (int i = 1; i < 25; ++i) {
    text += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + "]\n";
  }
  text += "tests:\n  - { mesh: *a24 }\n";
  auto d = parse_errors(text);
  EXPECT_LT(d.size(), 600u);  // bounded: unknown keys plus at most the error budget
}

TEST(Parse, FileThatDoesNotExist) {
  std::vector<Diagnostic> d;
  parse_file("/nonexistent/lab.yaml", nswire::backend::catalog(), d);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].to_string(), "/nonexistent/lab.yaml: cannot open the lab file: No such file or directory");
  EXPECT_THROW(parse_file("/nonexistent/lab.yaml", nswire::backend::catalog()), ParseError);
}
