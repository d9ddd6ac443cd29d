// The validator: each whole-lab rule, once failing and (where the rule has a near miss) once
// passing, through check_string so the file:line:col of each finding is checked as well.
#include "nswire/model/validate.h"
#include "nswire/netns/attach_target.h"
#include "nswire/backend/registry.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace nswire::model;

namespace {

// A lab that is valid on its own; each test appends what it needs.
const std::string kBase = R"(name: lab1
bridges:
  br0: { addresses: [10.0.2.1/24] }
  br1: { backend: ovs }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24] }
    routes:
      - { to: default, via: 10.0.2.1 }
  red:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.101/24] }
)";

Checked check(const std::string& text) {
  ValidateOptions opts;
  opts.path_exists = [](const std::string& p) { return p == "/proc/77/ns/net" || p == "/run/netns/c1"; };
  return check_string(text, "lab.yaml", nswire::backend::catalog(), opts);
}

// Every diagnostic, "file:line:col: message", in order.
std::vector<std::string> all(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : check(text).diagnostics) out.push_back(d.to_string());
  return out;
}

std::string dump(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "\n  " + x;
  return s.empty() ? "\n  <none>" : s;
}

::testing::AssertionResult Reports(const std::string& text, const std::string& expected) {
  auto v = all(text);
  for (const auto& m : v) {
    if (m == expected) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected: " << expected << "\ngot:" << dump(v);
}

::testing::AssertionResult Clean(const std::string& text) {
  auto v = all(text);
  if (v.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected no findings, got:" << dump(v);
}

}  // namespace

TEST(Validate, BaseLabIsClean) { EXPECT_TRUE(Clean(kBase)); }

TEST(Validate, LabNameMustFitOwnershipMarks) {
  std::string body = kBase.substr(kBase.find('\n') + 1);
  EXPECT_TRUE(Reports("name: 'my lab'\n" + body,
                      "lab.yaml:1:1: lab name \"my lab\" cannot go into ownership marks (1 to 32 of A-Z a-z 0-9 _ . -)"));
  EXPECT_TRUE(Reports("name: " + std::string(33, 'a') + "\n" + body,
                      "lab.yaml:1:1: lab name \"" + std::string(33, 'a') + "\" cannot go into ownership marks (1 to 32 of A-Z a-z 0-9 _ . -)"));
  EXPECT_TRUE(Clean("name: " + std::string(32, 'a') + "\n" + body));
  EXPECT_TRUE(Clean("name: Lab_1.x-y\n" + body));
  EXPECT_TRUE(Reports(body, "lab.yaml:1:1: missing required key \"name\" (the lab's name)"));
  EXPECT_TRUE(is_valid_lab_name("a"));
  EXPECT_FALSE(is_valid_lab_name(""));
  EXPECT_FALSE(is_valid_lab_name("a/b"));
}

TEST(Validate, InterfaceNameRules) {
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      a-very-long-name0: { bridge: br0 }\n",
                      "lab.yaml:16:7: node \"green\": interface name \"a-very-long-name0\" exceeds 15 bytes"));
  EXPECT_TRUE(Clean(kBase + "  green:\n    interfaces:\n      a-very-long-nam: { bridge: br0 }\n"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      'a/b': { bridge: br0 }\n",
                      "lab.yaml:16:7: node \"green\": interface name \"a/b\" contains '/'"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      'a b': { bridge: br0 }\n",
                      "lab.yaml:16:7: node \"green\": interface name \"a b\" contains whitespace or a control character"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      'a..b': { bridge: br0 }\n",
                      "lab.yaml:16:7: node \"green\": interface name \"a..b\" contains \"..\""));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      '': { bridge: br0 }\n",
                      "lab.yaml:16:7: node \"green\": interface name \"\" is empty"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      lo: { bridge: br0 }\n",
                      "lab.yaml:16:7: node \"green\": interface name \"lo\" is the namespace's loopback"));
}

