// Graph output: DOT and Mermaid show every bridge, node, interface (with addresses) and link.
#include "nswire/model/graph.h"
#include "nswire/backend/registry.h"

#include <gtest/gtest.h>

#include "nswire/model/parse.h"

using namespace nswire::model;

namespace {

const char* kLab = R"(name: g1
backend: ovs
bridges:
  br0: { addresses: [10.0.2.1/24] }
  br1: { backend: linux }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.2.100/24], vlan: 10 }
  "red\"x":
    interfaces:
      eth0: { bridge: br1, addresses: ['fd00::2/64'] }
links:
  - endpoints: [br0, br1]
  - endpoints: [host:veth0, blue:veth1]
    addresses: [[10.1.1.1/24], [10.1.1.2/24]]
)";

}  // namespace

TEST(Graph, DotHasEveryObject) {
  Lab lab = parse_string(kLab, "g.yaml", nswire::backend::catalog());
  std::string dot = to_dot(lab);
  EXPECT_EQ(dot.rfind("graph \"g1\" {\n", 0), 0u) << dot;
  EXPECT_NE(dot.find("bridge0 [shape=box, label=\"br0 (ovs)\\n10.0.2.1/24\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("bridge1 [shape=box, label=\"br1 (linux)\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("node0 [shape=ellipse, label=\"blue\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("node1 [shape=ellipse, label=\"red\\\"x\"];"), std::string::npos) << dot;  // escaped quote
  EXPECT_NE(dot.find("node0 -- bridge0 [taillabel=\"eth0 10.0.2.100/24 vlan 10\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("node1 -- bridge1 [taillabel=\"eth0 fd00::2/64\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("bridge0 -- bridge1 [style=dashed];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("host -- node0 [taillabel=\"veth0 10.1.1.1/24\", headlabel=\"veth1 10.1.1.2/24\"];"),
            std::string::npos) << dot;
  EXPECT_NE(dot.find("host [shape=house, label=\"host\"];"), std::string::npos) << dot;
  EXPECT_EQ(dot.back(), '\n');
  EXPECT_EQ(render_graph(lab, GraphFormat::dot), dot);
}

TEST(Graph, MermaidHasEveryObject) {
  Lab lab = parse_string(kLab, "g.yaml", nswire::backend::catalog());
  std::string m = to_mermaid(lab);
  EXPECT_EQ(m.rfind("graph LR\n", 0), 0u) << m;
  EXPECT_NE(m.find("  bridge0[\"br0 (ovs)<br/>10.0.2.1/24\"]\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  node1(\"red#quot;x\")\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  node0 ---|\"eth0 10.0.2.100/24 vlan 10\"| bridge0\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  bridge0 -.- bridge1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  host ---|\"veth0 10.1.1.1/24 / veth1 10.1.1.2/24\"| node0\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  host{{\"host\"}}\n"), std::string::npos) << m;
  EXPECT_EQ(render_graph(lab, GraphFormat::mermaid), m);
}

TEST(Graph, NoHostVertexWithoutHostLinks) {
  Lab lab = parse_string("name: g\nbridges: { b: {} }\n", "g.yaml", nswire::backend::catalog());
  EXPECT_EQ(to_dot(lab).find("host"), std::string::npos);
  EXPECT_EQ(to_mermaid(lab), "graph LR\n  bridge0[\"b (linux)\"]\n");
}

TEST(Graph, ALiveStatusFillsBridgesAndNodesAndSaysWhatTheColoursMean) {
  Lab lab = parse_string(kLab, "g.yaml", nswire::backend::catalog());
  LiveStatus live{.bridges = {{"br0", LiveState::as_wanted}, {"br1", LiveState::missing}},
                  .nodes = {{"blue", LiveState::drifting}}};
  std::string dot = to_dot(lab, live);
  EXPECT_NE(dot.find("bridge0 [shape=box, label=\"br0 (ovs)\\n10.0.2.1/24\", style=filled, fillcolor=\"#c8e6c9\"];"),
            std::string::npos) << dot;
  EXPECT_NE(dot.find("bridge1 [shape=box, label=\"br1 (linux)\", style=filled, fillcolor=\"#ffcdd2\"];"),
            std::string::npos) << dot;
  EXPECT_NE(dot.find("node0 [shape=ellipse, label=\"blue\", style=filled, fillcolor=\"#ffe0b2\"];"),
            std::string::npos) << dot;
  EXPECT_NE(dot.find("node1 [shape=ellipse, label=\"red\\\"x\"];"), std::string::npos) << dot;  // not known: unfilled
  EXPECT_NE(dot.find("label=\"g1\\nlive: green as wanted, orange drifting, red missing\""), std::string::npos) << dot;
  std::string m = to_mermaid(lab, live);
  EXPECT_NE(m.find("  style bridge1 fill:#ffcdd2\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  style node0 fill:#ffe0b2\n"), std::string::npos) << m;
  EXPECT_EQ(to_dot(lab, {}), to_dot(lab));
}
