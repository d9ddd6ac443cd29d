// The switch settings of bridges (OpenFlow control, passthrough maps, flow export, mirrors) and of
// node interfaces on the bridge side (trunks, VLAN mode, egress shaping, ingress policing): each
// value checked for its syntax and range here, at its line:column. Whether the bridge's backend
// can do them at all is the validator's (by the backend's traits), as is where mirrors point.
// Rates use the units of nswire/netlink/units.h ("10mbit").
#include <charconv>

#include "nswire/netlink/units.h"
#include "parser.h"

namespace nswire::model::detail {

using backend::IpfixSpec;
using backend::PolicingSpec;
using backend::QosSpec;
using backend::SflowSpec;

namespace {

const std::vector<std::string> kProtocols{"OpenFlow10", "OpenFlow11", "OpenFlow12",
                                          "OpenFlow13", "OpenFlow14", "OpenFlow15"};

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_port(std::string_view s) {
  int port = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && port >= 1 && port <= 65535;
}

// "IP:PORT" or "[IPv6]:PORT".
bool is_ip_port(std::string_view s) {
  std::string_view ip, port;
  if (!s.empty() && s.front() == '[') {
    auto close = s.find("]:");
    if (close == std::string_view::npos) return false;
    ip = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return false;
    ip = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  return IpAddress::parse(std::string(ip)).has_value() && is_port(port);
}

// An OpenFlow controller target as ovs-vswitchd takes it: tcp:IP:PORT, ssl:IP:PORT, unix:PATH,
// ptcp:PORT[:IP], pssl:PORT[:IP], punix:PATH. "" when fine, else the problem.
std::string controller_problem(const std::string& t) {
  auto colon = t.find(':');
  std::string kind = t.substr(0, colon), rest = colon == std::string::npos ? "" : t.substr(colon + 1);
  if (kind == "tcp" || kind == "ssl") return is_ip_port(rest) ? "" : "needs " + kind + ":IP:PORT";
  if (kind == "unix" || kind == "punix") return !rest.empty() && rest.front() == '/' ? "" : "needs " + kind + ":/PATH";
  if (kind == "ptcp" || kind == "pssl") {
    auto c2 = rest.find(':');
    std::string port = rest.substr(0, c2);
    bool ok = is_port(port) && (c2 == std::string::npos || IpAddress::parse(rest.substr(c2 + 1)).has_value());
    return ok ? "" : "needs " + kind + ":PORT[:IP]";
  }
  return "is not a controller target (tcp:IP:PORT, ssl:IP:PORT, unix:PATH, ptcp:PORT, pssl:PORT or punix:PATH)";
}

}  // namespace

std::optional<int64_t> Parser::count(const YAML::Node& n, const std::string& ctx, std::string_view key, int64_t min,
                                     int64_t max) {
  auto s = scalar(n, ctx, key);
  if (!s) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (s->empty() || ec != std::errc() || end != s->data() + s->size()) {
    error(loc(n), join(ctx, quote(key) + ": " + quote(*s) + " is not an integer"));
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(loc(n), join(ctx, std::string(key) + " " + *s + " out of range " + std::to_string(min) + ".." +
                                std::to_string(max)));
    return std::nullopt;
  }
  return v;
}

std::vector<int64_t> Parser::vlan_list(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  std::vector<int64_t> out;
  if (!is_list(n, ctx, key)) return out;
  for (const auto& item : n) {
    tick();
    auto v = count(item, ctx, std::string(key) + " VLAN", 1, 4094);
    if (!v) continue;
    if (std::find(out.begin(), out.end(), *v) != out.end()) {
      error(loc(item), join(ctx, std::string(key) + ": VLAN " + std::to_string(*v) + " is listed twice"));
      continue;
    }
    out.push_back(*v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, std::string> Parser::string_map(const YAML::Node& n, const std::string& ctx,
                                                      std::string_view key) {
  std::map<std::string, std::string> out;
  if (!is_map(n, ctx, key)) return out;
  std::string mctx = join(ctx, std::string(key));
  entries(n, mctx, {}, [&](const std::string& k, const YAML::Node& kn, const YAML::Node& v) {
    // nswire's own keys (the ownership mark) are not for a lab to write.
    if (k.rfind("nswire", 0) == 0) {
      error(loc(kn), join(mctx, "key " + quote(k) + ": keys starting with \"nswire\" are nswire's own"));
      return;
    }
    if (k == "datapath-id") {
      error(loc(kn), join(mctx, "key \"datapath-id\": use the bridge's \"datapath_id\""));
      return;
    }
    if (k.empty()) {
      error(loc(kn), join(mctx, "an empty key"));
      return;
    }
    if (auto s = scalar(v, mctx, k)) out[k] = *s;
  });
  return out;
}

std::vector<std::string> Parser::collectors(const YAML::Node& n, const std::string& ctx, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& t : strings(n, ctx, key)) {
    if (!is_ip_port(t)) {
      error(loc(n), join(ctx, "target " + quote(t) + " is not IP:PORT (a collector's address and UDP port)"));
      continue;
    }
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Mirror> Parser::parse_mirror(const std::string& bridge_ctx, const YAML::Node& v) {
  std::string ctx = bridge_ctx + ": mirror";
  if (!v.IsMap()) {
    error(loc(v), join(ctx, std::string("must be a map like { name: span, src: [NODE:IF], output: NODE:IF }, not ") +
                                kind_name(v)));
    return std::nullopt;
  }
  Mirror m;
  m.loc = loc(v);
  auto endpoint = [&](const YAML::Node& x, const std::string& what) -> std::optional<std::string> {
    auto s = scalar(x, ctx, what);
    if (!s) return std::nullopt;
    auto colon = s->find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == s->size()) {
      error(loc(x), join(ctx, what + " " + quote(*s) + " is not NODE:IFNAME (a node interface on this bridge)"));
      return std::nullopt;
    }
    return *s;
  };
  entries(v, ctx, keys("mirror"),
          [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
            if (k == "name") {
              if (auto s = scalar(x, ctx, k)) m.name = *s;
            } else if (k == "src" || k == "dst") {
              auto& list = k == "src" ? m.src : m.dst;
              if (!is_list(x, ctx, k)) return;
              for (const auto& item : x) {
                tick();
                if (auto e = endpoint(item, k + " entry")) list.push_back(*e);
              }
            } else if (k == "vlans") {
              m.vlans = vlan_list(x, ctx, k);
            } else if (k == "output") {
              if (auto e = endpoint(x, k)) m.output = *e;
            } else if (k == "output_vlan") {
              m.output_vlan = count(x, ctx, k, 1, 4094);
            }
          });
  if (m.name.empty()) {
    error(m.loc, join(ctx, "missing required key \"name\""));
    return std::nullopt;
  }
  ctx = bridge_ctx + ": mirror " + quote(m.name);
  if (m.output.empty() == !m.output_vlan.has_value()) {
    error(m.loc, join(ctx, "needs exactly one of \"output\" (NODE:IF) and \"output_vlan\""));
    return std::nullopt;
  }
  if (m.src.empty() && m.dst.empty() && m.vlans.empty()) {
    error(m.loc, join(ctx, "selects nothing (give \"src\", \"dst\" or \"vlans\")"));
    return std::nullopt;
  }
  return m;
}

bool Parser::parse_bridge_option(const std::string& ctx, const std::string& k, const YAML::Node& x, Bridge& b) {
  auto& o = b.options;
  if (k == "controller") {
    std::vector<std::string> targets = x.IsScalar() ? std::vector<std::string>{x.Scalar()} : strings(x, ctx, k);
    for (const auto& t : targets) {
      if (auto p = controller_problem(t); !p.empty()) {
        error(loc(x), join(ctx, "controller " + quote(t) + " " + p));
      } else if (std::find(o.controllers.begin(), o.controllers.end(), t) == o.controllers.end()) {
        o.controllers.push_back(t);
      }
    }
    std::sort(o.controllers.begin(), o.controllers.end());
  } else if (k == "inactivity_probe") {
    auto s = scalar(x, ctx, k);
    if (!s) return true;
    auto d = netlink::parse_duration(*s);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d.value);
    if (!d.ok()) {
      error(loc(x), join(ctx, "inactivity_probe " + quote(*s) + ": " + d.problem));
    } else if (ms != d.value || (ms.count() != 0 && ms.count() < 1000)) {
      error(loc(x), join(ctx, "inactivity_probe " + quote(*s) + ": 0 (off) or whole milliseconds of at least 1s"));
    } else {
      o.inactivity_probe_ms = ms.count();
    }
  } else if (k == "fail_mode") {
    auto s = scalar(x, ctx, k);
    if (!s) return true;
    if (*s != "standalone" && *s != "secure")
      error(loc(x), join(ctx, "bad fail_mode " + quote(*s) + " (expected standalone or secure)"));
    else
      o.fail_mode = *s;
  } else if (k == "protocols") {
    for (const auto& p : strings(x, ctx, k)) {
      if (std::find(kProtocols.begin(), kProtocols.end(), p) == kProtocols.end()) {
        error(loc(x), join(ctx, "bad protocol " + quote(p) + " (expected " + one_of(kProtocols) + ")"));
      } else if (std::find(o.protocols.begin(), o.protocols.end(), p) == o.protocols.end()) {
        o.protocols.push_back(p);
      }
    }
    std::sort(o.protocols.begin(), o.protocols.end());
  } else if (k == "datapath_id") {
    auto s = scalar(x, ctx, k);
    if (!s) return true;
    bool ok = s->size() == 16 && std::all_of(s->begin(), s->end(), is_hex) &&
              s->find_first_not_of('0') != std::string::npos;
    if (!ok) {
      error(loc(x), join(ctx, "datapath_id " + quote(*s) + " is not 16 hex digits (and not all zero)"));
    } else {
      std::string id = *s;
      for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      o.datapath_id = id;
    }
  } else if (k == "other_config") {
    o.other_config = string_map(x, ctx, k);
  } else if (k == "external_ids") {
    o.external_ids = string_map(x, ctx, k);
  } else if (k == "mirrors") {
    if (!is_list(x, ctx, k)) return true;
    for (const auto& item : x) {
      tick();
      if (auto m = parse_mirror(ctx, item)) b.mirrors.push_back(std::move(*m));
    }
  } else if (k == "sflow") {
    if (!is_map(x, ctx, k)) return true;
    std::string sctx = ctx + ": sflow";
    SflowSpec s;
    bool targets = false;
    entries(x, sctx, keys("sflow"),
            [&](const std::string& sk, const YAML::Node&, const YAML::Node& sv) {
              if (sk == "targets") targets = true, s.targets = collectors(sv, sctx, sk);
              else if (sk == "agent") s.agent = scalar(sv, sctx, sk).value_or("");
              else if (sk == "sampling") s.sampling = count(sv, sctx, sk, 1, 4294967295LL);
              else if (sk == "polling") s.polling = count(sv, sctx, sk, 1, 3600);
              else if (sk == "header") s.header = count(sv, sctx, sk, 1, 65535);
            });
    if (!targets) error(loc(x), join(sctx, "missing required key \"targets\" (collectors, IP:PORT)"));
    o.sflow = s;
  } else if (k == "ipfix") {
    if (!is_map(x, ctx, k)) return true;
    std::string ictx = ctx + ": ipfix";
    IpfixSpec s;
    bool targets = false;
    entries(x, ictx, keys("ipfix"),
            [&](const std::string& ik, const YAML::Node&, const YAML::Node& iv) {
              if (ik == "targets") targets = true, s.targets = collectors(iv, ictx, ik);
              else if (ik == "sampling") s.sampling = count(iv, ictx, ik, 1, 4294967295LL);
              else if (ik == "obs_domain_id") s.obs_domain_id = count(iv, ictx, ik, 0, 4294967295LL);
              else if (ik == "obs_point_id") s.obs_point_id = count(iv, ictx, ik, 0, 4294967295LL);
              else if (ik == "cache_active_timeout") s.cache_active_timeout = count(iv, ictx, ik, 0, 4200);
              else if (ik == "cache_max_flows") s.cache_max_flows = count(iv, ictx, ik, 0, 4294967295LL);
            });
    if (!targets) error(loc(x), join(ictx, "missing required key \"targets\" (collectors, IP:PORT)"));
    o.ipfix = s;
  } else {
    return false;
  }
  return true;
}

bool Parser::parse_port_option(const std::string& ctx, const std::string& k, const YAML::Node& x, Interface& i) {
  auto& o = i.port;
  // A rate in bit/s (units.h), whole kbit/s where the switch counts in kbit.
  auto rate = [&](const YAML::Node& v, const std::string& rctx, const std::string& key,
                  bool whole_kbit) -> std::optional<uint64_t> {
    auto s = scalar(v, rctx, key);
    if (!s) return std::nullopt;
    auto r = netlink::parse_rate(*s);
    if (!r.ok()) {
      error(loc(v), join(rctx, key + " " + quote(*s) + ": " + r.problem));
      return std::nullopt;
    }
    if (whole_kbit && r.value % 1000 != 0) {
      error(loc(v), join(rctx, key + " " + quote(*s) + ": whole kbit (the switch counts in kbit)"));
      return std::nullopt;
    }
    return r.value;
  };
  if (k == "trunks") {
    o.trunks = vlan_list(x, ctx, k);
  } else if (k == "vlan_mode") {
    auto s = scalar(x, ctx, k);
    if (!s) return true;
    static const std::vector<std::string> modes{"access", "trunk", "native-tagged", "native-untagged"};
    if (std::find(modes.begin(), modes.end(), *s) == modes.end())
      error(loc(x), join(ctx, "bad vlan_mode " + quote(*s) + " (expected " + one_of(modes) + ")"));
    else
      o.vlan_mode = *s;
  } else if (k == "qos") {
    if (!is_map(x, ctx, k)) return true;
    std::string qctx = ctx + ": qos";
    QosSpec q{.type = "linux-htb"};
    bool have_rate = false;
    entries(x, qctx, keys("qos"), [&](const std::string& qk, const YAML::Node&, const YAML::Node& qv) {
      if (qk == "type") {
        auto s = scalar(qv, qctx, qk);
        if (s && *s != "linux-htb" && *s != "linux-hfsc")
          error(loc(qv), join(qctx, "bad type " + quote(*s) + " (expected linux-htb or linux-hfsc)"));
        else if (s)
          q.type = *s;
      } else if (auto r = rate(qv, qctx, qk, false)) {
        q.max_rate = *r;
        have_rate = true;
      } else {
        have_rate = true;  // reported
      }
    });
    if (!have_rate) error(loc(x), join(qctx, "missing required key \"max_rate\" (e.g. 10mbit)"));
    o.qos = q;
  } else if (k == "policing") {
    if (!is_map(x, ctx, k)) return true;
    std::string pctx = ctx + ": policing";
    PolicingSpec p;
    bool have_rate = false, ok = true;
    entries(x, pctx, keys("policing"), [&](const std::string& pk, const YAML::Node&, const YAML::Node& pv) {
      auto r = rate(pv, pctx, pk, true);
      if (pk == "rate") have_rate = true;
      ok = ok && r.has_value();
      if (!r) return;
      if (pk == "rate") p.rate_kbps = static_cast<int64_t>(*r / 1000);
      else p.burst_kb = static_cast<int64_t>(*r / 1000);
    });
    if (!have_rate) error(loc(x), join(pctx, "missing required key \"rate\" (e.g. 10mbit)"));
    if (have_rate && ok) o.policing = p;
  } else {
    return false;
  }
  return true;
}

}  // namespace nswire::model::detail
