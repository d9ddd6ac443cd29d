// The lab file's JSON Schema (draft-07), generated from the table (schema_table.cpp) and the
// backend catalog, for editors (yaml-language-server) and validators. It says what the parser
// says about a document's shape: its keys, the type of each value, required keys, alternatives,
// list lengths and the words an enumeration accepts. Inside a string it checks only a loose
// pattern (an address is hex digits, dots and colons); the precise syntax, the ranges and every
// rule between objects stay the parser's and the validator's (nswire validate).
//
// Values are typed the way a YAML loader types them: where the parser reads any scalar as text,
// the schema accepts a string, a number or a boolean; a boolean may be one of the parser's words.
#include <nlohmann/json.hpp>

#include "nswire/model/schema.h"

namespace nswire::model::schema {
namespace {

using nlohmann::ordered_json;

constexpr const char* kPrefixPattern = "^[0-9A-Fa-f:.]+/[0-9]{1,3}$";
constexpr const char* kAddressPattern = "^[0-9A-Fa-f:.]+$";

ordered_json strings(const std::vector<std::string>& words) {
  ordered_json out = ordered_json::array();
  for (const auto& w : words) out.push_back(w);
  return out;
}

ordered_json nullable(ordered_json type, bool null_ok) {
  if (!null_ok) return type;
  return ordered_json::array({std::move(type), "null"});
}

ordered_json type_schema(const Type& t, const backend::Catalog& catalog) {
  switch (t.kind) {
    case Kind::text: return {{"type", {"string", "number", "boolean"}}};
    case Kind::integer: {
      ordered_json out{{"type", "integer"}};
      if (!t.values.empty()) {
        ordered_json only = ordered_json::array();
        for (const auto& v : t.values) only.push_back(std::stol(v));
        out["enum"] = only;
      }
      return out;
    }
    case Kind::boolean: {
      std::vector<std::string> words = kTrueWords;
      words.insert(words.end(), kFalseWords.begin(), kFalseWords.end());
      return {{"anyOf", {{{"type", "boolean"}}, {{"enum", strings(words)}}}}};
    }
    case Kind::choice: return {{"type", "string"}, {"enum", strings(t.values)}};
    case Kind::backend: {
      std::vector<std::string> names;
      for (const auto& b : catalog) names.push_back(b.name);
      return {{"type", "string"}, {"enum", strings(names)}};
    }
    case Kind::patch: {
      std::vector<std::string> words{"auto", "veth", "native"};
      for (const auto& b : catalog)
        if (b.traits.native_patches) words.push_back(b.name);
      return {{"type", "string"}, {"enum", strings(words)}};
    }
    case Kind::prefix: return {{"type", "string"}, {"pattern", kPrefixPattern}};
    case Kind::address: return {{"type", "string"}, {"pattern", kAddressPattern}};
    case Kind::endpoint: return {{"type", "string"}, {"pattern", "^[^:]+(:[^:]+)?$"}};
    case Kind::destination:
      return {{"type", "string"}, {"pattern", std::string("^default$|") + kPrefixPattern}};
    case Kind::section: return {{"$ref", "#/definitions/" + t.section}};
    case Kind::list: {
      ordered_json out{{"type", nullable("array", accepts_null(t))}, {"items", type_schema(*t.item, catalog)}};
      if (t.min_items) out["minItems"] = t.min_items;
      if (t.max_items) out["maxItems"] = t.max_items;
      if (t.one_alone) return {{"anyOf", {type_schema(*t.item, catalog), out}}};
      return out;
    }
    case Kind::map:
      return {{"type", nullable("object", accepts_null(t))}, {"additionalProperties", type_schema(*t.item, catalog)}};
  }
  return {};
}

ordered_json key_schema(const Key& k, const backend::Catalog& catalog) {
  ordered_json out = type_schema(k.type, catalog);
  if (k.type.kind == Kind::section) {
    // A $ref's siblings are ignored in draft-07: put the description beside it in an allOf.
    return {{"description", k.description}, {"allOf", {out}}};
  }
  ordered_json described{{"description", k.description}};
  described.update(out);
  return described;
}

// Exactly one group's keys, and none of another group's: a oneOf of "these, not those".
ordered_json alternatives(const Section& s) {
  ordered_json branches = ordered_json::array();
  for (size_t i = 0; i < s.alternatives.size(); ++i) {
    ordered_json others = ordered_json::array();
    for (size_t j = 0; j < s.alternatives.size(); ++j)
      if (j != i)
        for (const auto& k : s.alternatives[j]) others.push_back({{"required", {k}}});
    ordered_json branch{{"required", strings(s.alternatives[i])}};
    if (!others.empty()) branch["not"] = {{"anyOf", others}};
    branches.push_back(branch);
  }
  return branches;
}

ordered_json section_schema(const Section& s, const backend::Catalog& catalog, ordered_json extra = {}) {
  ordered_json props = ordered_json::object();
  for (const auto& k : s.keys) props[k.name] = key_schema(k, catalog);
  if (!extra.is_null()) props.update(extra);
  ordered_json out{{"description", s.description},
                   {"type", nullable("object", s.null_is_empty)},
                   {"properties", props},
                   {"additionalProperties", false}};
  std::vector<std::string> required;
  for (const auto& k : s.keys)
    if (k.required) required.push_back(k.name);
  if (!required.empty()) out["required"] = strings(required);
  if (!s.alternatives.empty()) {
    if (s.null_is_empty) {
      out["if"] = {{"type", "object"}};
      out["then"] = {{"oneOf", alternatives(s)}};
    } else {
      out["oneOf"] = alternatives(s);
    }
  }
  return out;
}

// A backend's lab-level settings, as a section under its name (`ovs: { datapath: auto }`).
ordered_json settings_schema(const backend::BackendInfo& b) {
  ordered_json props = ordered_json::object();
  for (const auto& s : b.traits.settings) {
    ordered_json p{{"type", "string"}};
    if (s.endpoint) p["pattern"] = "^$|^(unix:/|tcp:|ssl:)";  // a database server, or "" (found)
    else p["enum"] = strings(s.values);
    p["default"] = s.default_value;
    if (!s.description.empty()) p["description"] = s.description;
    props[s.key] = p;
  }
  return {{"description", "Settings of the " + b.name + " backend."},
          {"type", {"object", "null"}},
          {"properties", props},
          {"additionalProperties", false}};
}

}  // namespace

std::string json_schema(const backend::Catalog& catalog) {
  ordered_json backends = ordered_json::object();
  for (const auto& b : catalog)
    if (!b.traits.settings.empty()) backends[b.name] = settings_schema(b);

  ordered_json doc{{"$schema", "http://json-schema.org/draft-07/schema#"}, {"title", "nswire lab file (version 1)"}};
  doc.update(section_schema(section("lab"), catalog, backends));
  ordered_json defs = ordered_json::object();
  for (const auto& s : sections())
    if (s.name != "lab") defs[s.name] = section_schema(s, catalog);
  doc["definitions"] = defs;
  return doc.dump(2) + "\n";
}

}  // namespace nswire::model::schema
