// Running a lab's plan against an OVN Northbound server: schema check, one transaction, then
// optionally wait for ovn-northd (sb_cfg) or every ovn-controller (hv_cfg) to catch up, as
// `ovn-nbctl --wait=sb|hv` does.
#include "ovsdb/ovn_nb.h"

#include "ovsdb/error.h"

namespace ovsdb::ovn_nb {
namespace {

std::int64_t cfg(const TableCache& cache, const char* column) {
  const auto& rows = cache.rows("NB_Global");
  if (rows.empty()) return 0;
  auto it = rows.begin()->second.find(column);
  return it == rows.begin()->second.end() ? 0 : it->second.optional_integer().value_or(0);
}

}  // namespace

void wait_applied(Client& client, std::int64_t nb_cfg, Wait level, std::chrono::milliseconds timeout) {
  if (level == Wait::None) return;
  const char* column = level == Wait::Southbound ? "sb_cfg" : "hv_cfg";
  client.monitor(kDatabase, {{"NB_Global", {"nb_cfg", "sb_cfg", "hv_cfg"}}});
  if (client.wait_until([&] { return cfg(client.cache(kDatabase), column) >= nb_cfg; }, timeout)) return;
  std::int64_t sb = cfg(client.cache(kDatabase), "sb_cfg"), hv = cfg(client.cache(kDatabase), "hv_cfg");
  std::string who = sb < nb_cfg ? "ovn-northd has not written it to the Southbound database (is ovn-northd running?)"
                                : "ovn-northd has, but not every chassis' ovn-controller reported it installed";
  throw Error("wait for OVN", "timeout",
              "configuration " + std::to_string(nb_cfg) + " not applied within " + std::to_string(timeout.count()) +
                  " ms (sb_cfg " + std::to_string(sb) + ", hv_cfg " + std::to_string(hv) + "): " + who);
}

ApplyResult apply(Client& client, const Lab& desired, const ApplyOptions& options) {
  check_schema(client.schema(kDatabase));
  ApplyResult result;
  State before = read_state(client);
  Plan p = plan(before, desired);
  if (p.empty()) {
    result.state = std::move(before);
    result.nb_cfg = result.state.nb_cfg;
    return result;
  }
  auto op_results = client.transact(kDatabase, p.ops);
  result.changed = true;
  result.changes = std::move(p.changes);
  const auto& rows = op_results.at(*p.nb_cfg_select).rows;
  if (rows.size() != 1 || !rows[0].count("nb_cfg"))
    throw Error("transact " + std::string(kDatabase), "protocol error", "select of nb_cfg did not return one row");
  result.nb_cfg = rows[0].at("nb_cfg").as_integer();
  wait_applied(client, result.nb_cfg, options.wait, options.timeout);
  result.state = read_state(client);
  return result;
}

ApplyResult remove_lab(Client& client, const std::string& lab, const ApplyOptions& options) {
  return apply(client, Lab{lab, {}, {}}, options);
}

}  // namespace ovsdb::ovn_nb
