// Typed reads of single YAML values (scalars, integers, booleans, lists of addresses), each
// reporting a wrong type or syntax at the value's line:column.
#include "parser.h"

#include <charconv>

namespace nswire::model::detail {

bool Parser::is_map(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  if (n.IsMap() || n.IsNull()) return true;
  std::string what = key.empty() ? "must be a map" : quote(key) + " must be a map";
  error(loc(n), join(ctx, what + ", not " + kind_name(n)));
  return false;
}

bool Parser::is_list(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  if (n.IsSequence() || n.IsNull()) return true;
  error(loc(n), join(ctx, quote(key) + " must be a list, not " + kind_name(n)));
  return false;
}

std::optional<std::string> Parser::scalar(const YAML::Node& n, const std::string& ctx,
                                          std::string_view key) {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsNull()) {
    error(loc(n), join(ctx, quote(key) + " needs a value"));
  } else {
    error(loc(n), join(ctx, quote(key) + " must be a scalar, not " + kind_name(n)));
  }
  return std::nullopt;
}

std::optional<int> Parser::integer(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  auto s = scalar(n, ctx, key);
  if (!s) return std::nullopt;
  int value = 0;
  const char* begin = s->data();
  if (!s->empty() && *begin == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, s->data() + s->size(), value);
  if (s->empty() || ec != std::errc() || end != s->data() + s->size()) {
    error(loc(n), join(ctx, quote(key) + ": " + quote(*s) + " is not an integer"));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Parser::boolean(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  auto s = scalar(n, ctx, key);
  if (!s) return std::nullopt;
  auto in = [&](const std::vector<std::string>& words) {
    return std::find(words.begin(), words.end(), *s) != words.end();
  };
  if (in(schema::kTrueWords)) return true;
  if (in(schema::kFalseWords)) return false;
  error(loc(n), join(ctx, quote(key) + ": " + quote(*s) + " is not a boolean (true or false)"));
  return std::nullopt;
}

std::vector<std::string> Parser::strings(const YAML::Node& n, const std::string& ctx,
                                         std::string_view key) {
  std::vector<std::string> out;
  if (!is_list(n, ctx, key)) return out;
  for (const auto& item : n) {
    tick();
    if (auto s = scalar(item, ctx, std::string(key) + " entry")) out.push_back(*s);
  }
  return out;
}

std::vector<IpPrefix> Parser::cidrs(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  std::vector<IpPrefix> out;
  if (!is_list(n, ctx, key)) return out;
  for (const auto& item : n) {
    tick();
    auto s = scalar(item, ctx, "address");
    if (!s) continue;
    if (auto c = IpPrefix::parse(*s)) {
      out.push_back(*c);
    } else {
      error(loc(item), join(ctx, "bad address " + quote(*s) +
                                     (s->find('/') == std::string::npos
                                          ? " (expected ADDRESS/PREFIX)"
                                          : "")));
    }
  }
  return out;
}

std::optional<std::string> Parser::backend(const YAML::Node& n, const std::string& ctx) {
  auto s = scalar(n, ctx, "backend");
  if (!s) return std::nullopt;
  if (backend::find_backend(catalog_, *s)) return *s;
  std::vector<std::string> known;
  for (const auto& b : catalog_) known.push_back(b.name);
  error(loc(n), join(ctx, "bad backend " + quote(*s) + " (expected " + one_of(known) + ")"));
  return std::nullopt;
}

}  // namespace nswire::model::detail
