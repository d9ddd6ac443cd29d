// The table of the lab file (nswire/model/schema.h) against the parser, key by key: for every key
// of every section, a lab written with a value of the table's type parses cleanly and one with a
// value of another type is refused; required keys are required, alternatives exclusive, unknown
// keys refused. The documents are generated from the table itself (each section placed where the
// table nests it), so a key added to the table is tested without touching this file, and a parser
// branch that reads a key otherwise than the table says fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "nswire/backend/registry.h"
#include "nswire/model/parse.h"
#include "nswire/model/schema.h"
#include "nswire/model/validate.h"

using namespace nswire::model;
using schema::Kind;

namespace {

const nswire::backend::Catalog& catalog() { return nswire::backend::catalog(); }

// A value of the type, in YAML flow style, that the parser reads without error.
std::string good(const schema::Type& t);
// The key's: its example where the table gives one.
std::string good(const schema::Key& k) { return k.example.empty() ? good(k.type) : k.example; }

std::string repeat(const std::string& item, size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < std::max<size_t>(n, 1); ++i) out += (i ? ", " : "") + item;
  return out + "]";
}

// The keys a minimal object of the section needs: its required keys, and one alternative group
// (the one holding `with`, else the first).
std::vector<std::string> needed(const schema::Section& s, const std::string& with = "") {
  std::vector<std::string> out;
  for (const auto& k : s.keys)
    if (k.required) out.push_back(k.name);
  if (!s.alternatives.empty()) {
    auto group = s.alternatives.front();
    for (const auto& g : s.alternatives)
      if (std::find(g.begin(), g.end(), with) != g.end()) group = g;
    out.insert(out.end(), group.begin(), group.end());
  }
  out.insert(out.end(), s.minimal.begin(), s.minimal.end());
  return out;
}

// A map of the section: the minimal keys with good values, `key` (if any) set to `value`, and
// the keys in `without` left out.
std::string object(const schema::Section& s, const std::string& key = "", const std::string& value = "",
                   const std::vector<std::string>& without = {}) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& name : needed(s, key)) {
    if (name == key || std::find(without.begin(), without.end(), name) != without.end()) continue;
    fields.emplace_back(name, good(*s.key(name)));
  }
  if (!key.empty()) fields.emplace_back(key, value);
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i].first + ": " + fields[i].second;
  return out + "}";
}

std::string good(const schema::Type& t) {
  switch (t.kind) {
    case Kind::text: return "x";
    case Kind::integer: return t.values.empty() ? "5" : t.values.front();
    case Kind::boolean: return "true";
    case Kind::choice: return t.values.front();
    case Kind::backend: return catalog().front().name;
    case Kind::patch: return "auto";
    case Kind::prefix: return "10.0.0.1/24";
    case Kind::address: return "'fd00::1'";
    case Kind::endpoint: return "br0";
    case Kind::destination: return "default";
    case Kind::section: return object(schema::section(t.section));
    case Kind::list: return repeat(good(*t.item), t.min_items);
    case Kind::map: return "{k: " + good(*t.item) + "}";
  }
  return "";
}

// A value the parser must refuse where the type is wanted.
std::string bad(const schema::Type& t) {
  switch (t.kind) {
    case Kind::text: return "{a: b}";
    case Kind::integer: return t.values.empty() ? "ten" : "99";
    case Kind::boolean: return "sometimes";
    case Kind::choice:
    case Kind::backend:
    case Kind::patch: return "bogus";
    case Kind::prefix: return "10.0.0.1";
    case Kind::address: return "10.0.0.300";
    case Kind::endpoint: return "'a:b:c'";
    case Kind::destination: return "everywhere";
    case Kind::section:
    case Kind::map: return "x";
    case Kind::list:
      if (t.one_alone) return bad(*t.item);
      return t.max_items ? repeat(good(*t.item), t.max_items + 1) : "x";
  }
  return "";
}

// Where the table nests a section: its parent, the parent's key, and that key's type.
struct Place {
  const schema::Section* parent;
  const schema::Key* key;
};