TEST(Validate, BridgeNameRules) {
  EXPECT_TRUE(Reports(kBase + "brigdes: {}\n", "lab.yaml:14:1: unknown key \"brigdes\" (did you mean \"bridges\"?)"));
  std::string text = "name: x\nbridges:\n  'br:0': {}\n  bridge-too-long-x: {}\n";
  EXPECT_TRUE(Reports(text, "lab.yaml:3:3: bridge name \"br:0\" contains ':'"));
  EXPECT_TRUE(Reports(text, "lab.yaml:4:3: bridge name \"bridge-too-long-x\" exceeds 15 bytes"));
}

TEST(Validate, NodeNameRules) {
  EXPECT_TRUE(Reports("name: x\nnodes:\n  host: {}\n",
                      "lab.yaml:3:3: node \"host\": \"host\" is reserved for the namespace nswire runs in; pick another name"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  'a/b': {}\n", "lab.yaml:3:3: node name \"a/b\" contains '/'"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  '..': {}\n", "lab.yaml:3:3: node name \"..\" contains \"..\""));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  'a b': {}\n", "lab.yaml:3:3: node name \"a b\" contains whitespace or a control character"));
  // Namespace names may be long (they are files), unlike interface names.
  EXPECT_TRUE(Clean("name: x\nnodes:\n  " + std::string(200, 'n') + ": {}\n"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  " + std::string(256, 'n') + ": {}\n",
                      "lab.yaml:3:3: node name \"" + std::string(256, 'n') + "\" exceeds 255 bytes"));
}

TEST(Validate, UnknownBridgeSuggestsOne) {
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br2 }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": unknown bridge \"br2\" (did you mean \"br0\"?)"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: lan }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": unknown bridge \"lan\""));
}

TEST(Validate, MissingBridgeKeyIsReported) {
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { addresses: [10.0.2.7/24] }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": missing required key \"bridge\""));
}

TEST(Validate, VlanAndMtuRanges) {
  for (int bad : {0, 4095, -1}) {
    EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, vlan: " + std::to_string(bad) + " }\n",
                        "lab.yaml:16:7: node \"green\": interface \"eth0\": vlan " + std::to_string(bad) + " out of range 1..4094"));
  }
  EXPECT_TRUE(Clean(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, vlan: 4094 }\n"));
  EXPECT_TRUE(Clean(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, vlan: 1, mtu: 9000 }\n"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, mtu: 67 }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": mtu 67 out of range 68..65535"));
  EXPECT_TRUE(Reports("name: x\nbridges:\n  b: { mtu: 70000 }\n", "lab.yaml:3:3: bridge \"b\": mtu 70000 out of range 68..65535"));
}

TEST(Validate, MacSyntax) {
  EXPECT_TRUE(Clean(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, mac: '02:00:00:aa:bb:cc' }\n"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, mac: '02:00:00:aa:bb' }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": mac \"02:00:00:aa:bb\" is not six hex octets like 02:00:00:00:00:01"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, mac: '01:00:5e:00:00:01' }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": mac \"01:00:5e:00:00:01\" is a multicast address"));
}

TEST(Validate, DuplicateAddressesAcrossTheLab) {
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.2.100/16] }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": address 10.0.2.100 is already used by "
                      "node \"blue\" interface \"eth0\" (lab.yaml:8:7)"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.2.1/24] }\n",
                      "lab.yaml:16:7: node \"green\": interface \"eth0\": address 10.0.2.1 is already used by "
                      "bridge \"br0\" (lab.yaml:3:3)"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [blue:eth1, red:eth1]\n    addresses: [['fd00::1/64'], ['FD00:0::1/64']]\n",
                      "lab.yaml:15:28: link \"blue:eth1 -- red:eth1\": address fd00::1 is already used by link end \"blue:eth1\" (lab.yaml:15:17)"));
}

