// bridge_attach_bench BACKEND N: attach N ports to one bridge through the library's
// BridgeBackend (one apply() with N attach_ports), timed; prints "attach SECONDS".
// The veths are made (marked as the lab's) and the bridge ensured before the clock starts;
// everything is removed afterwards. Run it inside tests/harness/sandbox (bench/bridge-attach.sh does).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nswire/backend/registry.h"
#include "nswire/netlink/links.h"

namespace nl = nswire::netlink;
using namespace nswire::backend;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bridge_attach_bench linux|ovs N\n");
    return 2;
  }
  const std::string which = argv[1];
  const int n = std::atoi(argv[2]);
  const std::string lab = "bench";
  try {
    auto backend = make_backend(which, {.lab = lab});
    backend->apply({.ensure_bridges = {{.name = "br0"}}});
    auto host = nl::Socket::open();
    {
      nl::Batch b;
      for (int i = 0; i < n; ++i) {
        // The kernel ignores IFLA_IFALIAS on creation: mark with a change, as the lab does.
        nl::add_veth(b, {.name = "pa" + std::to_string(i), .peer_name = "pb" + std::to_string(i), .up = true});
        nl::change_link(b, {.name = "pa" + std::to_string(i), .alias = link_mark(lab)});
      }
      host.execute(b);
    }
    Changes attach;
    for (int i = 0; i < n; ++i) attach.attach_ports.push_back({.bridge = "br0", .name = "pa" + std::to_string(i)});
    auto t0 = std::chrono::steady_clock::now();
    backend->apply(attach);
    auto t1 = std::chrono::steady_clock::now();
    // Check: every port is on br0.
    size_t seen = 0;
    for (const auto& b : backend->observe())
      if (b.name == "br0") seen = b.ports.size();
    backend->apply({.remove_bridges = {"br0"}});
    nl::Batch del;
    for (int i = 0; i < n; ++i) nl::delete_link(del, "pa" + std::to_string(i));
    host.send(del);
    if (seen != static_cast<size_t>(n)) {
      std::fprintf(stderr, "bridge_attach_bench: %zu of %d ports on br0\n", seen, n);
      return 1;
    }
    std::printf("attach %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bridge_attach_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
