// A local replica of monitored tables of one database, fed by monitor replies and
// "update" (RFC 7047 section 4.1.6) or "update2" (monitor_cond, OVS extension) notifications.
// update2 "modify" carries diffs whose meaning depends on the column type (a set diff toggles
// elements, a map diff adds/removes/changes keys), hence the schema. After a reconnect the
// owner clears the cache and rebuilds it from the fresh monitor reply, never by merging.
#pragma once

#include "ovsdb/datum.h"
#include "ovsdb/schema.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace ovsdb {

// What to monitor in one table; empty columns = every column.
struct MonitorTable {
  std::string table;
  std::set<std::string> columns;
};

class TableCache {
 public:
  using Rows = std::map<Uuid, Row>;

  // The rows of table; an empty map when the table is not monitored or has no rows.
  const Rows& rows(const std::string& table) const;
  // One row, or nullptr.
  const Row* row(const std::string& table, const Uuid& uuid) const;
  // The first row whose column equals value, or nullptr (e.g. Bridge by name).
  const std::pair<const Uuid, Row>* find(const std::string& table, const std::string& column, const Datum& value) const;

  void clear();
  // <table-updates> of "monitor" / "update" (old/new full rows).
  void apply_update(const nlohmann::json& table_updates);
  // <table-updates2> of "monitor_cond" / "update2" (initial/insert/delete/modify diffs).
  void apply_update2(const nlohmann::json& table_updates, const Schema& schema);

  // Bumped on every applied change, so waiters can tell something happened.
  std::uint64_t generation() const { return generation_; }

 private:
  std::map<std::string, Rows> tables_;
  std::uint64_t generation_ = 0;
};

// Applies an update2 "modify" diff for one column (RFC-style semantics of OVS monitor_cond).
Datum apply_diff(const Datum& old, const Datum& diff, const ColumnType& type);

}  // namespace ovsdb