TEST(Validate, InterfaceUsedTwiceInANode) {
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [blue:eth0, red:eth9]\n",
                      "lab.yaml:15:17: link \"blue:eth0 -- red:eth9\": endpoint \"blue:eth0\" is already used by "
                      "node \"blue\" interface \"eth0\" (lab.yaml:8:7)"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [blue:eth1, red:eth1]\n  - endpoints: [blue:eth1, red:eth2]\n",
                      "lab.yaml:16:17: link \"blue:eth1 -- red:eth2\": endpoint \"blue:eth1\" is already used by "
                      "link \"blue:eth1 -- red:eth1\" (lab.yaml:15:17)"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [host:v0, blue:eth1]\n  - endpoints: [host:v0, red:eth1]\n",
                      "lab.yaml:16:17: link \"host:v0 -- red:eth1\": endpoint \"host:v0\" is already used by "
                      "link \"host:v0 -- blue:eth1\" (lab.yaml:15:17)"));
  // The same interface name in two different nodes is fine.
  EXPECT_TRUE(Clean(kBase + "links:\n  - endpoints: [blue:eth1, red:eth1]\n"));
}

TEST(Validate, LinkEndpointsMustResolve) {
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [br0, blue]\n",
                      "lab.yaml:15:22: link \"br0 -- blue\": endpoint \"blue\" is not a bridge (a node's end is written \"blue:IFNAME\")"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [br0, br9]\n",
                      "lab.yaml:15:22: link \"br0 -- br9\": endpoint \"br9\" is not a bridge (did you mean \"br0\"?)"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [blue:eth1, gren:eth1]\n",
                      "lab.yaml:15:28: link \"blue:eth1 -- gren:eth1\": unknown node \"gren\" in endpoint \"gren:eth1\""));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [blue:eth1, rde:eth1]\n",
                      "lab.yaml:15:28: link \"blue:eth1 -- rde:eth1\": unknown node \"rde\" in endpoint \"rde:eth1\" (did you mean \"red\"?)"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [br0, br0]\n", "lab.yaml:15:5: link \"br0 -- br0\": both endpoints are \"br0\""));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [host:br0, blue:eth1]\n",
                      "lab.yaml:15:17: link \"host:br0 -- blue:eth1\": host interface \"br0\" has the name of a bridge"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [host:this-is-too-long, blue:eth1]\n",
                      "lab.yaml:15:17: link \"host:this-is-too-long -- blue:eth1\": interface name \"this-is-too-long\" exceeds 15 bytes"));
  EXPECT_TRUE(Clean(kBase + "links:\n  - endpoints: [br0, red:eth1]\n"));
}

// What a lab may ask of a backend comes from the backend's traits (the registry), not from its
// name: the same file checked against a catalog whose backends lack a feature is refused there.
TEST(Validate, BackendTraitsDecideWhatALabMayAsk) {
  nswire::backend::Catalog limited = nswire::backend::catalog();
  for (auto& b : limited) {
    b.traits.stp = false;
    b.traits.native_patches = false;
  }
  auto errors = [&](const std::string& text) {
    std::vector<std::string> out;
    for (const auto& d : check_string(text, "lab.yaml", limited).diagnostics) out.push_back(d.to_string());
    return out;
  };
  std::string stp = "name: x\nbackend: ovs\nbridges:\n  br0: { stp: true }\n";
  EXPECT_TRUE(check(stp).ok());
  EXPECT_EQ(errors(stp), std::vector<std::string>{"lab.yaml:4:3: bridge \"br0\": stp: the ovs backend has no spanning tree"});
  std::string patched = "name: x\nbackend: ovs\nbridges: { a: {}, b: {} }\nlinks:\n  - { endpoints: [a, b], patch: native }\n";
  EXPECT_TRUE(check(patched).ok());
  EXPECT_EQ(errors(patched), std::vector<std::string>{"lab.yaml:5:5: link \"a -- b\": patch: native: the ovs backend has no native "
                                                      "patches; join its bridges with patch: veth"});
  EXPECT_TRUE(Reports("name: x\nbridges: { a: {}, b: { backend: ovs } }\nlinks:\n  - { endpoints: [a, b], patch: native }\n",
                      "lab.yaml:4:5: link \"a -- b\": patch: native needs both bridges on one backend, and \"a\" is served by "
                      "linux, \"b\" by ovs"));
  // A backend without native patches cannot be named as one.
  EXPECT_TRUE(Reports("name: x\nbridges: { a: {}, b: {} }\nlinks:\n  - { endpoints: [a, b], patch: linux }\n",
                      "lab.yaml:4:33: link 1: bad patch \"linux\": the linux backend has no native patches (expected auto, veth, native or ovs)"));
}

