// The lab file's sections and keys as one declarative table (src/model/schema_table.cpp): each
// section's keys with their type, accepted values and description. The parser takes its key
// lists from it (an unknown key is one the table does not list), and the JSON Schema of the lab
// file is generated from it (json_schema, `nswire schema`, share/nswire/lab.schema.json), so the
// two cannot drift: a unit test walks the table and checks the parser reads every key as the
// table says. Backend names and their settings are not in the table: they come from the
// registry's catalog, in the parser and in the schema alike. Pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/traits.h"

namespace nswire::model::schema {

enum class Kind {
  text,         // any scalar, read as text (names, MACs, sysctl values)
  integer,      // a decimal integer; with `values`, only those
  boolean,      // true/false or one of kTrueWords / kFalseWords
  choice,       // one of `values`
  backend,      // a registered backend's name (the catalog)
  patch,        // auto | veth | native, or a backend with native patches (the catalog)
  prefix,       // ADDRESS/PREFIX, IPv4 or IPv6
  address,      // an IP address, IPv4 or IPv6
  endpoint,     // BRIDGE, NODE:IFNAME or host:IFNAME
  destination,  // default, or ADDRESS/PREFIX
  section,      // a map with the keys of the section named `section`
  list,         // a list of `item`
  map,          // a map from names (free text) to `item`
};

struct Type {
  Kind kind = Kind::text;
  std::vector<std::string> values{};  // choice: the words; integer: the only integers accepted
  std::string section{};              // section: its name in sections()
  std::shared_ptr<const Type> item{};  // list and map: every item's type
  size_t min_items = 0;               // list: at least this many items
  size_t max_items = 0;               // list: at most this many (0: no limit)
  bool one_alone = false;             // list: one item may be written alone, without the list
};

// The table's vocabulary: list(prefix()), map(of("node")), choice({"icmp", "tcp"}).
Type text();
Type integer(std::vector<std::string> only = {});
Type boolean();
Type choice(std::vector<std::string> words);
Type backend();
Type patch();
Type prefix();
Type address();
Type endpoint();
Type destination();
Type of(std::string section);
Type list(Type item, size_t exactly = 0);   // any number of items, or exactly `exactly`
Type nonempty_list(Type item);
// One item alone, or a list of them (of exactly `exactly` when given): `controller: tcp:...`.
Type one_or_list(Type item, size_t exactly = 0);
Type map(Type item);

struct Key {
  std::string name;
  Type type;
  std::string description;
  bool required = false;
  // A value the parser accepts (YAML flow), where the type's plain one would break a rule on the
  // value itself (a controller target, a rate): documentation, and the unit test's good value.
  std::string example{};
};

struct Section {
  std::string name;         // "lab" (the file itself), "bridge", "node", ...
  std::string description;
  std::vector<Key> keys;    // in the order the documentation lists them
  // Groups of keys of which exactly one is written, with no key of another group:
  // attach: {pid} or {path}; test: {mesh} or {from, to}.
  std::vector<std::vector<std::string>> alternatives{};
  // An empty value (`br0:`) is read as the empty map; otherwise it is refused.
  bool null_is_empty = false;
  // Keys a smallest object of the section has besides its required ones and an alternative
  // (a mirror selects something: src).
  std::vector<std::string> minimal{};

  const Key* key(std::string_view name) const;
};

// The words a boolean value may be written as, besides true and false.
extern const std::vector<std::string> kTrueWords;
extern const std::vector<std::string> kFalseWords;

// Every section, "lab" (the top level) first.
const std::vector<Section>& sections();
// A section by name; throws std::out_of_range for a name the table does not have.
const Section& section(std::string_view name);
// Whether an empty value (null) is accepted where the type is wanted: maps, lists that may be
// empty (both read as empty), and the sections with null_is_empty.
bool accepts_null(const Type& type);
// The names of a section's keys, for the parser's map walker.
const std::vector<std::string_view>& key_names(std::string_view section);

// The JSON Schema (draft-07) of the lab file: the table, with the catalog's backend names,
// native-patch backends and each backend's settings section. Pretty-printed, ends in a newline.
std::string json_schema(const backend::Catalog& catalog);

}  // namespace nswire::model::schema
