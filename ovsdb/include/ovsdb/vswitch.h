// Open_vSwitch database helpers: read the database as plain structs (vswitch_state.h), and turn
// ovs-vsctl-like commands (add-br, add-port, add-bond, del-port, del-br, set-controller,
// set-fail-mode, mirrors, sFlow/IPFIX, QoS, tags/trunks/VLAN modes, policing, other_config and
// external_ids, with --may-exist / --if-exists) into ONE transaction that writes the database exactly as
// ovs-vsctl would: a new bridge gets its own internal Port+Interface of the same name, the
// Open_vSwitch root row's `bridges` set and a Bridge's `ports` set are mutated, `next_cfg` is
// incremented; then wait for ovs-vswitchd to apply it (cur_cfg >= next_cfg) and report
// Interface `error` / ofport -1 as failures.
//
// Planning is pure (State + Batch -> operations, see Batch::plan), so it is unit-tested
// without a server; apply() is the only function that talks to one.
#pragma once

#include "ovsdb/cache.h"
#include "ovsdb/client.h"
#include "ovsdb/datum.h"
#include "ovsdb/transaction.h"
#include "ovsdb/vswitch_state.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ovsdb::vswitch {

// Reads the state with one transaction of selects.
State read_state(Client& client);
// Builds the state from a cache that monitors Open_vSwitch, Bridge, Port and Interface.
State state_from_cache(const TableCache& cache);
// Starts (or widens) the monitor state_from_cache(client.cache(kDatabase)) needs.
void monitor_state(Client& client);

// Settings an add-br or a set Bridge may change. A field left unset (nullopt, empty) is left
// as it is. Written with designated initializers: `{.stp_enable = true, .fail_mode = "secure"}`.
struct BridgeSettings {
  std::optional<bool> stp_enable;                       // Bridge.stp_enable
  std::optional<std::vector<std::string>> controllers;  // set-controller: replaces all; {}: del-controller
  StringMap controller_external_ids;                    // on the Controller rows this creates (the mark)
  std::optional<std::int64_t> controller_inactivity_probe;  // ms, of those rows (--inactivity-probe)
  std::optional<std::string> fail_mode;                 // set-fail-mode standalone|secure; "": del-fail-mode
  std::optional<std::vector<std::string>> protocols;    // OpenFlow10..OpenFlow15; {}: OVS's default
  std::optional<std::string> datapath_id;               // other_config:datapath-id, 16 hex digits; "": remove
  StringMap set_other_config;                           // Bridge.other_config keys to set
  std::vector<std::string> remove_other_config;         // ... and to remove
  std::optional<SFlow> sflow;                           // set (replace) the bridge's sFlow row
  bool clear_sflow = false;                             // remove it
  std::optional<Ipfix> ipfix;                           // set (replace) the bridge's IPFIX row
  bool clear_ipfix = false;                             // remove it
  bool operator==(const BridgeSettings&) const = default;
};

// Settings of a Port (add-port, add-bond, set Port). Unset: left as it is.
struct PortSettings {
  std::optional<std::vector<std::int64_t>> trunks;  // VLANs a trunk carries; {}: all
  std::optional<std::string> vlan_mode;             // access|trunk|native-tagged|native-untagged; "": clear
  std::optional<std::string> bond_mode;             // active-backup|balance-slb|balance-tcp; "": clear
  std::optional<std::string> lacp;                  // active|passive|off; "": clear
  StringMap set_other_config;                       // e.g. lacp-time, bond-detect-mode
  std::vector<std::string> remove_other_config;
  std::optional<Qos> qos;                           // egress shaping: set (replace) the port's QoS
  bool clear_qos = false;                           // remove it (and its rows when nothing else uses them)
  // Port.protected: a frame that came in on a protected port is never sent out of another
  // protected port of the bridge (split horizon for a full mesh of tunnels).
  std::optional<bool> protected_;
  bool operator==(const PortSettings&) const = default;
};