const schema::Type& innermost(const schema::Type& t) {
  return t.kind == Kind::list || t.kind == Kind::map ? innermost(*t.item) : t;
}

std::optional<Place> place_of(const std::string& section) {
  for (const auto& s : schema::sections())
    for (const auto& k : s.keys) {
      const auto& in = innermost(k.type);
      if (in.kind == Kind::section && in.section == section) return Place{&s, &k};
    }
  return std::nullopt;
}

// The type's value with its innermost section written as `obj`.
std::string wrap(const schema::Type& t, const std::string& obj) {
  if (t.kind == Kind::list) return repeat(wrap(*t.item, obj), t.min_items);
  if (t.kind == Kind::map) return "{k: " + wrap(*t.item, obj) + "}";
  return obj;
}

// A whole lab file with `obj` as an object of the section, the rest minimal.
std::string document(const std::string& section, const std::string& obj) {
  if (section == "lab") return obj + "\n";
  auto p = place_of(section);
  if (!p) return "";
  return document(p->parent->name, object(*p->parent, p->key->name, wrap(p->key->type, obj)));
}

std::vector<Diagnostic> parse(const std::string& text) {
  std::vector<Diagnostic> diags;
  parse_string(text, "t.yaml", catalog(), diags);
  return diags;
}

std::string errors(const std::vector<Diagnostic>& diags) {
  std::string all;
  for (const auto& d : diags)
    if (d.severity == Severity::error) all += d.to_string() + "\n";
  return all;
}

}  // namespace

TEST(SchemaTable, EverySectionIsReachableFromTheTopLevel) {
  ASSERT_EQ(schema::sections().front().name, "lab");
  for (const auto& s : schema::sections()) {
    SCOPED_TRACE(s.name);
    ASSERT_FALSE(document(s.name, object(s)).empty()) << "no key of the table nests section " << s.name;
    for (const auto& k : s.keys) EXPECT_FALSE(k.description.empty()) << k.name;
    for (const auto& group : s.alternatives)
      for (const auto& name : group) EXPECT_NE(s.key(name), nullptr) << name;
  }
}

TEST(SchemaTable, TheParserReadsEveryKeyAsTyped) {
  size_t keys = 0;
  for (const auto& s : schema::sections()) {
    for (const auto& k : s.keys) {
      ++keys;
      std::string ok = document(s.name, object(s, k.name, good(k)));
      std::string ko = document(s.name, object(s, k.name, bad(k.type)));
      SCOPED_TRACE(s.name + "." + k.name + "\n  good: " + ok + "  bad:  " + ko);
      EXPECT_EQ(errors(parse(ok)), "");
      EXPECT_NE(errors(parse(ko)), "");
    }
  }
  EXPECT_GE(keys, 30u);
}

TEST(SchemaTable, AnEmptyValueIsAcceptedWhereTheTableSaysSo) {
  for (const auto& s : schema::sections()) {
    for (const auto& k : s.keys) {
      std::string doc = document(s.name, object(s, k.name, "~"));
      SCOPED_TRACE(doc);
      // A key of the section's smallest object is what the object needs: empty, it breaks a
      // rule between keys (a mirror that selects nothing), not the key's type.
      bool needed_by_minimal = std::find(s.minimal.begin(), s.minimal.end(), k.name) != s.minimal.end();
      if (schema::accepts_null(k.type) && needed_by_minimal) {
        EXPECT_NE(errors(parse(doc)), "");
      } else if (schema::accepts_null(k.type)) {
        EXPECT_EQ(errors(parse(doc)), "");
      } else {
        EXPECT_NE(errors(parse(doc)), "");
      }
      // And as an item of a map or list of sections (nodes: { n: ~ }).
      if ((k.type.kind == Kind::map || k.type.kind == Kind::list) && k.type.item->kind == Kind::section) {
        std::string item = document(s.name, object(s, k.name, wrap(k.type, "~")));
        SCOPED_TRACE(item);
        if (schema::accepts_null(*k.type.item)) {
          EXPECT_EQ(errors(parse(item)), "");
        } else {
          EXPECT_NE(errors(parse(item)), "");
        }
      }
    }
  }
}

