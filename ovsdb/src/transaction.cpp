// Operation builders and transact reply decoding (RFC 7047 section 5.2, 4.1.3).
#include "ovsdb/transaction.h"

#include "ovsdb/error.h"

namespace ovsdb {
namespace {

nlohmann::json where_json(const Where& where) {
  auto j = nlohmann::json::array();
  for (const auto& c : where) j.push_back({c.column, c.function, c.value.to_json()});
  return j;
}

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

namespace op {

Operation insert(const std::string& table, const Row& row, const std::string& uuid_name) {
  nlohmann::json j = {{"op", "insert"}, {"table", table}, {"row", row_to_json(row)}};
  if (!uuid_name.empty()) j["uuid-name"] = uuid_name;
  return {j};
}

Operation select(const std::string& table, const Where& where, const std::vector<std::string>& columns) {
  nlohmann::json j = {{"op", "select"}, {"table", table}, {"where", where_json(where)}};
  if (!columns.empty()) j["columns"] = columns;
  return {j};
}

Operation update(const std::string& table, const Where& where, const Row& row) {
  return {{{"op", "update"}, {"table", table}, {"where", where_json(where)}, {"row", row_to_json(row)}}};
}

Operation mutate(const std::string& table, const Where& where, const std::vector<Mutation>& mutations) {
  auto m = nlohmann::json::array();
  for (const auto& mu : mutations) m.push_back({mu.column, mu.mutator, mu.value.to_json()});
  return {{{"op", "mutate"}, {"table", table}, {"where", where_json(where)}, {"mutations", m}}};
}

Operation delete_rows(const std::string& table, const Where& where) {
  return {{{"op", "delete"}, {"table", table}, {"where", where_json(where)}}};
}

Operation wait(const std::string& table, const Where& where, const std::vector<std::string>& columns,
               const std::string& until, const std::vector<Row>& rows, std::optional<std::int64_t> timeout_ms) {
  auto r = nlohmann::json::array();
  for (const auto& row : rows) r.push_back(row_to_json(row));
  nlohmann::json j = {{"op", "wait"}, {"table", table}, {"where", where_json(where)},
                      {"columns", columns}, {"until", until}, {"rows", r}};
  if (timeout_ms) j["timeout"] = *timeout_ms;
  return {j};
}

Operation commit(bool durable) { return {{{"op", "commit"}, {"durable", durable}}}; }
Operation abort() { return {{{"op", "abort"}}}; }
Operation comment(const std::string& text) { return {{{"op", "comment"}, {"comment", text}}}; }
Operation assert_lock(const std::string& lock) { return {{{"op", "assert"}, {"lock", lock}}}; }

}  // namespace op

nlohmann::json transact_params(const std::string& db, const std::vector<Operation>& ops) {
  auto params = nlohmann::json::array({db});
  for (const auto& o : ops) params.push_back(o.json);
  return params;
}

std::vector<OpResult> parse_transact_result(const std::string& db, const std::vector<Operation>& ops,
                                            const nlohmann::json& result) {
  const std::string what = "transact " + db;
  if (!result.is_array()) throw Error(what, "protocol error", "result is not an array: " + result.dump());
  // RFC 7047 4.1.3: one result per operation; an extra trailing element reports a commit
  // failure; after a failed operation the rest are null.
  for (std::size_t i = 0; i < result.size(); ++i) {
    const auto& r = result[i];
    if (!r.is_object() || !r.contains("error") || r["error"].is_null()) continue;
    std::string where = i < ops.size() ? what + " op " + std::to_string(i) + " (" + ops[i].kind() + ")"
                                       : what + " commit";
    throw Error(where, text_of(r, "error"), text_of(r, "details"));
  }
  if (result.size() < ops.size())
    throw Error(what, "protocol error",
                "server returned " + std::to_string(result.size()) + " results for " + std::to_string(ops.size()) +
                    " operations");
  std::vector<OpResult> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& r = result[i];
    OpResult o;
    o.raw = r;
    if (!r.is_object()) throw Error(what, "protocol error", "result " + std::to_string(i) + " is not an object");
    if (auto it = r.find("uuid"); it != r.end()) o.uuid = Datum::from_json(*it).as_uuid();
    if (auto it = r.find("count"); it != r.end() && it->is_number_integer()) o.count = it->get<std::int64_t>();
    if (auto it = r.find("rows"); it != r.end()) {
      if (!it->is_array()) throw Error(what, "protocol error", "\"rows\" is not an array");
      for (const auto& row : *it) o.rows.push_back(row_from_json(row));
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace ovsdb
