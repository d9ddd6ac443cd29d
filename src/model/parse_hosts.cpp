// The "hosts" section: the machines of a lab across hosts, each with its underlay address (the
// one the others reach it at) and the underlay's MTU.
#include "parser.h"

namespace nswire::model::detail {

Host Parser::parse_host(const std::string& name, const YAML::Node& key, const YAML::Node& v) {
  Host h;
  h.name = name;
  h.loc = loc(key);
  std::string ctx = "host " + quote(name);
  if (!v.IsMap()) {
    error(loc(v), join(ctx, std::string("must be a map with at least \"address\", not ") + kind_name(v)));
    return h;
  }
  bool have_address = false;
  entries(v, ctx, keys("host"), [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
    if (k == "address") {
      have_address = true;
      auto s = scalar(x, ctx, k);
      if (!s) return;
      if (auto a = IpAddress::parse(*s)) h.address = *a;
      else error(loc(x), join(ctx, "bad address " + quote(*s) + " (expected an IPv4 or IPv6 address, no prefix)"));
    } else if (k == "mtu") {
      if (auto m = integer(x, ctx, k)) h.mtu = *m;
    }
  });
  if (!have_address) error(h.loc, join(ctx, "missing required key \"address\" (its underlay address)"));
  return h;
}

}  // namespace nswire::model::detail
