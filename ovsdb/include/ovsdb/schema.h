// A parsed database schema (RFC 7047 section 3.2): tables, columns and their types (atomic
// key/value types with enums, ranges, refTable/refType; min/max cardinality), isRoot, indexes.
// The cache needs column types to apply update2 diffs; callers use it to check what a server
// supports before writing.
#pragma once

#include "ovsdb/datum.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ovsdb {

enum class AtomicType { Integer, Real, Boolean, String, Uuid };

const char* to_string(AtomicType type);

struct BaseType {
  AtomicType type = AtomicType::String;
  std::optional<Datum> enum_values;             // "enum"
  std::optional<std::int64_t> min_integer, max_integer;
  std::optional<double> min_real, max_real;
  std::optional<std::int64_t> min_length, max_length;
  std::string ref_table;                        // uuid only; empty when not a reference
  std::string ref_type = "strong";              // "strong" | "weak"
};

struct ColumnType {
  static constexpr std::int64_t kUnlimited = -1;
  BaseType key;
  std::optional<BaseType> value;  // present for maps
  std::int64_t min = 1;
  std::int64_t max = 1;           // kUnlimited for "unlimited"

  bool is_map() const { return value.has_value(); }
  bool is_scalar() const { return !value && min == 1 && max == 1; }
  bool is_optional_scalar() const { return !value && min == 0 && max == 1; }
};

struct Column {
  std::string name;
  ColumnType type;
  bool ephemeral = false;
  bool mutable_ = true;
};

struct TableSchema {
  std::string name;
  std::map<std::string, Column> columns;  // without the implicit _uuid and _version
  bool is_root = false;
  std::optional<std::int64_t> max_rows;
  std::vector<std::vector<std::string>> indexes;

  // Throws ovsdb::Error when the column does not exist. Knows _uuid and _version.
  const Column& column(const std::string& name) const;
};

struct Schema {
  std::string name;
  std::string version;
  std::string cksum;
  std::map<std::string, TableSchema> tables;

  // Throws ovsdb::Error when the table does not exist.
  const TableSchema& table(const std::string& name) const;

  // Throws ovsdb::Error naming the offending table/column when j is not a valid schema.
  static Schema from_json(const nlohmann::json& j);
};

}  // namespace ovsdb
