// The OVSDB value model (RFC 7047 section 5.1): an atom is an integer, real, boolean, string,
// uuid or named-uuid; a datum is a set of atoms or a map of atom pairs. On the wire a set of
// exactly one element is written as the bare atom, other sets as ["set",[...]] and maps as
// ["map",[[k,v],...]]; Datum always holds the canonical form (sorted, no duplicates), so two
// datums are equal with == exactly when the database would consider them equal.
#pragma once

#include <nlohmann/json.hpp>

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ovsdb {

struct Uuid {
  std::string value;  // "550e8400-e29b-41d4-a716-446655440000"
  auto operator<=>(const Uuid&) const = default;
};

// A uuid-name given to an insert in the same transaction (RFC 7047 section 5.1).
struct NamedUuid {
  std::string name;
  auto operator<=>(const NamedUuid&) const = default;
};

using Atom = std::variant<std::int64_t, double, bool, std::string, Uuid, NamedUuid>;

nlohmann::json atom_to_json(const Atom& atom);
// Throws ovsdb::Error on anything that is not an atom.
Atom atom_from_json(const nlohmann::json& j);
std::string atom_to_string(const Atom& atom);  // for messages: 42, "br0", 550e8400-...

class Datum {
 public:
  using Set = std::vector<Atom>;
  using Map = std::vector<std::pair<Atom, Atom>>;

  Datum() = default;  // the empty set

  static Datum atom(Atom a);
  static Datum integer(std::int64_t v) { return atom(v); }
  static Datum real(double v) { return atom(v); }
  static Datum boolean(bool v) { return atom(v); }
  static Datum string(std::string v) { return atom(std::move(v)); }
  static Datum uuid(std::string v) { return atom(Uuid{std::move(v)}); }
  static Datum named_uuid(std::string name) { return atom(NamedUuid{std::move(name)}); }
  static Datum set(Set atoms);
  static Datum map(Map pairs);
  static Datum string_map(const std::map<std::string, std::string>& pairs);
  static Datum string_set(const std::vector<std::string>& strings);
  static Datum uuid_set(const std::vector<Uuid>& uuids);

  bool is_map() const { return is_map_; }
  bool empty() const { return is_map_ ? map_.empty() : set_.empty(); }
  std::size_t size() const { return is_map_ ? map_.size() : set_.size(); }
  const Set& as_set() const { return set_; }  // empty for a map
  const Map& as_map() const { return map_; }  // empty for a set

  // Accessors for common column shapes. The *_or / optional forms accept an empty set;
  // all throw ovsdb::Error when the datum holds something of another type.
  std::string as_string() const;              // exactly one string
  std::int64_t as_integer() const;            // exactly one integer
  bool as_boolean() const;                    // exactly one boolean
  Uuid as_uuid() const;                       // exactly one uuid
  std::optional<std::string> optional_string() const;
  std::optional<std::int64_t> optional_integer() const;
  std::vector<Uuid> uuids() const;            // a set of uuids
  std::vector<std::string> strings() const;   // a set of strings
  std::map<std::string, std::string> as_string_map() const;

  nlohmann::json to_json() const;
  // Throws ovsdb::Error on anything that is not a datum.
  static Datum from_json(const nlohmann::json& j);

  friend bool operator==(const Datum&, const Datum&) = default;

 private:
  bool is_map_ = false;
  Set set_;
  Map map_;
};

// A row: column name -> value. Columns not present are not selected / not changed.
using Row = std::map<std::string, Datum>;

nlohmann::json row_to_json(const Row& row);
Row row_from_json(const nlohmann::json& j);  // throws ovsdb::Error

}  // namespace ovsdb