TEST(SchemaTable, EveryWordOfAChoiceAndABooleanIsAccepted) {
  for (const auto& s : schema::sections()) {
    for (const auto& k : s.keys) {
      std::vector<std::string> words = k.type.values;
      if (k.type.kind == Kind::boolean) {
        words = schema::kTrueWords;
        words.insert(words.end(), schema::kFalseWords.begin(), schema::kFalseWords.end());
      } else if (k.type.kind == Kind::patch) {
        words = {"auto", "veth", "native"};
        for (const auto& b : catalog())
          if (b.traits.native_patches) words.push_back(b.name);
      } else if (k.type.kind == Kind::backend) {
        for (const auto& b : catalog()) words.push_back(b.name);
      }
      for (const auto& w : words) {
        std::string doc = document(s.name, object(s, k.name, w));
        SCOPED_TRACE(doc);
        EXPECT_EQ(errors(parse(doc)), "");
      }
    }
  }
}

TEST(SchemaTable, RequiredKeysAreRequired) {
  for (const auto& s : schema::sections()) {
    for (const auto& k : s.keys) {
      if (!k.required) continue;
      // Some are checked by the parser, some (name, bridge) by the validator: both, as nswire reads a file.
      std::string doc = document(s.name, object(s, "", "", {k.name}));
      SCOPED_TRACE(doc);
      EXPECT_NE(errors(check_string(doc, "t.yaml", catalog()).diagnostics).find("missing required key \"" + k.name + "\""), std::string::npos);
    }
  }
}

TEST(SchemaTable, AlternativesAreExclusiveAndOneIsNeeded) {
  for (const auto& s : schema::sections()) {
    if (s.alternatives.empty()) continue;
    std::vector<std::string> all;
    for (const auto& g : s.alternatives) all.insert(all.end(), g.begin(), g.end());
    // Checked by the parser (attach, test) or by the validator (interface: bridge or parent).
    auto checked = [](const std::string& doc) { return errors(check_string(doc, "t.yaml", catalog()).diagnostics); };
    std::string none = document(s.name, object(s, "", "", all));
    SCOPED_TRACE(none);
    EXPECT_NE(checked(none), "");
    // The first group's keys, and one key of every other group.
    for (size_t i = 1; i < s.alternatives.size(); ++i) {
      const auto* other = s.key(s.alternatives[i].front());
      std::string fields;
      for (const auto& name : s.alternatives.front()) fields += name + ": " + good(s.key(name)->type) + ", ";
      std::string both = document(s.name, "{" + fields + other->name + ": " + good(other->type) + "}");
      SCOPED_TRACE(both);
      EXPECT_NE(checked(both), "");
    }
  }
}

TEST(SchemaTable, UnknownKeysAreRefusedInEverySection) {
  for (const auto& s : schema::sections()) {
    std::string doc = document(s.name, object(s, "zzz_not_a_key", "1"));
    SCOPED_TRACE(doc);
    EXPECT_NE(errors(parse(doc)).find("unknown key \"zzz_not_a_key\""), std::string::npos);
  }
}

TEST(SchemaTable, EveryBackendSettingIsReadFromTheCatalog) {
  for (const auto& b : catalog()) {
    for (const auto& setting : b.traits.settings) {
      for (const auto& v : setting.values) {
        std::string doc = "{name: x, " + b.name + ": {" + setting.key + ": " + v + "}}\n";
        SCOPED_TRACE(doc);
        EXPECT_EQ(errors(parse(doc)), "");
      }
      std::string doc = "{name: x, " + b.name + ": {" + setting.key + ": bogus}}\n";
      SCOPED_TRACE(doc);
      EXPECT_NE(errors(parse(doc)), "");
    }
  }
}