TEST(Validate, BridgeNamesABackendKeepsForItselfAreRefused) {
  for (const char* name : {"ovs-system", "ovs-netdev"})
    EXPECT_TRUE(Reports(std::string("name: x\nbackend: ovs\nbridges:\n  ") + name + ": {}\n",
                        std::string("lab.yaml:4:3: bridge name \"") + name + "\" is reserved by the ovs backend for its own device"));
  EXPECT_TRUE(Clean("name: x\nbridges:\n  ovs-system: {}\n"));  // a Linux bridge may take the name
}

TEST(Validate, LinkAddressesAndPatch) {
  EXPECT_TRUE(Reports(kBase + "links:\n  - endpoints: [br0, blue:eth1]\n    addresses: [[10.5.0.1/24], []]\n",
                      "lab.yaml:15:17: link \"br0 -- blue:eth1\": addresses given for bridge endpoint \"br0\" (put them on the bridge)"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - { endpoints: [br0, br1], patch: ovs }\n",
                      "lab.yaml:15:5: link \"br0 -- br1\": patch: ovs needs ovs bridges, and \"br0\" is served by the linux backend"));
  EXPECT_TRUE(Clean("backend: ovs\n" + kBase + "links:\n  - { endpoints: [br0, br1], patch: ovs }\n"));
  EXPECT_TRUE(Clean(kBase + "links:\n  - { endpoints: [br0, br1], patch: veth, mtu: 1400 }\n"));
  EXPECT_TRUE(Reports(kBase + "links:\n  - { endpoints: [blue:e1, red:e1], patch: veth }\n",
                      "lab.yaml:15:5: link \"blue:e1 -- red:e1\": \"patch\" applies only to bridge-to-bridge links"));
}

TEST(Validate, RoutesFamiliesDevsAndGateways) {
  EXPECT_TRUE(Reports(kBase + "  green:\n    routes:\n      - { to: 10.9.0.0/16, via: 'fd00::1' }\n",
                      "lab.yaml:16:9: node \"green\": route to 10.9.0.0/16: gateway fd00::1 is not of the destination's address family"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    routes:\n      - { to: 10.9.0.0/16, dev: eth7 }\n",
                      "lab.yaml:16:9: node \"green\": route to 10.9.0.0/16: dev \"eth7\" is not an interface of the node"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    routes:\n      - { to: default }\n",
                      "lab.yaml:16:9: node \"green\": route to default: needs \"via\" or \"dev\""));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.2.7/24] }\n    routes:\n      - { to: default, via: 10.0.3.1 }\n",
                      "lab.yaml:18:9: warning: node \"green\": route to default: gateway 10.0.3.1 is outside every subnet of the node's addresses"));
  EXPECT_TRUE(Reports(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.2.7/24] }\n    routes:\n      - { to: 10.8.0.0/16, via: 10.0.2.1 }\n      - { to: 10.8.1.0/16, via: 10.0.2.2 }\n",
                      "lab.yaml:19:9: node \"green\": route to 10.8.1.0/16: a route to 10.8.0.0/16 is given twice"));
  EXPECT_TRUE(Clean(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0 }\n    routes:\n      - { to: '::/0', via: 'fe80::1', dev: eth0 }\n"));
  // A gateway reached through a link's address counts, and a dev that is a link end too.
  EXPECT_TRUE(Clean(kBase + "  green:\n    routes:\n      - { to: '::/0', via: 'fd00::2', dev: e1 }\n"
                            "links:\n  - endpoints: [green:e1, red:e1]\n    addresses: [['fd00::1/64'], ['fd00::2/64']]\n"));
}

