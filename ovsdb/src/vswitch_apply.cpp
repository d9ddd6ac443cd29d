// Running a Batch against a server: one transaction, then wait for ovs-vswitchd to apply it
// (cur_cfg >= next_cfg, as ovs-vsctl does) and check the interfaces it touched.
#include "ovsdb/vswitch.h"

#include "ovsdb/error.h"

#include <algorithm>

namespace ovsdb::vswitch {
namespace {

using namespace std::chrono_literals;

std::int64_t cur_cfg(const TableCache& cache) {
  const auto& rows = cache.rows("Open_vSwitch");
  if (rows.empty()) return 0;
  auto it = rows.begin()->second.find("cur_cfg");
  return it == rows.begin()->second.end() ? 0 : it->second.optional_integer().value_or(0);
}

// ovs-vswitchd holds the OVSDB lock "ovs_vswitchd" while it runs (vswitchd/bridge.c). If we
// can take it, nobody is running; release it at once so a starting ovs-vswitchd gets it.
bool vswitchd_running(Client& client) {
  bool got = client.lock("ovs_vswitchd");
  client.unlock("ovs_vswitchd");
  return !got;
}

void check_interfaces(const State& state, const std::vector<std::string>& names) {
  std::string failures;
  for (const auto& name : names) {
    const Interface* i = state.interface(name);
    if (!i) continue;  // deleted later in the same batch
    std::string why;
    if (i->error && !i->error->empty()) {
      why = *i->error;
    } else if (i->ofport && *i->ofport == -1) {
      why = "ofport is -1 (ovs-vswitchd could not add it)";
    }
    if (why.empty()) continue;
    if (!failures.empty()) failures += "; ";
    failures += "interface " + name + ": " + why;
  }
  if (!failures.empty()) throw Error("configure Open_vSwitch", "interface error", failures);
}

}  // namespace

void wait_applied(Client& client, std::int64_t next_cfg, std::chrono::milliseconds timeout) {
  auto start = std::chrono::steady_clock::now();
  client.monitor(kDatabase, {{"Open_vSwitch", {"cur_cfg", "next_cfg"}}});
  auto done = [&] { return cur_cfg(client.cache(kDatabase)) >= next_cfg; };
  // Give ovs-vswitchd a moment; if it has not answered, check it is alive at all so a stopped
  // daemon is reported at once instead of after the full timeout.
  auto first = std::min<std::chrono::milliseconds>(timeout, 1000ms);
  if (client.wait_until(done, first)) return;
  bool running = vswitchd_running(client);
  if (running) {
    auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (spent < timeout && client.wait_until(done, timeout - spent)) return;
  }
  std::string details = "configuration " + std::to_string(next_cfg) + " not applied (cur_cfg " +
                        std::to_string(cur_cfg(client.cache(kDatabase))) + ")";
  if (!running) {
    throw Error("wait for ovs-vswitchd", "not running",
                details + ": ovs-vswitchd is not running (nobody holds its ovs_vswitchd lock on " + client.target() +
                    "); the database was changed but no switch applies it");
  }
  throw Error("wait for ovs-vswitchd", "timeout",
              details + " within " + std::to_string(timeout.count()) + " ms; ovs-vswitchd is running but slow or stuck");
}

ApplyResult apply(Client& client, const Batch& batch, const ApplyOptions& options) {
  ApplyResult result;
  State before = read_state(client);
  Plan plan = batch.plan(before);
  if (plan.empty()) {
    result.state = std::move(before);
    result.next_cfg = result.state.next_cfg;
    return result;
  }
  if (options.check_schema) check_plan(plan, client.schema(kDatabase));
  auto op_results = client.transact(kDatabase, plan.ops);
  result.changed = true;
  const auto& rows = op_results.at(*plan.next_cfg_select).rows;
  if (rows.size() != 1 || !rows[0].count("next_cfg"))
    throw Error("transact Open_vSwitch", "protocol error", "select of next_cfg did not return one row");
  result.next_cfg = rows[0].at("next_cfg").as_integer();
  if (options.wait) wait_applied(client, result.next_cfg, options.timeout);
  result.state = read_state(client);
  if (options.wait && options.check_interfaces) check_interfaces(result.state, plan.check_interfaces);
  return result;
}

}  // namespace ovsdb::vswitch
