// OVN Northbound database helpers (ovn-nb(5)): a lab's logical switches with their ports
// (addresses "MAC IP", port_security), logical routers with their ports (mac, networks), and
// the switch-router connection (a router-type switch port whose options:router-port names the
// router port), as plain structs; planning the change from what the database holds to what a
// lab wants as ONE transaction; reading back what a lab owns; removing exactly that.
//
// Ownership: every row a lab writes carries external_ids:nswire-lab=NAME (the plan adds it). A
// row of the same name that the lab does not own is a clash, never adopted; a foreign port
// someone added to a lab's switch is left alone (and keeps the switch from being removed).
// Logical_Switch_Port and Logical_Router_Port are not root tables: a port lives while its
// switch or router refers to it, so removing a port from the `ports` set removes the row.
//
// Planning is pure (State + Lab -> operations), tested without a server; apply() and
// remove_lab() are the only functions that talk to one. The schema is read from the server
// and checked for every table and column written before anything is sent.
#pragma once

#include "ovsdb/client.h"
#include "ovsdb/datum.h"
#include "ovsdb/schema.h"
#include "ovsdb/transaction.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ovsdb::ovn_nb {

inline constexpr const char* kDatabase = "OVN_Northbound";
inline constexpr const char* kOwnerKey = "nswire-lab";
using StringMap = std::map<std::string, std::string>;

struct SwitchPort {
  std::string name;                        // unique in the database (indexed); ovn-controller
                                           // binds the OVS interface whose external_ids:iface-id
                                           // equals it
  std::string type;                        // "" (a VIF), "router", "localnet", ...
  std::vector<std::string> addresses;      // {"02:00:00:00:00:01 10.0.0.1"}, {"router"}, {"unknown"}
  std::vector<std::string> port_security;  // {"02:00:00:00:00:01 10.0.0.1"}: only these may send
  StringMap options;                       // {"router-port": "lrp-ls0"} for type "router"
  StringMap external_ids;
  bool operator==(const SwitchPort&) const = default;
};

struct Switch {
  std::string name;
  StringMap other_config;  // e.g. {"subnet": "10.0.0.0/24"}
  StringMap external_ids;
  std::vector<SwitchPort> ports;
  bool operator==(const Switch&) const = default;
};

struct RouterPort {
  std::string name;                   // unique in the database (indexed)
  std::string mac;                    // "02:00:00:00:01:01"
  std::vector<std::string> networks;  // {"10.0.0.1/24"}: at least one
  StringMap external_ids;
  bool operator==(const RouterPort&) const = default;
};

struct Router {
  std::string name;
  StringMap external_ids;
  std::vector<RouterPort> ports;
  bool operator==(const Router&) const = default;
};

// What one lab wants in the Northbound database.
struct Lab {
  std::string name;
  std::vector<Switch> switches;
  std::vector<Router> routers;
  bool operator==(const Lab&) const = default;
};

// Joins a switch to a router: a port `router_port` on the router (mac, networks) and, on the
// switch, a port `switch_port` of type "router", addresses {"router"},
// options:router-port=router_port.name (what `ovn-nbctl lrp-add` + `lsp-set-type router` write).
void connect(Switch& sw, Router& router, const RouterPort& router_port, const std::string& switch_port);

// The lab with ownership marks on every row and every set in canonical order, i.e. as
// observed_lab() will read it back: compare normalized(desired) == observed_lab(state, name).
Lab normalized(const Lab& lab);

// Everything the database holds of the tables a lab uses, with the rows' uuids.
struct State {
  Uuid nb_global;  // the NB_Global row; empty when the database has none yet
  std::int64_t nb_cfg = 0, sb_cfg = 0, hv_cfg = 0;
  std::vector<Switch> switches;  // sorted by name; OVN does not make switch or router names unique
  std::vector<Uuid> switch_rows;  // switch_rows[i] is the row of switches[i]
  std::vector<Router> routers;
  std::vector<Uuid> router_rows;
  std::map<std::string, Uuid> switch_port_uuid, router_port_uuid;  // by name (indexed: unique)
  std::map<std::string, bool> port_up;  // Logical_Switch_Port `up`, set by ovn-northd

  const Switch* find_switch(const std::string& name) const;
  const Router* find_router(const std::string& name) const;
};

// What `lab` owns in the state (external_ids:nswire-lab == lab), normalized. Foreign ports on an
// owned switch are left out.
Lab observed_lab(const State& state, const std::string& lab);

// One transaction's operations and what they do, for `nswire plan` and for messages.
struct Plan {
  std::vector<Operation> ops;          // empty: the database already holds the lab
  std::optional<std::size_t> nb_cfg_select;  // index of the op that reads the new nb_cfg
  std::vector<std::string> changes;    // "create logical switch ls0", "update port p1 (addresses)"
  bool empty() const { return ops.empty(); }
};

// Pure. Throws ovsdb::Error naming the object when the lab is invalid (empty or duplicate
// names, a router port without mac or networks, a router-type switch port whose router-port is
// not a port of the lab) or clashes with a row it does not own; nothing is planned then.
// Guarded against other writers: a new switch or router waits for its name to be free, a
// removed one for its ports to be those planned from, a changed row for its name; a
// transaction whose guard fails does nothing (ovsdb::Error "timed out": read, plan again).
// An empty lab (no switches, no routers) plans the removal of everything the lab owns.
Plan plan(const State& current, const Lab& desired);

// Throws ovsdb::Error naming the table or column when the server's schema lacks one this
// module writes or reads (an OVN too old, or not the Northbound database).
void check_schema(const Schema& schema);

// Reads the state with one transaction of selects.
State read_state(Client& client);

// How far apply() waits: not at all, until ovn-northd has written the change to the Southbound
// database (sb_cfg), or until every chassis' ovn-controller has installed it (hv_cfg), the way
// `ovn-nbctl --wait=sb|hv` does.
enum class Wait { None, Southbound, Hypervisors };

struct ApplyOptions {
  Wait wait = Wait::None;
  std::chrono::milliseconds timeout{30000};
};

struct ApplyResult {
  bool changed = false;
  std::vector<std::string> changes;
  std::int64_t nb_cfg = 0;
  State state;  // read after the change (and the wait)
};

// Checks the schema, reads the state, plans, runs the plan as one transaction (which also bumps
// NB_Global nb_cfg), and waits as asked. Throws ovsdb::Error when the lab is invalid or clashes
// (nothing changed), the transaction fails (nothing changed), or the wait times out (the
// database was changed; the message says which daemon did not follow).
ApplyResult apply(Client& client, const Lab& desired, const ApplyOptions& options = {});
// apply() of the empty lab: removes exactly what `lab` owns.
ApplyResult remove_lab(Client& client, const std::string& lab, const ApplyOptions& options = {});

// Waits until NB_Global's sb_cfg (Wait::Southbound) or hv_cfg (Wait::Hypervisors) reaches nb_cfg.
void wait_applied(Client& client, std::int64_t nb_cfg, Wait level, std::chrono::milliseconds timeout);

}  // namespace ovsdb::ovn_nb