TEST(Validate, WarningsDoNotMakeALabInvalid) {
  Checked c = check(kBase + "  green:\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.2.7/24] }\n    routes:\n      - { to: default, via: 10.0.3.1 }\n");
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].severity, Severity::warning);
  EXPECT_TRUE(c.ok());
}

TEST(Validate, BridgeAddressThatIsTheNetworkAddressWarns) {
  auto v = all("name: x\nbridges:\n  b: { addresses: [10.0.2.0/24] }\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], "lab.yaml:3:3: warning: bridge \"b\": address \"10.0.2.0/24\" is the subnet's network address; "
                  "a gateway is usually a host address such as the first one");
}

TEST(Validate, AttachPidAndPathMustExist) {
  EXPECT_TRUE(Reports("name: x\nnodes:\n  web: { attach: { pid: 4242 } }\n",
                      "lab.yaml:3:18: node \"web\": attach: no process with pid 4242 (/proc/4242/ns/net does not exist)"));
  EXPECT_TRUE(Clean("name: x\nnodes:\n  web: { attach: { pid: 77 } }\n"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  web: { attach: { path: /run/netns/c2 } }\n",
                      "lab.yaml:3:18: node \"web\": attach: path \"/run/netns/c2\" does not exist"));
  EXPECT_TRUE(Clean("name: x\nnodes:\n  web: { attach: { path: /run/netns/c1 } }\n"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  web: { attach: { path: netns/c1 } }\n",
                      "lab.yaml:3:18: node \"web\": attach: path \"netns/c1\" must be absolute"));
  EXPECT_TRUE(Reports("name: x\nnodes:\n  web: { attach: { pid: 0 } }\n", "lab.yaml:3:18: node \"web\": attach: bad pid 0"));
}

TEST(Validate, AttachUsesRealStatByDefault) {
  EXPECT_FALSE(check_string("name: x\nnodes:\n  me: { attach: { path: /nonexistent/ns } }\n", "lab.yaml", nswire::backend::catalog()).ok());
}

// With the machine's check the CLI passes (netns::attach_path_problem), the namespace this
// process runs in cannot be attached, by pid or by path: that is what `host:` endpoints are for.
TEST(Validate, AttachingTheNamespaceNswireRunsInIsRefused) {
  ValidateOptions machine{.path_exists = {}, .attach_problem = nswire::netns::attach_path_problem};
  auto first_error = [&](const std::string& text) {
    auto c = check_string(text, "lab.yaml", nswire::backend::catalog(), machine);
    for (const auto& d : c.diagnostics)
      if (d.severity == Severity::error) return d.to_string();
    return std::string();
  };
  std::string pid = std::to_string(getpid());
  EXPECT_EQ(first_error("name: x\nnodes:\n  me: { attach: { pid: " + pid + " } }\n")
                .rfind("lab.yaml:3:17: node \"me\": attach: pid " + pid + " (/proc/" + pid +
                           "/ns/net) is the network namespace nswire runs in",
                       0),
            0u);
  std::string by_path = first_error("name: x\nnodes:\n  me: { attach: { path: /proc/self/ns/net } }\n");
  EXPECT_NE(by_path.find("attach: path \"/proc/self/ns/net\" is the network namespace nswire runs in"), std::string::npos)
      << by_path;
  EXPECT_NE(by_path.find("`host:` endpoints"), std::string::npos) << by_path;
  // Something that exists but is no network namespace says what it is.
  EXPECT_NE(first_error("name: x\nnodes:\n  me: { attach: { path: /proc/self/ns/uts } }\n").find("is a UTS namespace, not a network namespace"),
            std::string::npos);
  EXPECT_NE(first_error("name: x\nnodes:\n  me: { attach: { path: /proc/self/status } }\n").find("is a regular file, not a network namespace"),
            std::string::npos);
  EXPECT_NE(first_error("name: x\nnodes:\n  me: { attach: { path: /tmp } }\n").find("is a directory, not a network namespace"),
            std::string::npos);
}

