// The "nodes" section: namespaces, their interfaces, routes, DNS and sysctls.
#include <cctype>

#include "parser.h"

namespace nswire::model::detail {

Node Parser::parse_node(const std::string& name, const YAML::Node& key, const YAML::Node& v) {
  Node n;
  n.name = name;
  n.loc = loc(key);
  std::string ctx = "node " + quote(name);
  if (!is_map(v, ctx, "")) return n;
  entries(v, ctx, keys("node"),
          [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
            if (k == "host") {
              if (auto s = scalar(x, ctx, k)) n.host = *s;
            } else if (k == "attach") {
              n.attach.loc = loc(x);
              int given = 0;  // pid and path keys seen, valid or not
              if (!x.IsMap()) {
                error(loc(x), join(ctx, "\"attach\" must be a map with \"pid\" or \"path\", not " +
                                            std::string(kind_name(x))));
                return;
              }
              entries(x, ctx + ": attach", keys("attach"),
                      [&](const std::string& ak, const YAML::Node&, const YAML::Node& av) {
                        if (++given > 1) {
                          // Keep neither: which one was meant is unknown.
                          error(loc(x), join(ctx, "attach takes \"pid\" or \"path\", not both"));
                          n.attach = Attach{AttachKind::none, 0, {}, loc(x)};
                          return;
                        }
                        if (ak == "pid") {
                          if (auto p = integer(av, ctx + ": attach", ak)) {
                            n.attach.kind = AttachKind::pid;
                            n.attach.pid = *p;
                          }
                        } else if (auto s = scalar(av, ctx + ": attach", ak)) {
                          n.attach.kind = AttachKind::path;
                          n.attach.path = *s;
                        }
                      });
              if (given == 0) error(loc(x), join(ctx, "attach needs \"pid\" or \"path\""));
            } else if (k == "interfaces") {
              if (!is_map(x, ctx, k)) return;
              entries(x, ctx, {}, [&](const std::string& ifname, const YAML::Node& ik,
                                      const YAML::Node& iv) {
                auto i = parse_interface(ctx, ifname, ik, iv);
                (i.parent.empty() ? n.interfaces : n.subinterfaces).push_back(std::move(i));
              }, "interface");
            } else if (k == "routes") {
              if (!is_list(x, ctx, k)) return;
              for (const auto& item : x) {
                tick();
                if (auto r = parse_route(ctx, item)) n.routes.push_back(std::move(*r));
              }
            } else if (k == "dns") {
              if (!is_map(x, ctx, k)) return;
              std::string dctx = ctx + ": dns";
              entries(x, dctx, keys("dns"),
                      [&](const std::string& dk, const YAML::Node&, const YAML::Node& dv) {
                        if (dk == "search") {
                          n.dns.search = strings(dv, dctx, dk);
                          return;
                        }
                        if (!is_list(dv, dctx, dk)) return;
                        for (const auto& item : dv) {
                          tick();
                          auto s = scalar(item, dctx, "nameserver");
                          if (!s) continue;
                          if (auto a = IpAddress::parse(*s)) {
                            n.dns.nameservers.push_back(*a);
                          } else {
                            error(loc(item), join(dctx, "bad nameserver address " + quote(*s)));
                          }
                        }
                      });
            } else if (k == "sysctls") {
              if (!is_map(x, ctx, k)) return;
              entries(x, ctx, {}, [&](const std::string& sk, const YAML::Node&, const YAML::Node& sv) {
                if (auto s = scalar(sv, ctx + ": sysctl " + quote(sk), "value")) n.sysctls[sk] = *s;
              }, "sysctl");
            }
          });
  return n;
}

Interface Parser::parse_interface(const std::string& node_ctx, const std::string& name,
                                  const YAML::Node& key, const YAML::Node& v) {
  Interface i;
  i.name = name;
  i.loc = loc(key);
  std::string ctx = node_ctx + ": interface " + quote(name);
  if (!v.IsMap()) {
    error(loc(v), join(ctx, std::string("must be a map with at least \"bridge\", not ") + kind_name(v)));
    return i;
  }
  bool netem = false, rate = false;
  entries(v, ctx, keys("interface"),
          [&](const std::string& k, const YAML::Node& kn, const YAML::Node& x) {
            if (parse_port_option(ctx, k, x, i)) {
              i.option_keys[k] = loc(kn);
              return;
            }
            if (k == "netem" || k == "rate") {
              (k == "netem" ? netem : rate) = true;
              if (netem && rate) {
                error(loc(kn), join(ctx, "\"rate\" and \"netem\" both given: write the rate inside netem (netem: { rate: ... })"));
                i.impairment.reset();
                return;
              }
              i.impairment = k == "netem" ? parse_impairment(x, ctx, true) : parse_rate_only(x, ctx);
              return;
            }
            if (k == "bridge") {
              if (auto s = scalar(x, ctx, k)) i.bridge = *s;
            } else if (k == "addresses") {
              i.addresses = cidrs(x, ctx, k);
            } else if (k == "mtu") {
              i.mtu = integer(x, ctx, k);
            } else if (k == "vlan") {
              i.vlan = integer(x, ctx, k);
            } else if (k == "mac") {
              i.mac = scalar(x, ctx, k);
            } else if (k == "parent") {
              if (auto s = scalar(x, ctx, k)) i.parent = *s;
            }
          });
  // eth0.10 on parent eth0 is VLAN 10 unless `vlan` says otherwise (ip link's own convention).
  if (!i.parent.empty() && !i.vlan && name.size() > i.parent.size() + 1 && name.compare(0, i.parent.size(), i.parent) == 0 &&
      name[i.parent.size()] == '.') {
    std::string id = name.substr(i.parent.size() + 1);
    if (id.size() <= 4 && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); }))
      i.vlan = std::stoi(id);
  }
  return i;
}

std::optional<Route> Parser::parse_route(const std::string& node_ctx, const YAML::Node& v) {
  std::string ctx = node_ctx + ": route";
  if (!v.IsMap()) {
    error(loc(v), join(ctx, std::string("must be a map like { to: default, via: ADDRESS }, not ") +
                                kind_name(v)));
    return std::nullopt;
  }
  Route r;
  r.loc = loc(v);
  std::optional<std::string> to;
  YAML::Node to_node;  // a handle (copy) to the value: the loop's node is a temporary
  bool have_to = false;
  bool ok = true;
  entries(v, ctx, keys("route"), [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
    if (k == "to") {
      to = scalar(x, ctx, k);
      to_node = x;
      have_to = true;
      ok = ok && to.has_value();
    } else if (k == "via") {
      auto s = scalar(x, ctx, k);
      if (!s) {
        ok = false;
      } else if (auto a = IpAddress::parse(*s)) {
        r.via = *a;
      } else {
        error(loc(x), join(ctx, "bad gateway address " + quote(*s)));
        ok = false;
      }
    } else if (k == "dev") {
      r.dev = scalar(x, ctx, k);
      ok = ok && r.dev.has_value();
    }
  });
  if (!have_to) {
    error(r.loc, join(ctx, "missing required key \"to\" (\"default\" or a prefix)"));
    return std::nullopt;
  }
  if (!to) return std::nullopt;
  if (*to == "default") {
    r.to = IpPrefix::any(r.via ? r.via->family : AF_INET);
  } else if (auto c = IpPrefix::parse(*to)) {
    r.to = *c;
  } else {
    error(loc(to_node), join(ctx, "bad destination " + quote(*to) + " (expected \"default\" or ADDRESS/PREFIX)"));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return r;
}


}  // namespace nswire::model::detail
