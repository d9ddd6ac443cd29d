// The validator's working state, shared by validate.cpp (lab, bridges, nodes, addresses,
// routes) and validate_links.cpp (links and tests). Internal to src/topology.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nswire/model/hosts.h"
#include "nswire/model/validate.h"

namespace nswire::model {

class Validator {
 public:
  Validator(const Lab& lab, const backend::Catalog& backends, const ValidateOptions& options)
      : lab_(lab), backends_(backends), options_(options), placement_(place(lab)) {}
  std::vector<Diagnostic> run();

 private:
  // Who holds an interface name or an address, for "already used by ..." messages.
  struct Owner {
    std::string what;
    Location loc;
  };
  // Addresses of one node (interfaces and link ends), for the gateway check.
  using Subnets = std::vector<IpPrefix>;

  // Findings past kMaxDiagnostics are dropped (one note says so): a pathological lab must not
  // turn into megabytes of messages.
  static constexpr size_t kMaxDiagnostics = 500;
  bool full();
  void error(const Location& where, const std::string& ctx, const std::string& message);
  void warning(const Location& where, const std::string& ctx, const std::string& message);

  void check_lab();
  // validate_hosts.cpp: the hosts, placements, spanning bridges (backend, encapsulation, VNI, MTU)
  void check_hosts();
  void check_placement(const std::string& host, const Location& where, const std::string& ctx);
  void check_span(const Bridge& b);
  void check_vnis();
  void check_link_hosts();
  void check_bridges();
  void check_nodes();
  void check_attach(const Node& node, const std::string& ctx);
  // Name, MTU range and MAC: what a node's interface and a VLAN subinterface share.
  void check_interface_basics(const Interface& iface, const std::string& node_ctx, const std::string& ctx);
  void check_interface(const Interface& iface, const std::string& ctx);
  // validate_vlans.cpp
  void check_subinterface(const Node& node, const Interface& iface, const std::string& ctx);
  // validate_switch.cpp
  void check_bridge_options(const Bridge& b);
  void check_port_options(const Interface& iface, const std::string& ctx);
  void check_links();
  void check_native_patch(const Link& link, const std::string& ctx);
  void check_endpoint(const Link& link, int end, const std::string& ctx);
  void check_addresses();
  void check_routes();
  void check_tests();
  void check_test(const ConnectivityTest& test, const std::string& ctx);
  // validate_impair.cpp: impairments (netem/rate) of interfaces and links; tests that measure,
  // sequences and their faults.
  void check_impairments();
  void check_impairment(const ImpairmentSpec& spec, const std::string& ctx);
  void check_measure(const ConnectivityTest& test, const std::string& ctx);
  void check_timing(const ConnectivityTest& test, const std::string& ctx);  // duration, interval: for whom
  void check_sequence(const ConnectivityTest& test, const std::string& ctx);
  void check_fault(const ConnectivityTest& step, const std::string& ctx);
  // A bridge-to-bridge link becomes a native patch (no device of its own to impair or take down).
  bool native_patch(const Link& link) const;
  void check_test_target(const ConnectivityTest& test, const std::string& ctx, const std::string& node_name,
                         const char* role);
  void claim_address(const IpPrefix& c, const std::string& owner, const Location& where,
                     const std::string& ctx);
  // The same, after the value rule of an interface address (netlink::interface_address_problem).
  void check_and_claim_address(const IpPrefix& c, const std::string& owner, const Location& where,
                               const std::string& ctx);
  bool exists(const std::string& path) const;
  std::string attach_problem(const std::string& path) const;  // options_.attach_problem, or ""
  // The traits of the backend that serves `b` (nullptr only for a name the parser refused).
  const backend::Traits* traits_of(const Bridge& b) const;
  // The nearest of `names` to a misspelt `word`, or "" (also once the findings are full).
  std::string suggest(std::string_view word, const std::vector<std::string>& names);

  const Lab& lab_;
  const backend::Catalog& backends_;
  const ValidateOptions& options_;
  Placement placement_;
  std::vector<Diagnostic> diags_;
  std::map<std::string, const Bridge*> bridges_;
  std::vector<std::string> bridge_names_, node_names_;
  std::map<std::string, const Node*> nodes_;
  // node name ("" = host) -> interface name -> who declared it.
  std::map<std::string, std::map<std::string, Owner>> ifnames_;
  std::map<std::pair<int, std::array<std::uint8_t, 16>>, Owner> addresses_;
  std::map<std::string, Subnets> node_subnets_;
};

// Shared helpers.
std::string quoted(std::string_view s);
std::string link_name(const Link& link);  // "blue:eth1 -- red:eth1"
std::string closest_name(std::string_view word, const std::vector<std::string>& names);

}  // namespace nswire::model
