// Transaction operations (RFC 7047 section 5.2): builders for every operation, the "transact"
// request params, and the reply decoded into per-operation results. A failed transaction is
// turned into one ovsdb::Error naming the database, the failing operation (index and kind)
// and the server's error and details.
#pragma once

#include "ovsdb/datum.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ovsdb {

// ["column", "function", value]; function: < <= == != >= > includes excludes.
struct Condition {
  std::string column;
  std::string function;
  Datum value;
};
using Where = std::vector<Condition>;

inline Condition where_eq(std::string column, Datum value) { return {std::move(column), "==", std::move(value)}; }
inline Condition where_uuid(const Uuid& uuid) { return {"_uuid", "==", Datum::atom(uuid)}; }

// ["column", "mutator", value]; mutator: += -= *= /= %= insert delete.
struct Mutation {
  std::string column;
  std::string mutator;
  Datum value;
};

// One operation, already in wire form.
struct Operation {
  nlohmann::json json;
  std::string kind() const { return json.value("op", std::string()); }
};

namespace op {
Operation insert(const std::string& table, const Row& row, const std::string& uuid_name = {});
Operation select(const std::string& table, const Where& where, const std::vector<std::string>& columns = {});
Operation update(const std::string& table, const Where& where, const Row& row);
Operation mutate(const std::string& table, const Where& where, const std::vector<Mutation>& mutations);
Operation delete_rows(const std::string& table, const Where& where);
// until: "==" or "!="; columns: the columns rows are compared on.
Operation wait(const std::string& table, const Where& where, const std::vector<std::string>& columns,
               const std::string& until, const std::vector<Row>& rows,
               std::optional<std::int64_t> timeout_ms = std::nullopt);
Operation commit(bool durable);
Operation abort();
Operation comment(const std::string& text);
Operation assert_lock(const std::string& lock);
}  // namespace op

struct OpResult {
  std::optional<Uuid> uuid;          // insert
  std::optional<std::int64_t> count; // update, mutate, delete
  std::vector<Row> rows;             // select
  nlohmann::json raw;                // the server's object as sent
};

nlohmann::json transact_params(const std::string& db, const std::vector<Operation>& ops);

// Decodes a transact reply's "result". Throws ovsdb::Error for the first operation with an
// error (or a commit-time error reported after the last operation), or a malformed reply.
std::vector<OpResult> parse_transact_result(const std::string& db, const std::vector<Operation>& ops,
                                            const nlohmann::json& result);

}  // namespace ovsdb
