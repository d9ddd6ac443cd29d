// The YAML walker behind parse.h, shared by parse*.cpp: one Parser per document, with its
// type checks and its map walker. The keys of each section come from the table
// (schema_table.cpp). Internal to src/model.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/traits.h"
#include "nswire/model/diagnostic.h"
#include "nswire/model/lab.h"
#include "nswire/model/schema.h"
#include "suggest.h"

namespace nswire::model::detail {

using Keys = std::vector<std::string_view>;

// The keys a section of the lab file may have: the table's (src/model/schema_table.cpp).
inline const Keys& keys(std::string_view section) { return schema::key_names(section); }

// A document that is huge or aliased into a bomb stops the walk with one error.
struct Abort {};

// An honest file has fewer values than bytes; only aliases (*a) multiply them. The walk may
// visit a few times the size of the text, plus some slack for tiny files.
constexpr long kWorkPerByte = 4;
constexpr long kWorkSlack = 10'000;
constexpr size_t kMaxDiagnostics = 500;

inline std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\\x";
      const char* hex = "0123456789abcdef";
      out += hex[(c >> 4) & 0xf];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

inline const char* kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "empty";
    case YAML::NodeType::Undefined: break;
  }
  return "undefined";
}

// A list of words for messages: "a, b or c".
inline std::string one_of(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

// "node \"blue\": interface \"eth0\"" + ": " + message, without a leading ": " at top level.
inline std::string join(const std::string& ctx, const std::string& message) {
  return ctx.empty() ? message : ctx + ": " + message;
}

class Parser {
 public:
  Parser(std::string file, const backend::Catalog& catalog, std::vector<Diagnostic>& diags)
      : file_(std::move(file)), catalog_(catalog), diags_(diags) {}

  Lab run(std::string_view text);
  bool readable() const { return readable_; }

 private:
  Location loc(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void error(const Location& where, std::string message) {
    if (diags_.size() >= kMaxDiagnostics) {
      diags_.push_back(make_error(where, "too many errors; stopping"));
      throw Abort{};
    }
    diags_.push_back(make_error(where, std::move(message)));
  }
  void tick() {
    if (++work_ > max_work_) {
      error({file_, 0, 0}, "lab file too large after alias expansion (more than " +
                               std::to_string(max_work_) + " values)");
      throw Abort{};
    }
  }

  // Type checks. A null value counts as an empty map/list where one is expected.
  bool is_map(const YAML::Node& n, const std::string& ctx, std::string_view key);
  bool is_list(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::optional<std::string> scalar(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::optional<int> integer(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::vector<std::string> strings(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::vector<IpPrefix> cidrs(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::optional<std::string> backend(const YAML::Node& n, const std::string& ctx);
  void parse_settings(const backend::BackendInfo& b, const YAML::Node& v, Lab& lab);

  // Walks a map's entries. With `allowed` non-empty, other keys are reported as unknown;
  // duplicate keys and non-scalar keys are always reported. fn(key, key_node, value).
  template <class F>
  void entries(const YAML::Node& map, const std::string& ctx, const Keys& allowed, F&& fn,
               const char* what = "key");

  void parse_top(const YAML::Node& root, Lab& lab);
  Bridge parse_bridge(const std::string& name, const YAML::Node& key, const YAML::Node& v);
  Host parse_host(const std::string& name, const YAML::Node& key, const YAML::Node& v);  // parse_hosts.cpp
  Node parse_node(const std::string& name, const YAML::Node& key, const YAML::Node& v);
  Interface parse_interface(const std::string& ctx, const std::string& name,
                            const YAML::Node& key, const YAML::Node& v);
  // parse_switch.cpp: the switch settings of bridges and ports.
  bool parse_bridge_option(const std::string& ctx, const std::string& key, const YAML::Node& v, Bridge& b);
  bool parse_port_option(const std::string& ctx, const std::string& key, const YAML::Node& v, Interface& i);
  std::optional<Mirror> parse_mirror(const std::string& ctx, const YAML::Node& v);
  std::optional<int64_t> count(const YAML::Node& n, const std::string& ctx, std::string_view key, int64_t min,
                               int64_t max);
  std::vector<int64_t> vlan_list(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::map<std::string, std::string> string_map(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::vector<std::string> collectors(const YAML::Node& n, const std::string& ctx, std::string_view key);
  std::optional<Route> parse_route(const std::string& ctx, const YAML::Node& v);
  std::optional<Link> parse_link(const YAML::Node& v, size_t index);
  std::optional<Endpoint> parse_endpoint(const std::string& ctx, const YAML::Node& v);
  std::optional<ConnectivityTest> parse_test(const YAML::Node& v, size_t index);

  std::string file_;
  const backend::Catalog& catalog_;
  std::vector<Diagnostic>& diags_;
  long work_ = 0;
  long max_work_ = kWorkSlack;
  bool readable_ = false;
};

template <class F>
void Parser::entries(const YAML::Node& map, const std::string& ctx, const Keys& allowed, F&& fn,
                     const char* what) {
  if (!map.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& kv : map) {
    tick();
    const YAML::Node& k = kv.first;
    if (!k.IsScalar()) {
      error(loc(k), join(ctx, std::string(what) + " must be a scalar, not " + kind_name(k)));
      continue;
    }
    const std::string& key = k.Scalar();
    if (allowed.size() > 0 &&
        std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      std::string msg = "unknown key " + quote(key);
      std::string hint = closest_word(key, allowed);
      if (!hint.empty()) {
        msg += " (did you mean " + quote(hint) + "?)";
      } else {
        msg += " (expected one of:";
        for (auto a : allowed) msg += " " + std::string(a);
        msg += ")";
      }
      error(loc(k), join(ctx, msg));
      continue;
    }
    if (!seen.insert(key).second) {
      error(loc(k), join(ctx, std::string(what) + " " + quote(key) + " given twice"));
      continue;
    }
    fn(key, k, kv.second);
  }
}

}  // namespace nswire::model::detail
