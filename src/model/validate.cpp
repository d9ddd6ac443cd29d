// Whole-lab checks for the lab, its bridges and nodes, addresses and routes; links and tests
// are in validate_links.cpp. Every finding is collected, none stops the run.
#include "nswire/model/validate.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <tuple>

#include "nswire/netlink/rules.h"
#include "nswire/netns/rules.h"
#include "source.h"
#include "nswire/model/parse.h"
#include "suggest.h"
#include "validator.h"

namespace nswire::model {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string closest_name(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  int best_distance = 0;
  for (const auto& n : names) {
    int d = edit_distance(word, n);
    if (best.empty() || d < best_distance) {
      best = n;
      best_distance = d;
    }
  }
  if (best.empty() || best_distance > typo_limit(word.size())) return "";
  return best;
}

bool is_valid_lab_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

bool Validator::full() {
  if (diags_.size() < kMaxDiagnostics) return false;
  if (diags_.size() == kMaxDiagnostics) {
    diags_.push_back(make_error({lab_.loc.file, 0, 0}, "too many findings; the rest are not shown"));
  }
  return true;
}

void Validator::error(const Location& where, const std::string& ctx, const std::string& message) {
  if (full()) return;
  diags_.push_back(make_error(where, ctx.empty() ? message : ctx + ": " + message));
}

void Validator::warning(const Location& where, const std::string& ctx, const std::string& message) {
  if (full()) return;
  diags_.push_back(make_warning(where, ctx.empty() ? message : ctx + ": " + message));
}

std::string Validator::suggest(std::string_view word, const std::vector<std::string>& names) {
  if (diags_.size() >= kMaxDiagnostics || word.size() > 64) return "";
  return closest_name(word, names);
}

bool Validator::exists(const std::string& path) const {
  if (options_.path_exists) return options_.path_exists(path);
  // A namespace file we may not read (another user's /proc/PID/ns/net: EACCES) still exists;
  // only ENOENT and ENOTDIR say it does not.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  return errno != ENOENT && errno != ENOTDIR;
}

std::string Validator::attach_problem(const std::string& path) const {
  return options_.attach_problem ? options_.attach_problem(path) : "";
}

std::vector<Diagnostic> Validator::run() {
  for (const auto& b : lab_.bridges) {
    bridges_.emplace(b.name, &b);
    bridge_names_.push_back(b.name);
  }
  for (const auto& n : lab_.nodes) {
    nodes_.emplace(n.name, &n);
    node_names_.push_back(n.name);
  }
  check_lab();
  check_hosts();
  check_bridges();
  check_nodes();
  check_links();
  check_addresses();
  check_routes();
  check_tests();
  check_impairments();
  sort_by_location(diags_);
  return std::move(diags_);
}

void Validator::check_lab() {
  if (lab_.version != 1) {
    error(lab_.loc, "", "unsupported version " + std::to_string(lab_.version) +
                            " (this nswire reads version 1)");
  }
  if (lab_.name.empty()) {
    error(lab_.loc, "", "missing required key \"name\" (the lab's name)");
  } else if (!is_valid_lab_name(lab_.name)) {
    error(lab_.loc, "", "lab name " + quoted(lab_.name) +
                            " cannot go into ownership marks (1 to 32 of A-Z a-z 0-9 _ . -)");
  }
}

const backend::Traits* Validator::traits_of(const Bridge& b) const {
  const auto* info = backend::find_backend(backends_, effective_backend(lab_, b));
  return info ? &info->traits : nullptr;
}

void Validator::check_bridges() {
  std::map<std::string, const Bridge*> seen;
  for (const auto& b : lab_.bridges) {
    std::string ctx = "bridge " + quoted(b.name);
    if (auto p = netlink::interface_name_problem(b.name); !p.empty()) {
      error(b.loc, "", "bridge name " + quoted(b.name) + " " + p);
    }
    // What the serving backend can do (its traits, from the registry).
    if (const auto* traits = traits_of(b)) {
      const std::string& backend = effective_backend(lab_, b);
      if (b.stp && !traits->stp) error(b.loc, ctx, "stp: the " + backend + " backend has no spanning tree");
      for (const auto& reserved : traits->reserved_bridge_names)
        if (reserved == b.name)
          error(b.loc, "", "bridge name " + quoted(b.name) + " is reserved by the " + backend + " backend for its own device");
    }
    if (!seen.emplace(b.name, &b).second) error(b.loc, ctx, "defined twice");
    check_bridge_options(b);
    if (b.mtu && (*b.mtu < 68 || *b.mtu > 65535)) {
      error(b.loc, ctx, "mtu " + std::to_string(*b.mtu) + " out of range 68..65535");
    }
    for (const auto& a : b.addresses) {
      if (a.is_network_address()) {
        warning(b.loc, ctx, "address " + quoted(a.text) +
                                " is the subnet's network address; a gateway is usually a host "
                                "address such as the first one");
      }
    }
  }
}

void Validator::check_nodes() {
  std::map<std::string, const Node*> seen;
  for (const auto& n : lab_.nodes) {
    std::string ctx = "node " + quoted(n.name);
    if (n.name == "host") {
      error(n.loc, ctx, "\"host\" is reserved for the namespace nswire runs in; pick another name");
    } else if (auto p = netns::namespace_name_problem(n.name); !p.empty()) {
      error(n.loc, "", "node name " + quoted(n.name) + " " + p);
    }
    if (!seen.emplace(n.name, &n).second) error(n.loc, ctx, "defined twice");
    check_attach(n, ctx);
    auto& names = ifnames_[n.name];
    for (const auto* i : all_interfaces(n)) {
      if (i->parent.empty())
        check_interface(*i, ctx);
      else
        check_subinterface(n, *i, ctx);
      auto [it, fresh] = names.emplace(i->name, Owner{ctx + " interface " + quoted(i->name), i->loc});
      if (!fresh) error(i->loc, ctx, "interface " + quoted(i->name) + " is declared twice");
      for (const auto& a : i->addresses) node_subnets_[n.name].push_back(a);
    }
    for (const auto& ns : n.dns.search) {
      bool bad = ns.empty() || ns.size() > 253 ||
                 std::any_of(ns.begin(), ns.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
      if (bad) error(n.loc, ctx, "dns: bad search domain " + quoted(ns));
    }
    if (n.dns.nameservers.size() > 3) {
      warning(n.loc, ctx, "dns: more than 3 nameservers; the resolver uses only the first 3");
    }
    std::map<std::string, std::string> sysctl_files;  // path -> key, for one sysctl spelt two ways
    for (const auto& [key, value] : n.sysctls) {
      if (auto p = netns::sysctl_key_problem(key); !p.empty()) {
        error(n.loc, ctx, "sysctl " + quoted(key) + " " + p);
      } else if (auto [it, fresh] = sysctl_files.emplace(netns::sysctl_path(key), key); !fresh) {
        error(n.loc, ctx, "sysctl " + quoted(key) + " is " + quoted(it->second) + " spelt another way");
      }
      if (value.empty() || value.find('\n') != std::string::npos) {
        error(n.loc, ctx, "sysctl " + quoted(key) + ": bad value " + quoted(value));
      }
    }
  }
}

void Validator::check_attach(const Node& n, const std::string& ctx) {
  const Attach& a = n.attach;
  Location where = a.loc.line ? a.loc : n.loc;
  // A path is a path on the node's own machine: on another host's, it cannot be looked at here.
  bool here = lab_.hosts.empty() || placement_.node_host[n.name] == options_.host;
  if (a.kind == AttachKind::pid) {
    if (a.pid <= 0) {
      error(where, ctx, "attach: bad pid " + std::to_string(a.pid));
    } else if (std::string path = "/proc/" + std::to_string(a.pid) + "/ns/net"; here && !exists(path)) {
      error(where, ctx, "attach: no process with pid " + std::to_string(a.pid) + " (" + path +
                            " does not exist)");
    } else if (auto p = here ? attach_problem(path) : std::string(); !p.empty()) {
      error(where, ctx, "attach: pid " + std::to_string(a.pid) + " (" + path + ") " + p);
    }
  } else if (a.kind == AttachKind::path) {
    if (a.path.empty() || a.path.front() != '/') {
      error(where, ctx, "attach: path " + quoted(a.path) + " must be absolute");
    } else if (here && !exists(a.path)) {
      error(where, ctx, "attach: path " + quoted(a.path) + " does not exist");
    } else if (auto p = here ? attach_problem(a.path) : std::string(); !p.empty()) {
      error(where, ctx, "attach: path " + quoted(a.path) + " " + p);
    }
  }
}

void Validator::check_interface_basics(const Interface& i, const std::string& node_ctx, const std::string& ctx) {
  if (auto p = netlink::interface_name_problem(i.name); !p.empty()) {
    error(i.loc, node_ctx, "interface name " + quoted(i.name) + " " + p);
  } else if (i.name == "lo") {
    error(i.loc, node_ctx, "interface name \"lo\" is the namespace's loopback");
  }
  if (i.mtu && (*i.mtu < 68 || *i.mtu > 65535)) {
    error(i.loc, ctx, "mtu " + std::to_string(*i.mtu) + " out of range 68..65535");
  }
  if (i.mac) {
    if (auto p = netlink::mac_problem(*i.mac); !p.empty()) error(i.loc, ctx, "mac " + quoted(*i.mac) + " " + p);
  }
}

void Validator::check_interface(const Interface& i, const std::string& node_ctx) {
  std::string ctx = node_ctx + ": interface " + quoted(i.name);
  check_interface_basics(i, node_ctx, ctx);
  if (i.bridge.empty()) {
    error(i.loc, ctx, "missing required key \"bridge\"");
  } else if (!bridges_.count(i.bridge)) {
    std::string hint = suggest(i.bridge, bridge_names_);
    error(i.loc, ctx, "unknown bridge " + quoted(i.bridge) +
                          (hint.empty() ? "" : " (did you mean " + quoted(hint) + "?)"));
  }
  if (i.vlan && (*i.vlan < 1 || *i.vlan > 4094)) {
    error(i.loc, ctx, "vlan " + std::to_string(*i.vlan) + " out of range 1..4094");
  } else if (auto b = bridges_.find(i.bridge); i.vlan && b != bridges_.end()) {
    if (const auto* traits = traits_of(*b->second); traits && !traits->access_vlans)
      error(i.loc, ctx, "vlan: the " + effective_backend(lab_, *b->second) + " backend has no access VLANs");
  }
  check_port_options(i, ctx);
}

void Validator::claim_address(const IpPrefix& c, const std::string& owner, const Location& where,
                              const std::string& ctx) {
  auto [it, fresh] = addresses_.emplace(std::pair{c.family, c.bytes}, Owner{owner, where});
  if (fresh) return;
  const Owner& first = it->second;
  std::string place = first.loc.line ? " (" + first.loc.file + ":" + std::to_string(first.loc.line) +
                                           ":" + std::to_string(first.loc.column) + ")"
                                     : "";
  error(where, ctx, "address " + c.address().to_string() + " is already used by " + first.what + place);
}

void Validator::check_and_claim_address(const IpPrefix& c, const std::string& owner, const Location& where,
                                        const std::string& ctx) {
  // The kernel's rule for what an interface address may be (netlink/rules.h); refused ones are
  // not claimed, so 0.0.0.0/0 written twice is one finding per place, not a clash.
  if (auto p = netlink::interface_address_problem(c); !p.empty()) {
    error(where, ctx, "address " + quoted(c.text.empty() ? c.to_string() : c.text) + " " + p);
    return;
  }
  claim_address(c, owner, where, ctx);
}

void Validator::check_addresses() {
  for (const auto& b : lab_.bridges) {
    for (const auto& a : b.addresses) {
      check_and_claim_address(a, "bridge " + quoted(b.name), b.loc, "bridge " + quoted(b.name));
    }
  }
  for (const auto& n : lab_.nodes) {
    for (const auto* i : all_interfaces(n)) {
      std::string owner = "node " + quoted(n.name) + " interface " + quoted(i->name);
      std::string ctx = "node " + quoted(n.name) + ": interface " + quoted(i->name);
      for (const auto& a : i->addresses) check_and_claim_address(a, owner, i->loc, ctx);
    }
  }
  for (const auto& l : lab_.links) {
    for (int end = 0; end < 2; ++end) {
      const Endpoint& ep = l.endpoints[end];
      std::string owner = "link end " + quoted(ep.text);
      std::string ctx = "link " + quoted(link_name(l));
      for (const auto& a : l.addresses[end]) check_and_claim_address(a, owner, ep.loc.line ? ep.loc : l.loc, ctx);
    }
  }
}

void Validator::check_routes() {
  for (const auto& n : lab_.nodes) {
    std::string node_ctx = "node " + quoted(n.name);
    std::set<std::tuple<int, std::array<std::uint8_t, 16>, int>> seen;  // destinations
    for (const auto& r : n.routes) {
      std::string ctx = node_ctx + ": route to " + r.to.text;
      if (r.via && r.via->family != r.to.family) {
        error(r.loc, ctx, "gateway " + r.via->text + " is not of the destination's address family");
        continue;
      }
      if (!r.via && !r.dev) error(r.loc, ctx, "needs \"via\" or \"dev\"");
      if (r.via) {
        if (auto p = netlink::gateway_problem(*r.via); !p.empty()) {
          error(r.loc, ctx, "gateway " + r.via->text + " " + p + "; a gateway is a unicast neighbour");
          continue;
        }
      }
      if (r.dev) {
        auto names = ifnames_.find(n.name);
        if (names == ifnames_.end() || !names->second.count(*r.dev)) {
          error(r.loc, ctx, "dev " + quoted(*r.dev) + " is not an interface of the node");
        }
      }
      IpPrefix net = r.to.network();
      if (!seen.emplace(net.family, net.bytes, net.length).second) {
        error(r.loc, ctx, "a route to " + net.to_string() + " is given twice");
      }
      // An IPv6 link-local gateway (fe80::/10, usually with dev) is on-link by definition.
      bool link_local = r.via && r.via->family == AF_INET6 && r.via->bytes[0] == 0xfe &&
                        (r.via->bytes[1] & 0xc0) == 0x80;
      if (r.via && !link_local) {
        const auto& subnets = node_subnets_[n.name];
        bool reachable = std::any_of(subnets.begin(), subnets.end(),
                                     [&](const IpPrefix& c) { return c.contains(*r.via); });
        if (!reachable) {
          warning(r.loc, ctx, "gateway " + r.via->text +
                                  " is outside every subnet of the node's addresses");
        }
      }
    }
  }
}

std::vector<Diagnostic> validate(const Lab& lab, const backend::Catalog& backends, const ValidateOptions& options) {
  return Validator(lab, backends, options).run();
}

Checked check_string(std::string_view text, const std::string& filename, const backend::Catalog& backends,
                     const ValidateOptions& options) {
  Checked c;
  bool readable = false;
  c.lab = parse_document(text, filename, backends, c.diagnostics, readable);
  if (readable) {
    auto more = validate(c.lab, backends, options);
    c.diagnostics.insert(c.diagnostics.end(), more.begin(), more.end());
  }
  sort_by_location(c.diagnostics);
  return c;
}

Checked check_file(const std::string& path, const backend::Catalog& backends, const ValidateOptions& options) {
  std::vector<Diagnostic> diagnostics;
  auto text = read_lab_file(path, diagnostics);
  if (!text) return Checked{{}, std::move(diagnostics)};
  return check_string(*text, path, backends, options);
}

}  // namespace nswire::model