// Settings of an Interface (add-port, add-bond, set Interface). Unset: left as it is.
struct InterfaceSettings {
  std::optional<std::int64_t> ingress_policing_rate;   // kbps; 0 disables
  std::optional<std::int64_t> ingress_policing_burst;  // kb; 0: default
  StringMap set_other_config;
  std::vector<std::string> remove_other_config;
  bool operator==(const InterfaceSettings&) const = default;
};

// The command structs take their fields in order, trailing ones optional, so that
// `{"br0", "netdev"}` reads well and compiles warning-free under -Wextra.
struct AddBridge {
  AddBridge(std::string name_ = {}, std::string datapath_type_ = {}, StringMap external_ids_ = {}, bool may_exist_ = false,
            BridgeSettings settings_ = {})
      : name(std::move(name_)), datapath_type(std::move(datapath_type_)), external_ids(std::move(external_ids_)),
        may_exist(may_exist_), settings(std::move(settings_)) {}
  std::string name;
  std::string datapath_type;  // empty: leave the default
  StringMap external_ids;
  bool may_exist = false;     // --may-exist: an existing bridge is fine (its fields are updated)
  BridgeSettings settings;    // for a new bridge and, with may_exist, an existing one
};

struct AddPort {
  AddPort(std::string bridge_ = {}, std::string name_ = {}, std::string type_ = {}, StringMap options_ = {},
          std::optional<std::int64_t> tag_ = std::nullopt, StringMap port_external_ids_ = {},
          StringMap interface_external_ids_ = {}, bool may_exist_ = false, PortSettings port_settings_ = {},
          InterfaceSettings interface_settings_ = {})
      : bridge(std::move(bridge_)), name(std::move(name_)), type(std::move(type_)), options(std::move(options_)),
        tag(tag_), port_external_ids(std::move(port_external_ids_)),
        interface_external_ids(std::move(interface_external_ids_)), may_exist(may_exist_),
        port_settings(std::move(port_settings_)), interface_settings(std::move(interface_settings_)) {}
  std::string bridge;
  std::string name;             // Port and Interface name
  std::string type;             // Interface type: "", "internal", "patch", ...
  StringMap options;            // Interface options; for patch: {"peer", OTHER}
  std::optional<std::int64_t> tag;
  StringMap port_external_ids;
  StringMap interface_external_ids;
  bool may_exist = false;       // --may-exist: fine if it already exists on this bridge (settings applied)
  PortSettings port_settings;
  InterfaceSettings interface_settings;
};

// add-bond BRIDGE PORT IFACE... : one Port with two or more (system) Interfaces.
struct AddBond {
  AddBond(std::string bridge_ = {}, std::string name_ = {}, std::vector<std::string> interfaces_ = {},
          PortSettings port_settings_ = {}, std::optional<std::int64_t> tag_ = std::nullopt,
          StringMap port_external_ids_ = {}, StringMap interface_external_ids_ = {}, bool may_exist_ = false,
          InterfaceSettings interface_settings_ = {})
      : bridge(std::move(bridge_)), name(std::move(name_)), interfaces(std::move(interfaces_)),
        port_settings(std::move(port_settings_)), tag(tag_), port_external_ids(std::move(port_external_ids_)),
        interface_external_ids(std::move(interface_external_ids_)), may_exist(may_exist_),
        interface_settings(std::move(interface_settings_)) {}
  std::string bridge;
  std::string name;                     // the Port
  std::vector<std::string> interfaces;  // at least two
  PortSettings port_settings;           // bond_mode, lacp, ...
  std::optional<std::int64_t> tag;
  StringMap port_external_ids;
  StringMap interface_external_ids;
  bool may_exist = false;  // fine if the port exists on this bridge with exactly these interfaces
  InterfaceSettings interface_settings;  // for every member
};

// add-bond-iface PORT IFACE / del-bond-iface PORT IFACE.
struct AddBondInterface {
  AddBondInterface(std::string port_ = {}, std::string interface_ = {}, StringMap external_ids_ = {},
                   bool may_exist_ = false)
      : port(std::move(port_)), interface(std::move(interface_)), external_ids(std::move(external_ids_)),
        may_exist(may_exist_) {}
  std::string port;
  std::string interface;
  StringMap external_ids;
  bool may_exist = false;
};

