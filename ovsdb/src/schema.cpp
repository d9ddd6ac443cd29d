// Schema parsing (RFC 7047 section 3.2), with errors that name the table and column.
#include "ovsdb/schema.h"

#include "ovsdb/error.h"

namespace ovsdb {
namespace {

Error bad(const std::string& where, const std::string& why) {
  return Error("parse schema", "syntax error", where + ": " + why);
}

AtomicType atomic_type_from(const std::string& s, const std::string& where) {
  if (s == "integer") return AtomicType::Integer;
  if (s == "real") return AtomicType::Real;
  if (s == "boolean") return AtomicType::Boolean;
  if (s == "string") return AtomicType::String;
  if (s == "uuid") return AtomicType::Uuid;
  throw bad(where, "unknown atomic type \"" + s + "\"");
}

BaseType base_type_from(const nlohmann::json& j, const std::string& where) {
  BaseType b;
  if (j.is_string()) {
    b.type = atomic_type_from(j.get<std::string>(), where);
    return b;
  }
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    throw bad(where, "base type must be a string or an object with \"type\"");
  b.type = atomic_type_from(j["type"].get<std::string>(), where);
  try {
    if (j.contains("enum")) b.enum_values = Datum::from_json(j["enum"]);
    if (j.contains("minInteger")) b.min_integer = j["minInteger"].get<std::int64_t>();
    if (j.contains("maxInteger")) b.max_integer = j["maxInteger"].get<std::int64_t>();
    if (j.contains("minReal")) b.min_real = j["minReal"].get<double>();
    if (j.contains("maxReal")) b.max_real = j["maxReal"].get<double>();
    if (j.contains("minLength")) b.min_length = j["minLength"].get<std::int64_t>();
    if (j.contains("maxLength")) b.max_length = j["maxLength"].get<std::int64_t>();
    if (j.contains("refTable")) b.ref_table = j["refTable"].get<std::string>();
    if (j.contains("refType")) b.ref_type = j["refType"].get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw bad(where, e.what());
  }
  if (b.ref_type != "strong" && b.ref_type != "weak") throw bad(where, "refType must be strong or weak");
  return b;
}

ColumnType column_type_from(const nlohmann::json& j, const std::string& where) {
  ColumnType t;
  if (!j.is_object()) {
    t.key = base_type_from(j, where);
    return t;
  }
  if (!j.contains("key")) throw bad(where, "column type without \"key\"");
  t.key = base_type_from(j["key"], where + " key");
  if (j.contains("value")) t.value = base_type_from(j["value"], where + " value");
  if (j.contains("min")) {
    if (!j["min"].is_number_integer()) throw bad(where, "\"min\" must be an integer");
    t.min = j["min"].get<std::int64_t>();
  }
  if (j.contains("max")) {
    if (j["max"] == "unlimited") {
      t.max = ColumnType::kUnlimited;
    } else if (j["max"].is_number_integer()) {
      t.max = j["max"].get<std::int64_t>();
    } else {
      throw bad(where, "\"max\" must be an integer or \"unlimited\"");
    }
  }
  if (t.min < 0 || t.min > 1) throw bad(where, "\"min\" must be 0 or 1");
  if (t.max != ColumnType::kUnlimited && (t.max < 1 || t.max < t.min)) throw bad(where, "bad \"max\"");
  return t;
}

}  // namespace

const char* to_string(AtomicType type) {
  switch (type) {
    case AtomicType::Integer: return "integer";
    case AtomicType::Real: return "real";
    case AtomicType::Boolean: return "boolean";
    case AtomicType::String: return "string";
    case AtomicType::Uuid: return "uuid";
  }
  return "?";
}

const Column& TableSchema::column(const std::string& column_name) const {
  static const Column uuid_column = [] {
    Column c;
    c.name = "_uuid";
    c.type.key.type = AtomicType::Uuid;
    c.mutable_ = false;
    return c;
  }();
  static const Column version_column = [] {
    Column c = uuid_column;
    c.name = "_version";
    return c;
  }();
  if (column_name == "_uuid") return uuid_column;
  if (column_name == "_version") return version_column;
  auto it = columns.find(column_name);
  if (it == columns.end()) throw Error("schema", "unknown column", "table " + name + " has no column " + column_name);
  return it->second;
}

const TableSchema& Schema::table(const std::string& table_name) const {
  auto it = tables.find(table_name);
  if (it == tables.end()) throw Error("schema", "unknown table", "database " + name + " has no table " + table_name);
  return it->second;
}

Schema Schema::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw bad("schema", "not an object");
  Schema s;
  if (!j.contains("name") || !j["name"].is_string()) throw bad("schema", "missing \"name\"");
  s.name = j["name"].get<std::string>();
  if (j.contains("version") && j["version"].is_string()) s.version = j["version"].get<std::string>();
  if (j.contains("cksum") && j["cksum"].is_string()) s.cksum = j["cksum"].get<std::string>();
  if (!j.contains("tables") || !j["tables"].is_object()) throw bad(s.name, "missing \"tables\"");
  for (const auto& [table_name, tj] : j["tables"].items()) {
    std::string where = s.name + "." + table_name;
    if (!tj.is_object() || !tj.contains("columns") || !tj["columns"].is_object())
      throw bad(where, "table without \"columns\" object");
    TableSchema t;
    t.name = table_name;
    if (tj.contains("isRoot")) {
      if (!tj["isRoot"].is_boolean()) throw bad(where, "\"isRoot\" must be a boolean");
      t.is_root = tj["isRoot"].get<bool>();
    }
    if (tj.contains("maxRows")) {
      if (!tj["maxRows"].is_number_integer()) throw bad(where, "\"maxRows\" must be an integer");
      t.max_rows = tj["maxRows"].get<std::int64_t>();
    }
    if (tj.contains("indexes")) {
      if (!tj["indexes"].is_array()) throw bad(where, "\"indexes\" must be an array");
      for (const auto& index : tj["indexes"]) {
        if (!index.is_array()) throw bad(where, "index must be an array of column names");
        std::vector<std::string> cols;
        for (const auto& c : index) {
          if (!c.is_string()) throw bad(where, "index column must be a string");
          cols.push_back(c.get<std::string>());
        }
        t.indexes.push_back(std::move(cols));
      }
    }
    for (const auto& [column_name, cj] : tj["columns"].items()) {
      std::string cwhere = where + "." + column_name;
      if (!cj.is_object() || !cj.contains("type")) throw bad(cwhere, "column without \"type\"");
      Column c;
      c.name = column_name;
      c.type = column_type_from(cj["type"], cwhere);
      if (cj.contains("ephemeral") && cj["ephemeral"].is_boolean()) c.ephemeral = cj["ephemeral"].get<bool>();
      if (cj.contains("mutable") && cj["mutable"].is_boolean()) c.mutable_ = cj["mutable"].get<bool>();
      t.columns.emplace(column_name, std::move(c));
    }
    for (const auto& index : t.indexes)
      for (const auto& c : index)
        if (c != "_uuid" && !t.columns.count(c)) throw bad(where, "index names unknown column " + c);
    s.tables.emplace(table_name, std::move(t));
  }
  for (const auto& [tn, t] : s.tables)
    for (const auto& [cn, c] : t.columns) {
      for (const BaseType* b : {&c.type.key, c.type.value ? &*c.type.value : nullptr})
        if (b && !b->ref_table.empty() && !s.tables.count(b->ref_table))
          throw bad(s.name + "." + tn + "." + cn, "refTable " + b->ref_table + " does not exist");
    }
  return s;
}

}  // namespace ovsdb
