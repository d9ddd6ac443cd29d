// Whole-lab checks of a lab across hosts (`hosts:`): the hosts themselves (names that go into
// marks, underlay addresses), every `host:` naming one, what a bridge on several hosts asks of
// its backend (that it can span hosts, with that encapsulation, at that MTU), segment ids (VNIs)
// in range and distinct, and links whose ends are on one host. Placement itself is hosts.h's.
#include <algorithm>
#include <set>

#include "validator.h"

namespace nswire::model {
namespace {

bool is_multicast(const IpAddress& a) {
  return a.family == AF_INET ? (a.bytes[0] & 0xf0) == 0xe0 : a.bytes[0] == 0xff;
}

bool is_unspecified(const IpAddress& a) {
  return std::all_of(a.bytes.begin(), a.bytes.begin() + static_cast<long>(a.byte_size()), [](auto b) { return b == 0; });
}

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void Validator::check_placement(const std::string& host, const Location& where, const std::string& ctx) {
  if (host.empty()) return;
  if (lab_.hosts.empty()) {
    error(where, ctx, "host " + quoted(host) + ": the lab has no \"hosts\" section (a lab without one runs on one machine)");
    return;
  }
  if (find_host(lab_, host)) return;
  std::vector<std::string> names;
  for (const auto& h : lab_.hosts) names.push_back(h.name);
  std::string hint = suggest(host, names);
  error(where, ctx, "unknown host " + quoted(host) + (hint.empty() ? " (hosts: " + list(names) + ")" : " (did you mean " + quoted(hint) + "?)"));
}

void Validator::check_hosts() {
  std::map<std::pair<int, std::array<std::uint8_t, 16>>, std::string> addresses;
  for (const auto& h : lab_.hosts) {
    std::string ctx = "host " + quoted(h.name);
    if (!is_valid_lab_name(h.name))
      error(h.loc, "", "host name " + quoted(h.name) + " cannot go into ownership marks (1 to 32 of A-Z a-z 0-9 _ . -)");
    if (h.mtu < 576 || h.mtu > 65535) error(h.loc, ctx, "mtu " + std::to_string(h.mtu) + " out of range 576..65535");
    if (!h.address) continue;  // the parser said why
    if (is_unspecified(*h.address) || is_multicast(*h.address)) {
      error(h.loc, ctx, "address " + h.address->text + " is not a unicast address other hosts can reach");
      continue;
    }
    auto [it, fresh] = addresses.emplace(std::pair{h.address->family, h.address->bytes}, h.name);
    if (!fresh) error(h.loc, ctx, "address " + h.address->text + " is already host " + quoted(it->second) + "'s");
  }
  for (const auto& n : lab_.nodes) check_placement(n.host, n.loc, "node " + quoted(n.name));
  for (const auto& b : lab_.bridges) {
    check_placement(b.host, b.loc, "bridge " + quoted(b.name));
    check_span(b);
  }
  check_vnis();
  check_link_hosts();
  // `nswire test` runs on each host the probes that start there; it can listen for TCP/UDP only
  // in nodes of that host.
  if (lab_.hosts.size() < 2) return;
  for (const auto& t : lab_.tests) {
    if (t.proto == Proto::icmp) continue;
    std::vector<std::pair<std::string, std::string>> pairs;
    if (t.is_mesh()) {
      for (const auto& a : t.mesh)
        for (const auto& b : t.mesh)
          if (a != b) pairs.emplace_back(a, b);
    } else {
      pairs.emplace_back(t.from, t.to);
    }
    for (const auto& [from, to] : pairs) {
      auto f = placement_.node_host.find(from), g = placement_.node_host.find(to);
      if (f == placement_.node_host.end() || g == placement_.node_host.end() || f->second == g->second) continue;
      warning(t.loc, "test " + from + " -> " + to,
              std::string(to_string(t.proto)) + " to a node on another host (" + g->second +
                  "): nswire listens only in nodes of the host the test runs on, so something in " + to +
                  " must listen on port " + std::to_string(t.port));
      break;
    }
  }
}

// A bridge on several hosts: its backend must span hosts, with the encapsulation asked for, and
// the underlay must leave room for it; MTUs the file sets must fit through.
void Validator::check_span(const Bridge& b) {
  std::string ctx = "bridge " + quoted(b.name);
  const auto* traits = traits_of(b);
  if (!traits) return;
  const std::string& backend = effective_backend(lab_, b);
  bool spans = placement_.spans(b.name);
  if (b.tunnel) {
    if (!spans) {
      warning(b.loc, ctx, "tunnel: ignored: the bridge is on one host");
    } else if (traits->span == backend::Span::engine) {
      error(b.loc, ctx, "tunnel: the " + backend + " backend joins hosts itself (" +
                            (traits->encapsulations.empty() ? std::string("its own way") : traits->encapsulations.front().type) + ")");
      return;
    } else if (traits->span == backend::Span::tunnels && !traits->encapsulation(*b.tunnel)) {
      std::vector<std::string> types;
      for (const auto& e : traits->encapsulations) types.push_back(e.type);
      error(b.loc, ctx, "tunnel: the " + backend + " backend joins hosts with " + list(types) + ", not " + quoted(*b.tunnel));
      return;
    }
  }
  if (b.vni && !spans && traits->span == backend::Span::tunnels) warning(b.loc, ctx, "vni: ignored: the bridge is on one host");
  if (!spans) return;
  const auto& hosts = placement_.bridge_hosts.at(b.name);
  if (std::any_of(hosts.begin(), hosts.end(), [&](const auto& h) { return !find_host(lab_, h); })) return;  // reported
  if (traits->span == backend::Span::none || traits->encapsulations.empty()) {
    error(b.loc, ctx, "it is on hosts " + list(hosts) + " (its nodes are), but the " + backend +
                          " backend cannot span hosts; put its nodes on one host");
    return;
  }
  std::set<int> families;
  for (const auto& h : hosts)
    if (const auto* host = find_host(lab_, h); host->address) families.insert(host->address->family);
  if (families.size() > 1) {
    error(b.loc, ctx, "its hosts " + list(hosts) + " mix IPv4 and IPv6 underlay addresses; a tunnel joins one family");
    return;
  }
  auto span = span_of(lab_, placement_, b, *traits);
  if (!span) return;
  std::string how = span->encapsulation.type + " over an underlay MTU of " + std::to_string(span->underlay_mtu);
  unsigned mtu = span->mtu();
  if (mtu == 0) {
    error(b.loc, ctx, how + " leaves no room: " + std::to_string(span->overhead) + " bytes go to the encapsulation");
    return;
  }
  std::string carries = " exceeds " + std::to_string(mtu) + ", what bridge " + quoted(b.name) + " carries across hosts (" + how + ")";
  if (b.mtu && static_cast<unsigned>(*b.mtu) > mtu) error(b.loc, ctx, "mtu " + std::to_string(*b.mtu) + carries);
  for (const auto& n : lab_.nodes) {
    for (const auto& i : n.interfaces)
      if (i.bridge == b.name && i.mtu && static_cast<unsigned>(*i.mtu) > mtu)
        error(i.loc, "node " + quoted(n.name) + ": interface " + quoted(i.name), "mtu " + std::to_string(*i.mtu) + carries);
    // A subinterface's frames cross in its parent's: a parent without an MTU of its own gets the
    // bridge's, below the 1500 check_subinterface assumes, and the kernel refuses a VLAN above it.
    for (const auto& v : n.subinterfaces) {
      const Interface* parent = find_interface(n, v.parent);
      if (parent && parent->bridge == b.name && !parent->mtu && v.mtu && static_cast<unsigned>(*v.mtu) > mtu)
        error(v.loc, "node " + quoted(n.name) + ": interface " + quoted(v.name),
              "mtu " + std::to_string(*v.mtu) + carries + " through its parent " + quoted(parent->name));
    }
  }
}

void Validator::check_vnis() {
  std::map<int, const Bridge*> seen;
  for (const auto& b : lab_.bridges) {
    if (!b.vni) continue;
    std::string ctx = "bridge " + quoted(b.name);
    if (*b.vni < 1 || static_cast<uint32_t>(*b.vni) > kMaxVni) {
      error(b.loc, ctx, "vni " + std::to_string(*b.vni) + " out of range 1.." + std::to_string(kMaxVni));
      continue;
    }
    auto [it, fresh] = seen.emplace(*b.vni, &b);
    if (!fresh) error(b.loc, ctx, "vni " + std::to_string(*b.vni) + " is already bridge " + quoted(it->second->name) + "'s");
  }
}

// A link is a veth pair (or a patch) on one machine: its ends must be on one host.
void Validator::check_link_hosts() {
  if (lab_.hosts.size() < 2) return;
  for (const auto& l : lab_.links) {
    auto a = endpoint_host(lab_, placement_, l.endpoints[0]);
    auto b = endpoint_host(lab_, placement_, l.endpoints[1]);
    if (!a || !b || *a == *b) continue;
    error(l.loc, "link " + quoted(link_name(l)),
          "its ends are on different hosts (" + l.endpoints[0].text + " on " + *a + ", " + l.endpoints[1].text + " on " +
              *b + "); a link is a veth pair on one host: join hosts through a bridge");
  }
}

}  // namespace nswire::model
