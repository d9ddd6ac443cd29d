// The plan: what `up` (or `down`) changes, as a pure function of what the lab wants and what
// is there. Actions are listed for people (`nswire plan`, `--json`); the grouped changes are
// what the applier executes, phase by phase, each phase as one netlink batch or one OVSDB
// transaction per backend:
//   1. backend removals (ports that leave, patches, bridges that go or change backend)
//   2. link deletions (veths no longer wanted, or broken and to be recreated)
//   3. namespace removals
//   4. bridges (and the tunnels joining them to their other hosts)  5. namespaces  6. veth pairs
//   7. ports and patches
//   8. per-namespace configuration (VLAN subinterfaces made, links up/MTU/MAC, addresses, routes,
//      root qdiscs, sysctls, resolv.conf)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/model/desired.h"
#include "nswire/reconcile/observed.h"

namespace nswire::reconcile {

struct Action {
  enum class Op { create, modify, remove };
  enum class Kind { namespace_, bridge, veth, port, patch, link, address, route, sysctl, dns, mirror, tunnel, qdisc };
  // The object, typed: apply and rollback read this, never the text meant for people.
  struct Ref {
    std::string ns;       // the namespace it lives in (node name, or kHost)
    std::string name;     // namespace, bridge, veth end (its first), port, interface, sysctl key, or a tunnel's bridge
    std::string backend;  // bridges, ports, patches: the backend serving it
    bool operator==(const Ref&) const = default;
  };
  Op op = Op::create;
  Kind kind = Kind::namespace_;
  Ref ref;
  std::string object;  // for people: "blue", "br0", "blue-eth0-3fa9 <-> blue:eth0", "10.0.2.100/24 on blue:eth0"
  std::string detail;  // why, or what changes
  bool operator==(const Action&) const = default;
};
const char* to_string(Action::Op op);    // "create" | "modify" | "remove"
const char* to_string(Action::Kind kind);  // "namespace" | "bridge" | "veth" | "port" | ... | "dns" | "qdisc"

struct LinkConfig {
  std::string ifname;
  bool up = true;  // false: an override wants the end administratively down
  std::optional<uint32_t> mtu;
  std::optional<std::string> mac;
  std::optional<std::string> alias;
  bool tx_checksum_off = false;
  bool operator==(const LinkConfig&) const = default;
};

// A link's root qdisc (its egress impairment), set or taken away. `before` is what the plan saw
// there, for the rollback: nswire's own one is put back as it was; the kernel's default, or a
// root someone else set (which nswire cannot rebuild), comes back as the kernel's default.
struct QdiscChange {
  std::string ifname;
  netlink::Impairment impairment;            // empty: delete nswire's root qdisc
  std::optional<netlink::RootQdisc> before;  // nullopt: the kernel's default (or a new link)
  bool operator==(const QdiscChange&) const = default;
};

struct RouteChange {
  netlink::Route route;  // oif unresolved
  std::string dev;       // device name for oif, or ""
  bool operator==(const RouteChange&) const = default;
};

// Changes inside one namespace (node name, or kHost).
struct NamespaceChanges {
  std::string node;
  bool lo_up = false;
  std::vector<std::string> delete_links;
  std::vector<DesiredVlan> create_vlans;     // first, on their parents (veths made in phase 6 or there)
  std::vector<LinkConfig> configure_links;   // set up, plus MTU/MAC/alias when given
  std::vector<std::pair<std::string, IpPrefix>> add_addresses, delete_addresses;
  std::vector<RouteChange> add_routes, delete_routes;
  std::vector<QdiscChange> qdiscs;
  std::map<std::string, std::string> sysctls;
  std::optional<std::pair<std::vector<std::string>, std::vector<std::string>>> resolv_conf;  // nameservers, search
  bool remove_resolv_conf = false;
  bool empty() const {
    return !lo_up && delete_links.empty() && create_vlans.empty() && configure_links.empty() && add_addresses.empty() &&
           delete_addresses.empty() && add_routes.empty() && delete_routes.empty() && qdiscs.empty() &&
           sysctls.empty() && !resolv_conf && !remove_resolv_conf;
  }
};

struct Plan {
  std::vector<Action> actions;
  std::map<std::string, backend::Changes> removals;   // phase 1, by backend
  std::vector<std::pair<std::string, std::string>> delete_links;  // phase 2: (ns, ifname)
  std::vector<std::string> remove_namespaces;         // phase 3
  // Host ends of veths whose peer is in a namespace that goes: the kernel removes them with
  // it, all at once (deleting them one by one costs a synchronize_net each); phase 3 waits.
  std::vector<std::string> vanishing_links;
  std::map<std::string, backend::Changes> bridges;    // phase 4
  std::vector<std::string> create_namespaces;         // phase 5
  std::vector<DesiredVeth> create_veths;              // phase 6
  std::map<std::string, backend::Changes> ports;      // phase 7
  // Phase 7 before phase 8, not beside it: a port's switch is told to leave the device's qdisc
  // alone (PortSpec::keep_qdisc) before nswire sets it.
  bool ports_first = false;
  std::vector<NamespaceChanges> configure;            // phase 8
  // What puts back the settings this plan changes on bridges and ports that exist (their switch
  // options, a bridge's mirrors), by backend, as observed: the applier's undo of phases 4 and 7.
  std::map<std::string, backend::Changes> restore;
  StateRecord record;                                 // the record once the plan is applied
  bool empty() const { return actions.empty(); }
};

// up: from `observed` to `desired`. Throws nswire::Error, naming the object, when something
// the lab needs exists but belongs to someone else (nothing is planned then).
Plan plan_up(const Desired& desired, const Observed& observed);

// One link at run time (`nswire link`, a sequence's fault): only what concerns the two ends of
// `veth` (one of desired.veths) — their state, MTU/MAC/mark, root qdiscs, and the addresses and
// routes on them. Throws nswire::Error when the pair itself is missing or broken (`up` makes it).
Plan plan_link(const Desired& desired, const Observed& observed, const DesiredVeth& veth);

// down: remove everything the lab owns (by record and marks), nothing else. `backends` (the
// registry's catalog) says how each backend's objects go.
Plan plan_down(const std::string& lab, const Observed& observed, const backend::Catalog& backends);

}  // namespace nswire::reconcile
