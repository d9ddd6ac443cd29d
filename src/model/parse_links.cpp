// The "links" and "tests" sections: endpoints ("br0", "node:ifname", "host:ifname") and
// connectivity expectations.
#include "parser.h"

namespace nswire::model::detail {

std::optional<Endpoint> Parser::parse_endpoint(const std::string& ctx, const YAML::Node& v) {
  auto s = scalar(v, ctx, "endpoint");
  if (!s) return std::nullopt;
  Endpoint e;
  e.text = *s;
  e.loc = loc(v);
  auto colon = s->find(':');
  bool ok;
  if (colon == std::string::npos) {
    e.kind = EndpointKind::bridge;
    e.bridge = *s;
    ok = !s->empty();
  } else {
    std::string left = s->substr(0, colon), right = s->substr(colon + 1);
    e.kind = left == "host" ? EndpointKind::host : EndpointKind::node;
    if (e.kind == EndpointKind::node) e.node = left;
    e.ifname = right;
    ok = !left.empty() && !right.empty() && right.find(':') == std::string::npos;
  }
  if (!ok) {
    error(e.loc, join(ctx, "bad endpoint " + quote(*s) + " (expected BRIDGE, NODE:IFNAME or host:IFNAME)"));
    return std::nullopt;
  }
  return e;
}

std::optional<Link> Parser::parse_link(const YAML::Node& v, size_t index) {
  std::string ctx = "link " + std::to_string(index);
  if (!v.IsMap()) {
    error(loc(v), join(ctx, std::string("must be a map with \"endpoints\", not ") + kind_name(v)));
    return std::nullopt;
  }
  Link l;
  l.loc = loc(v);
  bool ok = true, have_endpoints = false;
  entries(v, ctx, keys("link"),
          [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
            if (k == "endpoints") {
              have_endpoints = true;
              if (!x.IsSequence() || x.size() != 2) {
                error(loc(x), join(ctx, std::string("\"endpoints\" must be a list of 2 endpoints, not ") +
                                            (x.IsSequence() ? std::to_string(x.size()) + " of them"
                                                            : std::string(kind_name(x)))));
                ok = false;
                return;
              }
              for (size_t end = 0; end < 2; ++end) {
                auto e = parse_endpoint(ctx, x[end]);
                if (e) {
                  l.endpoints[end] = *e;
                } else {
                  ok = false;
                }
              }
            } else if (k == "addresses") {
              if (!x.IsSequence() || x.size() != 2) {
                error(loc(x), join(ctx, "\"addresses\" must be a list of 2 lists, one per endpoint "
                                        "(e.g. [[10.0.0.1/30], [10.0.0.2/30]])"));
                return;
              }
              for (size_t end = 0; end < 2; ++end) l.addresses[end] = cidrs(x[end], ctx, "addresses");
            } else if (k == "mtu") {
              l.mtu = integer(x, ctx, k);
            } else if (k == "patch") {
              auto s = scalar(x, ctx, k);
              if (!s) return;
              // auto | veth | native, or a backend with native patches by name.
              std::vector<std::string> words{"auto", "veth", "native"};
              for (const auto& b : catalog_)
                if (b.traits.native_patches) words.push_back(b.name);
              const auto* named = backend::find_backend(catalog_, *s);
              if (*s == "auto") {
                l.patch = Patch::automatic;
              } else if (*s == "veth") {
                l.patch = Patch::veth;
              } else if (*s == "native" || (named && named->traits.native_patches)) {
                l.patch = Patch::native;
                if (named) l.patch_backend = named->name;
              } else if (named) {
                error(loc(x), join(ctx, "bad patch " + quote(*s) + ": the " + *s + " backend has no native patches (expected " +
                                            one_of(words) + ")"));
              } else {
                error(loc(x), join(ctx, "bad patch " + quote(*s) + " (expected " + one_of(words) + ")"));
              }
            }
          });
  if (!have_endpoints) error(l.loc, join(ctx, "missing required key \"endpoints\""));
  if (!have_endpoints || !ok) return std::nullopt;
  return l;
}

std::optional<ConnectivityTest> Parser::parse_test(const YAML::Node& v, size_t index) {
  std::string ctx = "test " + std::to_string(index);
  if (!v.IsMap()) {
    error(loc(v), join(ctx, std::string("must be a map like { from: A, to: B, expect: reachable }, not ") +
                                kind_name(v)));
    return std::nullopt;
  }
  ConnectivityTest t;
  t.loc = loc(v);
  bool has_from = false, has_to = false, has_mesh = false, ok = true;
  entries(v, ctx, keys("test"),
          [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
            auto set_int = [&](int& field) {
              if (auto n = integer(x, ctx, k)) field = *n; else ok = false;
            };
            if (k == "from" || k == "to") {
              (k == "from" ? has_from : has_to) = true;
              auto s = scalar(x, ctx, k);
              if (s) (k == "from" ? t.from : t.to) = *s; else ok = false;
            } else if (k == "mesh") {
              has_mesh = true;
              t.mesh = strings(x, ctx, k);
              if (!x.IsSequence() && !x.IsNull()) ok = false;  // null: an empty mesh, reported below
            } else if (k == "expect") {
              auto s = scalar(x, ctx, k);
              if (s && *s == "reachable") {
                t.expect = Expect::reachable;
              } else if (s && *s == "unreachable") {
                t.expect = Expect::unreachable;
              } else {
                if (s) error(loc(x), join(ctx, "bad expect " + quote(*s) + " (expected reachable or unreachable)"));
                ok = false;
              }
            } else if (k == "proto") {
              auto s = scalar(x, ctx, k);
              if (s && *s == "icmp") {
                t.proto = Proto::icmp;
              } else if (s && *s == "tcp") {
                t.proto = Proto::tcp;
              } else if (s && *s == "udp") {
                t.proto = Proto::udp;
              } else {
                if (s) error(loc(x), join(ctx, "bad proto " + quote(*s) + " (expected icmp, tcp or udp)"));
                ok = false;
              }
            } else if (k == "port") {
              set_int(t.port);
            } else if (k == "count") {
              set_int(t.count);
            } else if (k == "timeout_ms") {
              set_int(t.timeout_ms);
            }
          });
  if (has_mesh && (has_from || has_to)) {
    error(t.loc, join(ctx, "a test has either \"mesh\" or \"from\"/\"to\", not both"));
    return std::nullopt;
  }
  if (!has_mesh && !(has_from && has_to)) {
    error(t.loc, join(ctx, has_from ? "missing required key \"to\""
                            : has_to ? "missing required key \"from\""
                                     : "needs \"from\" and \"to\", or \"mesh\""));
    return std::nullopt;
  }
  if (has_mesh && t.mesh.empty() && ok) {
    error(t.loc, join(ctx, "\"mesh\" lists no nodes"));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return t;
}


}  // namespace nswire::model::detail