struct DelBondInterface {
  DelBondInterface(std::string port_ = {}, std::string interface_ = {}, bool if_exists_ = false)
      : port(std::move(port_)), interface(std::move(interface_)), if_exists(if_exists_) {}
  std::string port;  // optional: the interface must be on this port
  std::string interface;
  bool if_exists = false;
};

struct DelPort {
  DelPort(std::string name_ = {}, std::string bridge_ = {}, bool if_exists_ = false)
      : name(std::move(name_)), bridge(std::move(bridge_)), if_exists(if_exists_) {}
  std::string name;
  std::string bridge;           // optional: the port must be on this bridge
  bool if_exists = false;
};

struct DelBridge {
  DelBridge(std::string name_ = {}, bool if_exists_ = false) : name(std::move(name_)), if_exists(if_exists_) {}
  std::string name;
  bool if_exists = false;
};

struct SetPort {
  SetPort(std::string name_ = {}, std::optional<std::int64_t> tag_ = std::nullopt, StringMap set_external_ids_ = {},
          std::vector<std::string> remove_external_ids_ = {}, bool clear_tag_ = false, PortSettings settings_ = {})
      : name(std::move(name_)), tag(tag_), set_external_ids(std::move(set_external_ids_)),
        remove_external_ids(std::move(remove_external_ids_)), clear_tag(clear_tag_), settings(std::move(settings_)) {}
  std::string name;
  std::optional<std::int64_t> tag;               // set the access VLAN tag
  StringMap set_external_ids;                    // keys to set
  std::vector<std::string> remove_external_ids;  // keys to remove
  bool clear_tag = false;                        // remove the tag (trunk port again)
  PortSettings settings;
};

struct SetBridge {
  SetBridge(std::string name_ = {}, std::optional<std::string> datapath_type_ = std::nullopt,
            StringMap set_external_ids_ = {}, std::vector<std::string> remove_external_ids_ = {},
            BridgeSettings settings_ = {})
      : name(std::move(name_)), datapath_type(std::move(datapath_type_)), set_external_ids(std::move(set_external_ids_)),
        remove_external_ids(std::move(remove_external_ids_)), settings(std::move(settings_)) {}
  std::string name;
  std::optional<std::string> datapath_type;
  StringMap set_external_ids;
  std::vector<std::string> remove_external_ids;
  BridgeSettings settings;
};

struct SetInterface {
  SetInterface(std::string name_ = {}, std::optional<std::string> type_ = std::nullopt,
               std::optional<StringMap> options_ = std::nullopt, StringMap set_external_ids_ = {},
               std::vector<std::string> remove_external_ids_ = {}, InterfaceSettings settings_ = {})
      : name(std::move(name_)), type(std::move(type_)), options(std::move(options_)),
        set_external_ids(std::move(set_external_ids_)), remove_external_ids(std::move(remove_external_ids_)),
        settings(std::move(settings_)) {}
  std::string name;
  std::optional<std::string> type;
  std::optional<StringMap> options;  // replaces all options
  StringMap set_external_ids;
  std::vector<std::string> remove_external_ids;
  InterfaceSettings settings;
};

// A mirror on a bridge (there is no ovs-vsctl verb: `-- --id=@m create Mirror ... -- add Bridge
// BR mirrors @m`). With may_exist, an existing mirror of that name is changed to `mirror`.
struct AddMirror {
  AddMirror(std::string bridge_ = {}, Mirror mirror_ = {}, bool may_exist_ = false)
      : bridge(std::move(bridge_)), mirror(std::move(mirror_)), may_exist(may_exist_) {}
  std::string bridge;
  Mirror mirror;  // uuid ignored; ports by name, on this bridge
  bool may_exist = false;
};

struct DelMirror {
  DelMirror(std::string bridge_ = {}, std::string name_ = {}, bool if_exists_ = false)
      : bridge(std::move(bridge_)), name(std::move(name_)), if_exists(if_exists_) {}
  std::string bridge;
  std::string name;
  bool if_exists = false;
};

