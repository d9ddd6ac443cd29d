// Link impairments in the lab file: `netem: { delay: 20ms, ... }` and `rate: 100mbit` on node
// interfaces (with `direction: both | out | in`) and on links (one map for both ends, or a list
// of two, one per end in endpoint order). Values are read with the strict units of
// nswire/netlink/units.h (model/impairment.h); rules over the whole impairment are the
// validator's.
#include "nswire/model/impairment.h"
#include "parser.h"

namespace nswire::model::detail {

std::optional<ImpairmentSpec> Parser::parse_impairment(const YAML::Node& v, const std::string& ctx, bool directional) {
  if (!is_map(v, ctx, "netem")) return std::nullopt;
  ImpairmentSpec spec;
  spec.loc = loc(v);
  bool ok = true;
  Keys keys(impairment_keys().begin(), impairment_keys().end());
  keys.push_back("direction");
  const std::string nctx = ctx + ": netem";
  entries(v, nctx, keys, [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
    auto s = scalar(x, nctx, k);
    if (!s) {
      ok = false;
      return;
    }
    if (k == "direction" && !directional) {
      error(loc(x), join(nctx, "direction is for node interfaces; a link gives each end its own: netem: [{ ... }, { ... }] "
                               "(endpoint order, each the egress of its end)"));
      ok = false;
      return;
    }
    if (k == "direction") {
      if (*s == "both") spec.direction = Direction::both;
      else if (*s == "out") spec.direction = Direction::out;
      else if (*s == "in") spec.direction = Direction::in;
      else {
        error(loc(x), join(nctx, "bad direction " + quote(*s) +
                                     " (expected both, out (what the node sends) or in (what it receives))"));
        ok = false;
      }
      return;
    }
    if (auto problem = set_impairment_key(spec.value, k, *s); !problem.empty()) {
      error(loc(x), join(nctx, k + " " + quote(*s) + " " + problem));
      ok = false;
    }
  });
  if (!ok) return std::nullopt;
  return spec;
}

std::optional<ImpairmentSpec> Parser::parse_rate_only(const YAML::Node& v, const std::string& ctx) {
  auto s = scalar(v, ctx, "rate");
  if (!s) return std::nullopt;
  ImpairmentSpec spec;
  spec.loc = loc(v);
  if (auto problem = set_impairment_key(spec.value, "rate", *s); !problem.empty()) {
    error(loc(v), join(ctx, "rate " + quote(*s) + " " + problem));
    return std::nullopt;
  }
  return spec;
}

void Parser::parse_link_impairment(const YAML::Node& v, const std::string& ctx, Link& link) {
  if (!v.IsSequence()) {
    if (auto spec = parse_impairment(v, ctx, false)) link.impairment = {spec, spec};
    return;
  }
  if (v.size() != 2) {
    error(loc(v), join(ctx, "\"netem\" must be a map (both ends) or a list of 2 maps, one per endpoint, not " +
                                std::to_string(v.size()) + " of them"));
    return;
  }
  for (size_t end = 0; end < 2; ++end) {
    tick();
    if (auto spec = parse_impairment(v[end], ctx + " (end " + std::to_string(end + 1) + ")", false))
      link.impairment[end] = spec;
  }
}

}  // namespace nswire::model::detail