TEST(Validate, TestsReferToNodesWithAddresses) {
  EXPECT_TRUE(Clean(kBase + "tests:\n  - { from: blue, to: red }\n  - { from: blue, to: 10.0.3.9, expect: unreachable }\n  - { mesh: [blue, red] }\n"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { from: bleu, to: red }\n",
                      "lab.yaml:15:5: test bleu -> red: unknown node \"bleu\" in \"from\" (did you mean \"blue\"?)"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { from: blue, to: www }\n",
                      "lab.yaml:15:5: test blue -> www: \"to\" \"www\" is neither a node nor an IP address"));
  EXPECT_TRUE(Reports(kBase + "  green: {}\ntests:\n  - { from: blue, to: green }\n",
                      "lab.yaml:16:5: test blue -> green: node \"green\" has no address to test"));
  EXPECT_TRUE(Reports(kBase + "  green: {}\ntests:\n  - { mesh: [blue, green] }\n",
                      "lab.yaml:16:5: test mesh: node \"green\" has no address to test"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { mesh: [blue, purple] }\n",
                      "lab.yaml:15:5: test mesh: unknown node \"purple\" in \"mesh\""));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { mesh: [blue, blue] }\n", "lab.yaml:15:5: test mesh: node \"blue\" is listed twice"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { mesh: [blue] }\n", "lab.yaml:15:5: warning: test mesh: a mesh of one node tests nothing"));
}

TEST(Validate, TestProtocolsAndLimits) {
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { from: blue, to: red, proto: tcp }\n",
                      "lab.yaml:15:5: test blue -> red: tcp needs a port in 1..65535"));
  EXPECT_TRUE(Clean(kBase + "tests:\n  - { from: blue, to: red, proto: udp, port: 53 }\n"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { from: blue, to: red, port: 53 }\n",
                      "lab.yaml:15:5: warning: test blue -> red: port is ignored for icmp"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { from: blue, to: red, count: 0 }\n",
                      "lab.yaml:15:5: test blue -> red: count 0 out of range 1..1000"));
  EXPECT_TRUE(Reports(kBase + "tests:\n  - { from: blue, to: red, timeout_ms: 0 }\n",
                      "lab.yaml:15:5: test blue -> red: timeout_ms 0 out of range 1..600000"));
}

TEST(Validate, SysctlsStayInTheNamespace) {
  EXPECT_TRUE(Clean(kBase + "  router:\n    sysctls: { net.ipv4.ip_forward: 1, net/ipv4/conf/eth0.10/rp_filter: 0 }\n"));
  EXPECT_TRUE(Reports(kBase + "  router:\n    sysctls: { kernel.panic: 1 }\n",
                      "lab.yaml:14:3: node \"router\": sysctl \"kernel.panic\" is not per network namespace (only net.* sysctls are)"));
  EXPECT_TRUE(Reports(kBase + "  router:\n    sysctls: { net/../kernel/panic: 1 }\n",
                      "lab.yaml:14:3: node \"router\": sysctl \"net/../kernel/panic\" has an empty, \".\" or \"..\" component"));
}

TEST(Validate, DnsSearchDomains) {
  EXPECT_TRUE(Reports(kBase + "  green:\n    dns: { search: ['a b'] }\n", "lab.yaml:14:3: node \"green\": dns: bad search domain \"a b\""));
  EXPECT_TRUE(Reports(kBase + "  green:\n    dns: { nameservers: [1.1.1.1, 1.0.0.1, 8.8.8.8, 9.9.9.9] }\n",
                      "lab.yaml:14:3: warning: node \"green\": dns: more than 3 nameservers; the resolver uses only the first 3"));
}

