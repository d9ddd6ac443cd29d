// Benchmark: N ports added to an Open vSwitch bridge three ways, in the same run, against the
// same ovsdb-server + ovs-vswitchd: one OVSDB transaction from this library, N separate
// `ovs-vsctl add-port` processes, and one batched `ovs-vsctl add-port ... -- add-port ...`.
// Every way waits for ovs-vswitchd to apply the change (ovs-vsctl's default behaviour).
// Run inside the sandbox through bench/ovsdb/run.sh. Spawning ovs-vsctl is fine here: this is
// the comparison, not the product.
#include "ovsdb/vswitch.h"

#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace vs = ovsdb::vswitch;
using Clock = std::chrono::steady_clock;

void run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
    throw std::runtime_error("cannot run " + argv[0] + " (Debian package openvswitch-switch)");
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(argv[0] + " " + argv[1] + " failed");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string port_name(char prefix, int i) { return std::string(1, prefix) + std::to_string(i); }

void make_bridge(ovsdb::Client& client, const std::string& name) {
  vs::apply(client, vs::Batch().add_bridge({name, "netdev"}), {std::chrono::minutes(5)});
}

void drop_bridge(ovsdb::Client& client, const std::string& name) {
  vs::apply(client, vs::Batch().del_bridge({name, true}), {std::chrono::minutes(5)});
}

std::size_t port_count(ovsdb::Client& client, const std::string& bridge) {
  auto state = vs::read_state(client);
  const vs::Bridge* b = state.bridge(bridge);
  return b ? b->ports.size() - 1 : 0;  // without the bridge's local port
}

}  // namespace

int main(int argc, char** argv) {
  int ports = 1000;
  std::string type = "internal";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--ports") == 0) ports = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--type") == 0) type = argv[i + 1];
  }
  const char* target = std::getenv("NSWIRE_OVSDB");
  if (!target) {
    std::cerr << "ovsdb_bench: NSWIRE_OVSDB not set; run through bench/ovsdb/run.sh\n";
    return 2;
  }
  try {
    ovsdb::Client client(target, {std::chrono::minutes(5)});

    // 1. One OVSDB transaction.
    make_bridge(client, "bench-a");
    vs::Batch batch;
    for (int i = 0; i < ports; ++i) batch.add_port({"bench-a", port_name('a', i), type});
    auto start = Clock::now();
    vs::apply(client, batch, {std::chrono::minutes(5)});
    double one_txn = seconds_since(start);
    std::size_t got_a = port_count(client, "bench-a");
    drop_bridge(client, "bench-a");

    // 2. N separate ovs-vsctl processes.
    make_bridge(client, "bench-b");
    start = Clock::now();
    for (int i = 0; i < ports; ++i) {
      auto name = port_name('b', i);
      run({"ovs-vsctl", "add-port", "bench-b", name, "--", "set", "Interface", name, "type=" + type});
    }
    double separate = seconds_since(start);
    std::size_t got_b = port_count(client, "bench-b");
    drop_bridge(client, "bench-b");

    // 3. One batched ovs-vsctl.
    make_bridge(client, "bench-c");
    std::vector<std::string> cmd{"ovs-vsctl"};
    for (int i = 0; i < ports; ++i) {
      auto name = port_name('c', i);
      cmd.insert(cmd.end(), {"--", "add-port", "bench-c", name, "--", "set", "Interface", name, "type=" + type});
    }
    start = Clock::now();
    run(cmd);
    double batched = seconds_since(start);
    std::size_t got_c = port_count(client, "bench-c");
    drop_bridge(client, "bench-c");

    if (got_a != static_cast<std::size_t>(ports) || got_b != got_a || got_c != got_a) {
      std::cerr << "ovsdb_bench: port counts differ: " << got_a << " " << got_b << " " << got_c << "\n";
      return 1;
    }
    std::printf("ovsdb bench: %d ports of type \"%s\" on a netdev bridge, each way waits for ovs-vswitchd\n", ports,
                type.c_str());
    std::printf("  %-52s %9.3f s\n", "one OVSDB transaction (ovsdb::vswitch::apply)", one_txn);
    std::printf("  %-52s %9.3f s  %8.1fx the transaction\n",
                (std::to_string(ports) + " separate `ovs-vsctl add-port` calls").c_str(), separate, separate / one_txn);
    std::printf("  %-52s %9.3f s  %8.1fx the transaction\n", "one batched `ovs-vsctl add-port ... -- add-port ...`",
                batched, batched / one_txn);
  } catch (const std::exception& e) {
    std::cerr << "ovsdb_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
