// check_plan: what a plan writes, checked against the server's schema before it is sent
// (RFC 7047 3.2: atomic types, enums, integer ranges, string lengths, min/max of sets and maps),
// so a value the server would refuse, or a column an older server lacks, is one clear error
// and the database is not touched.
#include "ovsdb/error.h"
#include "ovsdb/vswitch.h"

#include <algorithm>

namespace ovsdb::vswitch {
namespace {

struct Checker {
  const Schema& schema;
  std::string where;  // "insert Bridge", for messages

  [[noreturn]] void fail(const std::string& column, const std::string& why) const {
    throw Error("check against the " + schema.name + " schema " + schema.version, "constraint violation",
                where + ": column " + column + ": " + why);
  }

  const Column& column(const TableSchema& t, const std::string& name) const {
    auto it = t.columns.find(name);
    if (it == t.columns.end()) fail(name, "this server's " + t.name + " table has no such column");
    return it->second;
  }

  void atom(const std::string& column, const BaseType& base, const Atom& a) const {
    auto type_error = [&] { fail(column, atom_to_string(a) + " is not of type " + to_string(base.type)); };
    switch (base.type) {
      case AtomicType::Integer: {
        const auto* v = std::get_if<std::int64_t>(&a);
        if (!v) type_error();
        if ((base.min_integer && *v < *base.min_integer) || (base.max_integer && *v > *base.max_integer))
          fail(column, std::to_string(*v) + " is outside " + (base.min_integer ? std::to_string(*base.min_integer) : "") +
                           ".." + (base.max_integer ? std::to_string(*base.max_integer) : ""));
        break;
      }
      case AtomicType::Real:
        if (!std::holds_alternative<double>(a) && !std::holds_alternative<std::int64_t>(a)) type_error();
        break;
      case AtomicType::Boolean:
        if (!std::holds_alternative<bool>(a)) type_error();
        break;
      case AtomicType::String: {
        const auto* v = std::get_if<std::string>(&a);
        if (!v) type_error();
        auto n = static_cast<std::int64_t>(v->size());
        if ((base.min_length && n < *base.min_length) || (base.max_length && n > *base.max_length))
          fail(column, "\"" + *v + "\" has a length outside the allowed range");
        break;
      }
      case AtomicType::Uuid:
        if (!std::holds_alternative<Uuid>(a) && !std::holds_alternative<NamedUuid>(a)) type_error();
        break;
    }
    if (base.enum_values) {
      const auto& allowed = base.enum_values->as_set();
      if (std::find(allowed.begin(), allowed.end(), a) == allowed.end()) {
        std::string list;
        for (const auto& e : allowed) list += (list.empty() ? "" : ", ") + atom_to_string(e);
        fail(column, atom_to_string(a) + " is not one of " + list);
      }
    }
  }

  // A whole value of a column (insert, update).
  void datum(const Column& c, const Datum& d) const {
    const ColumnType& t = c.type;
    if (t.is_map() != d.is_map() && !d.empty()) fail(c.name, t.is_map() ? "expects a map" : "expects a set or atom");
    auto n = static_cast<std::int64_t>(d.size());
    if (n < t.min || (t.max != ColumnType::kUnlimited && n > t.max))
      fail(c.name, std::to_string(n) + " elements, allowed " + std::to_string(t.min) + ".." +
                       (t.max == ColumnType::kUnlimited ? "unlimited" : std::to_string(t.max)));
    if (t.is_map()) {
      for (const auto& [k, v] : d.as_map()) {
        atom(c.name, t.key, k);
        atom(c.name, *t.value, v);
      }
    } else {
      for (const auto& a : d.as_set()) atom(c.name, t.key, a);
    }
  }

  // A mutation's argument: elements of the column's type (a map delete may give keys only).
  void mutation(const Column& c, const std::string& mutator, const Datum& d) const {
    if (!c.mutable_) fail(c.name, "is immutable");
    const ColumnType& t = c.type;
    if (mutator != "insert" && mutator != "delete") {
      for (const auto& a : d.as_set())
        if (!std::holds_alternative<std::int64_t>(a) && !std::holds_alternative<double>(a))
          fail(c.name, mutator + " needs a number");
      return;
    }
    if (d.is_map()) {
      if (!t.is_map()) fail(c.name, "is not a map");
      for (const auto& [k, v] : d.as_map()) {
        atom(c.name, t.key, k);
        atom(c.name, *t.value, v);
      }
    } else {
      for (const auto& a : d.as_set()) atom(c.name, t.key, a);
    }
  }
};

}  // namespace

void check_plan(const Plan& plan, const Schema& schema) {
  for (const auto& o : plan.ops) {
    const auto& j = o.json;
    std::string kind = o.kind();
    if (!j.contains("table")) continue;
    std::string table = j["table"].get<std::string>();
    Checker c{schema, kind + " " + table};
    auto t = schema.tables.find(table);
    if (t == schema.tables.end())
      throw Error("check against the " + schema.name + " schema " + schema.version, "constraint violation",
                  c.where + ": this server has no table " + table);
    if (kind == "insert" || kind == "update") {
      for (const auto& [name, value] : row_from_json(j["row"])) c.datum(c.column(t->second, name), value);
    } else if (kind == "mutate") {
      for (const auto& m : j["mutations"]) {
        std::string name = m[0].get<std::string>();
        c.mutation(c.column(t->second, name), m[1].get<std::string>(), Datum::from_json(m[2]));
      }
    }
  }
}

}  // namespace ovsdb::vswitch