TEST(Validate, AllErrorsAreReportedSortedByPlace) {
  auto v = all("name: 'bad name'\nbridges:\n  b: { mtu: 1 }\nnodes:\n  host: {}\n  n1:\n    interfaces:\n      e0: { bridge: nope, vlan: 5000 }\n");
  ASSERT_EQ(v.size(), 5u) << dump(v);
  EXPECT_NE(v[0].find("lab.yaml:1:1: lab name"), std::string::npos);
  EXPECT_NE(v[1].find("lab.yaml:3:3: bridge \"b\": mtu 1"), std::string::npos);
  EXPECT_NE(v[2].find("lab.yaml:5:3: node \"host\""), std::string::npos);
  EXPECT_NE(v[3].find("lab.yaml:8:7: node \"n1\": interface \"e0\": unknown bridge"), std::string::npos);
  EXPECT_NE(v[4].find("lab.yaml:8:7: node \"n1\": interface \"e0\": vlan 5000"), std::string::npos);
}

TEST(Validate, ValidatesLabsBuiltInCode) {
  Lab lab;
  lab.name = "code";
  lab.nodes.push_back(Node{.name = "a", .interfaces = {Interface{.name = "eth0", .bridge = "missing"}}});
  auto d = validate(lab, nswire::backend::catalog());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "node \"a\": interface \"eth0\": unknown bridge \"missing\"");
  EXPECT_EQ(d[0].line, 0);
}

TEST(Validate, FindingsAreCappedForPathologicalLabs) {
  Lab lab;
  lab.name = "big";
  Node n{.name = "a"};
  for (int i = 0; i < 2000; ++i) n.interfaces.push_back(Interface{.name = "e" + std::to_string(i), .bridge = "nope"});
  lab.nodes.push_back(n);
  auto d = validate(lab, nswire::backend::catalog());
  ASSERT_EQ(d.size(), 501u);
  EXPECT_EQ(d.back().message, "too many findings; the rest are not shown");
}

// A subinterface's tagged frames must be able to leave through its parent's port: warned where the
// file makes the port drop them, refused where the backend can never carry them.
TEST(Validate, SubinterfaceParentsThatDropItsFrames) {
  auto router = [](const std::string& backend, const std::string& port) {
    return "name: x\nbackend: " + backend + "\nbridges: { br0: {} }\nnodes:\n  r:\n    interfaces:\n      eth0: { bridge: br0" + port +
           " }\n      eth0.10: { parent: eth0 }\n";
  };
  EXPECT_TRUE(Reports(router("ovs", ", vlan: 20"),
                      "lab.yaml:8:7: warning: node \"r\": interface \"eth0.10\": its parent \"eth0\" is an access port of VLAN 20 "
                      "on \"br0\": frames tagged 10 are dropped there (give \"eth0\" trunks: [10])"));
  EXPECT_TRUE(Reports(router("ovs", ", trunks: [20]"),
                      "lab.yaml:8:7: warning: node \"r\": interface \"eth0.10\": VLAN 10 is not among the trunks of its parent "
                      "\"eth0\" on \"br0\": its frames are dropped there"));
  EXPECT_TRUE(Reports(router("linux", ""),
                      "lab.yaml:8:7: warning: node \"r\": interface \"eth0.10\": its parent \"eth0\" lists no trunks: the linux "
                      "bridge \"br0\" drops its tagged frames once a port there uses VLANs (give \"eth0\" trunks: [10])"));
  // OVS trunks every VLAN on a port without a tag or trunks: nothing to say.
  EXPECT_TRUE(Clean(router("ovs", "")));
  EXPECT_TRUE(Clean(router("linux", ", trunks: [10]")));
  EXPECT_TRUE(Reports(router("ovn", ""),
                      "lab.yaml:8:7: node \"r\": interface \"eth0.10\": its parent \"eth0\" is on \"br0\", and the ovn backend "
                      "carries no tagged frames on a port (no trunks): VLAN 10 could never pass"));
}
