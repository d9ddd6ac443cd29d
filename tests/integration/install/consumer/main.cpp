// A program outside the nswire tree, built against an installed nswire (find_package or
// pkg-config): parses and validates a lab with the library, frames one OVSDB message, and prints what
// it found.
// Usage: nswire-consumer [LAB.yaml]   (without a file: a small built-in lab)
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nswire/model/validate.h>
#include <ovsdb/framing.h>

namespace {
constexpr const char* kBuiltin = R"(name: consumer-lab
backend: linux
bridges:
  br0: { addresses: [10.0.7.1/24] }
nodes:
  a:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.7.2/24] }
  b:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.7.3/24] }
tests:
  - { mesh: [a, b], expect: reachable }
)";
}  // namespace

int main(int argc, char** argv) {
  std::string text = kBuiltin;
  std::string filename = "builtin.yaml";
  if (argc > 1) {
    std::ifstream in(argv[1]);
    if (!in) {
      std::cerr << "cannot read " << argv[1] << "\n";
      return 2;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    filename = argv[1];
  }
  auto checked = nswire::model::check_string(text, filename);
  for (const auto& d : checked.diagnostics) std::cerr << d.to_string() << "\n";
  if (!checked.ok()) return 1;
  // The OVSDB client library links too: frame one JSON-RPC message and read it back.
  ovsdb::Framer framer;
  framer.feed(ovsdb::encode({{"method", "echo"}, {"params", nlohmann::json::array()}, {"id", 0}}));
  auto echoed = framer.next();
  if (!echoed || (*echoed)["method"] != "echo") {
    std::cerr << "ovsdb framing round trip failed\n";
    return 1;
  }
  std::cout << "lab " << checked.lab.name << ": " << checked.lab.bridges.size() << " bridge(s), "
            << checked.lab.nodes.size() << " node(s)\n";
  return 0;
}
