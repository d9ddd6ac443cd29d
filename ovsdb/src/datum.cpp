// Atom and Datum encoding to and from RFC 7047 JSON, kept canonical (see datum.h).
#include "ovsdb/datum.h"

#include "ovsdb/error.h"

#include <algorithm>

namespace ovsdb {
namespace {

Error bad(const std::string& what, const nlohmann::json& j) {
  std::string text = j.dump();
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return Error("decode datum", "syntax error", what + ": " + text);
}

template <typename T>
const T& only(const Datum& d, const char* type_name) {
  if (d.is_map() || d.size() != 1 || !std::holds_alternative<T>(d.as_set()[0]))
    throw Error("read datum", "type mismatch",
                std::string("expected exactly one ") + type_name + ", got " + d.to_json().dump());
  return std::get<T>(d.as_set()[0]);
}

}  // namespace

nlohmann::json atom_to_json(const Atom& atom) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Uuid>) {
          return nlohmann::json::array({"uuid", v.value});
        } else if constexpr (std::is_same_v<T, NamedUuid>) {
          return nlohmann::json::array({"named-uuid", v.name});
        } else {
          return v;
        }
      },
      atom);
}

Atom atom_from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::number_integer:
      return j.get<std::int64_t>();
    case nlohmann::json::value_t::number_unsigned: {
      auto v = j.get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(INT64_MAX)) throw bad("integer out of range", j);
      return static_cast<std::int64_t>(v);
    }
    case nlohmann::json::value_t::number_float:
      return j.get<double>();
    case nlohmann::json::value_t::boolean:
      return j.get<bool>();
    case nlohmann::json::value_t::string:
      return j.get<std::string>();
    case nlohmann::json::value_t::array:
      if (j.size() == 2 && j[0].is_string() && j[1].is_string()) {
        if (j[0] == "uuid") return Uuid{j[1].get<std::string>()};
        if (j[0] == "named-uuid") return NamedUuid{j[1].get<std::string>()};
      }
      throw bad("not an atom", j);
    default:
      throw bad("not an atom", j);
  }
}

std::string atom_to_string(const Atom& atom) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Uuid>) {
          return v.value;
        } else if constexpr (std::is_same_v<T, NamedUuid>) {
          return "@" + v.name;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return nlohmann::json(v).dump();
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else {
          return nlohmann::json(v).dump();
        }
      },
      atom);
}

Datum Datum::atom(Atom a) {
  Datum d;
  d.set_.push_back(std::move(a));
  return d;
}

Datum Datum::set(Set atoms) {
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  Datum d;
  d.set_ = std::move(atoms);
  return d;
}

Datum Datum::map(Map pairs) {
  // Canonical: sorted by key; a repeated key keeps its last value.
  std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Map out;
  for (auto& p : pairs) {
    if (!out.empty() && out.back().first == p.first) {
      out.back().second = std::move(p.second);
    } else {
      out.push_back(std::move(p));
    }
  }
  Datum d;
  d.is_map_ = true;
  d.map_ = std::move(out);
  return d;
}

Datum Datum::string_map(const std::map<std::string, std::string>& pairs) {
  Map m;
  for (const auto& [k, v] : pairs) m.emplace_back(k, v);
  return map(std::move(m));
}

Datum Datum::string_set(const std::vector<std::string>& strings) {
  return set(Set(strings.begin(), strings.end()));
}

Datum Datum::uuid_set(const std::vector<Uuid>& uuids) { return set(Set(uuids.begin(), uuids.end())); }

std::string Datum::as_string() const { return only<std::string>(*this, "string"); }
std::int64_t Datum::as_integer() const { return only<std::int64_t>(*this, "integer"); }
bool Datum::as_boolean() const { return only<bool>(*this, "boolean"); }
Uuid Datum::as_uuid() const { return only<Uuid>(*this, "uuid"); }

std::optional<std::string> Datum::optional_string() const {
  if (!is_map_ && set_.empty()) return std::nullopt;
  return as_string();
}

std::optional<std::int64_t> Datum::optional_integer() const {
  if (!is_map_ && set_.empty()) return std::nullopt;
  return as_integer();
}

std::vector<Uuid> Datum::uuids() const {
  if (is_map_ && !map_.empty()) throw Error("read datum", "type mismatch", "expected a set of uuids, got a map");
  std::vector<Uuid> out;
  for (const auto& a : set_) {
    if (!std::holds_alternative<Uuid>(a))
      throw Error("read datum", "type mismatch", "expected a set of uuids, got " + to_json().dump());
    out.push_back(std::get<Uuid>(a));
  }
  return out;
}

std::vector<std::string> Datum::strings() const {
  if (is_map_ && !map_.empty()) throw Error("read datum", "type mismatch", "expected a set of strings, got a map");
  std::vector<std::string> out;
  for (const auto& a : set_) {
    if (!std::holds_alternative<std::string>(a))
      throw Error("read datum", "type mismatch", "expected a set of strings, got " + to_json().dump());
    out.push_back(std::get<std::string>(a));
  }
  return out;
}

std::map<std::string, std::string> Datum::as_string_map() const {
  std::map<std::string, std::string> out;
  if (!is_map_) {
    if (set_.empty()) return out;  // an empty map is encoded like an empty set by some peers
    throw Error("read datum", "type mismatch", "expected a string map, got " + to_json().dump());
  }
  for (const auto& [k, v] : map_) {
    if (!std::holds_alternative<std::string>(k) || !std::holds_alternative<std::string>(v))
      throw Error("read datum", "type mismatch", "expected a string map, got " + to_json().dump());
    out.emplace(std::get<std::string>(k), std::get<std::string>(v));
  }
  return out;
}

nlohmann::json Datum::to_json() const {
  if (is_map_) {
    auto pairs = nlohmann::json::array();
    for (const auto& [k, v] : map_) pairs.push_back({atom_to_json(k), atom_to_json(v)});
    return {"map", pairs};
  }
  if (set_.size() == 1) return atom_to_json(set_[0]);
  auto atoms = nlohmann::json::array();
  for (const auto& a : set_) atoms.push_back(atom_to_json(a));
  return {"set", atoms};
}

Datum Datum::from_json(const nlohmann::json& j) {
  if (j.is_array() && j.size() == 2 && j[0].is_string()) {
    if (j[0] == "set") {
      if (!j[1].is_array()) throw bad("\"set\" needs an array", j);
      Set atoms;
      for (const auto& a : j[1]) atoms.push_back(atom_from_json(a));
      return set(std::move(atoms));
    }
    if (j[0] == "map") {
      if (!j[1].is_array()) throw bad("\"map\" needs an array", j);
      Map pairs;
      for (const auto& p : j[1]) {
        if (!p.is_array() || p.size() != 2) throw bad("map entry is not a [key, value] pair", p);
        pairs.emplace_back(atom_from_json(p[0]), atom_from_json(p[1]));
      }
      return map(std::move(pairs));
    }
  }
  return atom(atom_from_json(j));
}

nlohmann::json row_to_json(const Row& row) {
  auto j = nlohmann::json::object();
  for (const auto& [column, value] : row) j[column] = value.to_json();
  return j;
}

Row row_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw bad("row is not an object", j);
  Row row;
  for (const auto& [column, value] : j.items()) row.emplace(column, Datum::from_json(value));
  return row;
}

}  // namespace ovsdb