// The operations of one transaction, and what to check after ovs-vswitchd applied them.
struct Plan {
  std::vector<Operation> ops;                 // empty: nothing to change
  std::optional<std::size_t> next_cfg_select;  // index of the op that reads the new next_cfg
  std::vector<std::string> check_interfaces;  // new or changed interfaces to check for errors
  bool empty() const { return ops.empty(); }
};

// Checks every column and value a plan would write against a server's schema (table and column
// exist, atom type, enum member, integer range, string length, set size), so an older server's
// missing column or a value it does not take is an error naming table, column and value before
// anything is sent. apply() runs it with the server's schema (fetched once per Client).
void check_plan(const Plan& plan, const Schema& schema);

class Batch {
 public:
  using Command = std::variant<AddBridge, AddPort, DelPort, DelBridge, SetPort, SetBridge, SetInterface, AddBond,
                               AddBondInterface, DelBondInterface, AddMirror, DelMirror>;

  Batch& add_bridge(AddBridge c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& add_port(AddPort c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& del_port(DelPort c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& del_bridge(DelBridge c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& set_port(SetPort c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& set_bridge(SetBridge c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& set_interface(SetInterface c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& add_bond(AddBond c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& add_bond_interface(AddBondInterface c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& del_bond_interface(DelBondInterface c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& add_mirror(AddMirror c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& del_mirror(DelMirror c) { commands_.emplace_back(std::move(c)); return *this; }
  // Sets (tag) or clears (nullopt) a port's access VLAN tag.
  Batch& set_port_tag(const std::string& port, std::optional<std::int64_t> tag) {
    return set_port(SetPort(port, tag, {}, {}, !tag.has_value()));
  }
  // Two patch ports peered with each other, one on each bridge.
  Batch& add_patch_pair(const std::string& bridge_a, const std::string& port_a, const std::string& bridge_b,
                        const std::string& port_b, const StringMap& external_ids = {}, bool may_exist = false);

  bool empty() const { return commands_.empty(); }
  const std::vector<Command>& commands() const { return commands_; }

  // Pure: applies the commands in order to a model of current, then writes the difference as
  // operations. Throws ovsdb::Error naming the command (e.g. "add-port br0 p1") when one
  // cannot apply (missing bridge, name clash, ...). A batch that changes nothing yields an
  // empty plan.
  Plan plan(const State& current) const;

  // The state after the batch, as plan() models it (uuids of new rows empty).
  State simulate(const State& current) const;

 private:
  std::vector<Command> commands_;
};

// The batch that removes exactly what carries the ownership mark key=value in external_ids
// (nswire: nswire-lab=LAB): marked bridges with all on them; on unmarked bridges, marked ports
// (a bond with its members), mirrors, sFlow and IPFIX rows, a controller set whose rows are
// all marked, and a marked QoS (with its Queues) of an unmarked port. Pure.
Batch remove_owned(const State& state, const std::string& key, const std::string& value);

struct ApplyOptions {
  std::chrono::milliseconds timeout{30000};  // for ovs-vswitchd to apply the change
  bool wait = true;                          // false: like ovs-vsctl --no-wait
  bool check_interfaces = true;              // Interface error / ofport -1 become an Error
  bool check_schema = true;                  // check_plan against the server's schema first
};

struct ApplyResult {
  bool changed = false;
  std::int64_t next_cfg = 0;
  State state;  // read after the change was applied (or committed, when !wait)
};

// Reads the state, plans, runs the plan as one transaction, and (unless !wait) waits until
// ovs-vswitchd reports cur_cfg >= next_cfg. Throws ovsdb::Error when a command cannot apply
// (nothing changed), the transaction fails (nothing changed), ovs-vswitchd does not apply it
// in time (the database was changed; the message says whether ovs-vswitchd is running), or
// an interface failed (named, with its error).
ApplyResult apply(Client& client, const Batch& batch, const ApplyOptions& options = {});

// Waits until ovs-vswitchd has applied next_cfg. Throws ovsdb::Error on timeout.
void wait_applied(Client& client, std::int64_t next_cfg, std::chrono::milliseconds timeout);

}  // namespace ovsdb::vswitch
