// The keys of tests that measure and of sequences in the "tests" section:
//   rtt: { min: 40ms, max: 80ms }      loss: { max: 2% }       count / interval: the echo requests
//   throughput: { min: 80mbit }        udp: { rate: 10mbit, loss: { max: 1% }, throughput: {...} }
//   duration: 2s                       (throughput and udp)
//   name: failover                     steps: [ { down: ra:wan }, { from: a, to: b, ... }, { up: ra:wan } ]
// Values are read with the strict units of nswire/netlink/units.h; rules across keys (one
// measurement per test, min <= max, a receiver node) are the validator's.
#include "nswire/netlink/units.h"
#include "parser.h"

namespace nswire::model::detail {
namespace {

// One value with its unit, or the problem.
template <class T>
struct Read {
  std::optional<T> value;
  std::string problem;
};

Read<std::chrono::nanoseconds> duration(const std::string& s) {
  auto d = netlink::parse_duration(s);
  return d.ok() ? Read<std::chrono::nanoseconds>{d.value, {}} : Read<std::chrono::nanoseconds>{{}, d.problem};
}

Read<double> percent(const std::string& s) {
  auto p = netlink::parse_percent(s);
  return p.ok() ? Read<double>{p.value.percent(), {}} : Read<double>{{}, p.problem};
}

Read<uint64_t> rate(const std::string& s) {
  auto r = netlink::parse_rate(s);
  return r.ok() ? Read<uint64_t>{r.value, {}} : Read<uint64_t>{{}, r.problem};
}

}  // namespace

template <class T, class Parse>
std::optional<Bounds<T>> Parser::parse_bounds(const YAML::Node& v, const std::string& ctx, std::string_view key,
                                             Parse parse) {
  if (!v.IsMap()) {
    error(loc(v), join(ctx, quote(key) + " must be a map like { min: ..., max: ... }, not " + kind_name(v)));
    return std::nullopt;
  }
  Bounds<T> b;
  bool ok = true;
  const std::string bctx = join(ctx, std::string(key));
  entries(v, bctx, {"min", "max"}, [&](const std::string& k, const YAML::Node&, const YAML::Node& x) {
    auto s = scalar(x, bctx, k);
    if (!s) {
      ok = false;
      return;
    }
    auto r = parse(*s);
    if (!r.value) {
      error(loc(x), join(bctx, k + " " + quote(*s) + " " + r.problem));
      ok = false;
      return;
    }
    (k == "min" ? b.min : b.max) = *r.value;
  });
  if (ok && !b.min && !b.max) {
    error(loc(v), join(bctx, "needs \"min\" or \"max\""));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return b;
}

bool Parser::parse_test_key(const std::string& k, const YAML::Node& x, const std::string& ctx, ConnectivityTest& t,
                            bool in_sequence) {
  if (k == "rtt") {
    t.rtt = parse_bounds<std::chrono::nanoseconds>(x, ctx, k, duration);
    return t.rtt.has_value();
  }
  if (k == "loss") {
    t.loss = parse_bounds<double>(x, ctx, k, percent);
    return t.loss.has_value();
  }
  if (k == "throughput") {
    t.throughput = parse_bounds<uint64_t>(x, ctx, k, rate);
    return t.throughput.has_value();
  }
  if (k == "interval" || k == "duration") {
    auto s = scalar(x, ctx, k);
    if (!s) return false;
    auto d = netlink::parse_duration(*s);
    if (!d.ok()) {
      error(loc(x), join(ctx, k + " " + quote(*s) + " " + d.problem));
      return false;
    }
    (k == "interval" ? t.interval : t.duration) = d.value;
    return true;
  }
  if (k == "udp") {
    if (!is_map(x, ctx, k)) return false;
    UdpLoad u;
    bool ok = true, has_rate = false;
    const std::string uctx = join(ctx, "udp");
    entries(x, uctx, keys("udp"), [&](const std::string& uk, const YAML::Node&, const YAML::Node& ux) {
      if (uk == "rate") {
        has_rate = true;
        auto s = scalar(ux, uctx, uk);
        if (!s) {
          ok = false;
          return;
        }
        auto r = netlink::parse_rate(*s);
        if (!r.ok()) {
          error(loc(ux), join(uctx, "rate " + quote(*s) + " " + r.problem));
          ok = false;
          return;
        }
        u.rate_bps = r.value;
      } else if (uk == "loss") {
        if (auto b = parse_bounds<double>(ux, uctx, uk, percent)) u.loss = *b;
        else ok = false;
      } else if (auto b = parse_bounds<uint64_t>(ux, uctx, uk, rate)) {
        u.throughput = *b;
      } else {
        ok = false;
      }
    });
    if (ok && !has_rate) {
      error(loc(x), join(uctx, "missing required key \"rate\" (what to send at, e.g. 10mbit)"));
      return false;
    }
    if (ok) t.udp = u;
    return ok;
  }
  if (k == "name") {
    auto s = scalar(x, ctx, k);
    if (s) t.name = *s;
    return s.has_value();
  }
  if (k == "down" || k == "up") {
    if (!in_sequence) {
      error(loc(x), join(ctx, quote(k) + " is a step of a sequence: write it in a test's steps (steps: [ { " + k +
                                  ": LINK }, ... ])"));
      return false;
    }
    if (t.fault != Fault::none) {
      error(loc(x), join(ctx, "a fault step is either \"down\" or \"up\""));
      return false;
    }
    auto s = scalar(x, ctx, k);
    if (!s) return false;
    t.fault = k == "down" ? Fault::down : Fault::up;
    t.link = *s;
    return true;
  }
  if (k == "steps") {
    if (in_sequence) {
      error(loc(x), join(ctx, "a step cannot be a sequence itself"));
      return false;
    }
    if (!is_list(x, ctx, k)) return false;
    bool ok = true;
    size_t i = 0;
    for (const auto& item : x) {
      tick();
      if (auto step = parse_test(item, ctx + " step " + std::to_string(++i), true)) t.steps.push_back(std::move(*step));
      else ok = false;
    }
    return ok;
  }
  return true;  // not a key of these (the caller's own)
}

}  // namespace nswire::model::detail
