// Table cache maintenance from monitor updates (see cache.h).
#include "ovsdb/cache.h"

#include "ovsdb/error.h"

#include <algorithm>

namespace ovsdb {
namespace {

Error bad(const std::string& why) { return Error("apply monitor update", "protocol error", why); }

void check_updates(const nlohmann::json& table_updates) {
  if (!table_updates.is_object()) throw bad("table-updates is not an object");
  for (const auto& [table, rows] : table_updates.items())
    if (!rows.is_object()) throw bad("updates of table " + table + " are not an object");
}

}  // namespace

const TableCache::Rows& TableCache::rows(const std::string& table) const {
  static const Rows empty;
  auto it = tables_.find(table);
  return it == tables_.end() ? empty : it->second;
}

const Row* TableCache::row(const std::string& table, const Uuid& uuid) const {
  const auto& r = rows(table);
  auto it = r.find(uuid);
  return it == r.end() ? nullptr : &it->second;
}

const std::pair<const Uuid, Row>* TableCache::find(const std::string& table, const std::string& column,
                                                   const Datum& value) const {
  for (const auto& entry : rows(table)) {
    auto c = entry.second.find(column);
    if (c != entry.second.end() && c->second == value) return &entry;
  }
  return nullptr;
}

void TableCache::clear() {
  tables_.clear();
  ++generation_;
}

void TableCache::apply_update(const nlohmann::json& table_updates) {
  check_updates(table_updates);
  for (const auto& [table, rows] : table_updates.items()) {
    auto& cached = tables_[table];
    for (const auto& [uuid_text, update] : rows.items()) {
      if (!update.is_object()) throw bad("row update of " + table + " " + uuid_text + " is not an object");
      Uuid uuid{uuid_text};
      auto n = update.find("new");
      if (n == update.end() || n->is_null()) {
        cached.erase(uuid);
        continue;
      }
      // "new" holds all monitored columns for an insert and the changed + unchanged
      // monitored columns for a modify (RFC 7047 4.1.6), so it replaces the row.
      Row row = row_from_json(*n);
      auto& target = cached[uuid];
      for (auto& [column, value] : row) target[column] = std::move(value);
    }
  }
  ++generation_;
}

void TableCache::apply_update2(const nlohmann::json& table_updates, const Schema& schema) {
  check_updates(table_updates);
  for (const auto& [table, rows] : table_updates.items()) {
    const TableSchema* ts = schema.tables.count(table) ? &schema.tables.at(table) : nullptr;
    auto& cached = tables_[table];
    for (const auto& [uuid_text, update] : rows.items()) {
      if (!update.is_object() || update.size() != 1)
        throw bad("row update2 of " + table + " " + uuid_text + " must have exactly one member");
      Uuid uuid{uuid_text};
      auto member = update.begin();
      const std::string& kind = member.key();
      const nlohmann::json& body = member.value();
      if (kind == "initial" || kind == "insert") {
        cached[uuid] = row_from_json(body);
      } else if (kind == "delete") {
        cached.erase(uuid);
      } else if (kind == "modify") {
        auto it = cached.find(uuid);
        if (it == cached.end()) throw bad("modify of unknown row " + table + " " + uuid_text);
        if (!ts) throw bad("modify in table " + table + " that the schema does not know");
        for (const auto& [column, diff] : row_from_json(body)) {
          it->second[column] = apply_diff(it->second[column], diff, ts->column(column).type);
        }
      } else {
        throw bad("unknown row update2 kind \"" + kind + "\"");
      }
    }
  }
  ++generation_;
}

Datum apply_diff(const Datum& old, const Datum& diff, const ColumnType& type) {
  // Scalars and optional scalars (max 1): ovsdb-server sends the new value itself (e.g.
  // "tag": ["set", []] when a tag is cleared), not a symmetric difference.
  if (!type.is_map() && type.max == 1) return diff;
  if (type.is_map()) {
    // Each diff pair: key absent -> add; key present with same value -> remove; else -> change.
    Datum::Map result = old.as_map();
    for (const auto& entry : diff.as_map()) {
      const Atom& k = entry.first;
      const Atom& v = entry.second;
      auto it = std::find_if(result.begin(), result.end(), [&k](const auto& p) { return p.first == k; });
      if (it == result.end()) {
        result.emplace_back(k, v);
      } else if (it->second == v) {
        result.erase(it);
      } else {
        it->second = v;
      }
    }
    return Datum::map(std::move(result));
  }
  // Sets: the diff is the symmetric difference.
  Datum::Set result = old.as_set();
  for (const auto& a : diff.as_set()) {
    auto it = std::find(result.begin(), result.end(), a);
    if (it == result.end()) {
      result.push_back(a);
    } else {
      result.erase(it);
    }
  }
  return Datum::set(std::move(result));
}

}  // namespace ovsdb
