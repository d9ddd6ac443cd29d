// Open_vSwitch database helpers: read bridges/ports/interfaces as plain structs, and turn
// ovs-vsctl-like commands (add-br, add-port, del-port, del-br, tags, external_ids, with
// --may-exist / --if-exists) into ONE transaction that writes the database exactly as
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

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ovsdb::vswitch {

inline constexpr const char* kDatabase = "Open_vSwitch";
using StringMap = std::map<std::string, std::string>;

struct Interface {
  Uuid uuid;  // empty for a row not yet in the database
  std::string name;
  std::string type;  // "" (system), "internal", "patch", ...
  StringMap options;  // e.g. {"peer": "patch-br1"}
  std::optional<std::int64_t> ofport;
  std::optional<std::string> error;
  StringMap external_ids;
  bool operator==(const Interface&) const = default;
};

struct Port {
  Uuid uuid;
  std::string name;
  std::optional<std::int64_t> tag;  // access VLAN
  StringMap external_ids;
  std::vector<Interface> interfaces;
  bool operator==(const Port&) const = default;
};

struct Bridge {
  Uuid uuid;
  std::string name;
  std::string datapath_type;  // "" (= system), "system", "netdev"
  StringMap external_ids;
  std::vector<Port> ports;  // sorted by name; includes the bridge's own internal port
  bool stp_enable = false;  // 802.1D spanning tree (Bridge.stp_enable)
  bool operator==(const Bridge&) const = default;
};

struct State {
  Uuid root;  // the Open_vSwitch row
  std::int64_t next_cfg = 0;
  std::int64_t cur_cfg = 0;
  std::vector<Bridge> bridges;  // sorted by name

  const Bridge* bridge(const std::string& name) const;
  const Port* port(const std::string& name) const;
  const Bridge* bridge_of_port(const std::string& port_name) const;
  const Interface* interface(const std::string& name) const;
  bool operator==(const State&) const = default;
};

// Reads the state with one transaction of selects.
State read_state(Client& client);
// Builds the state from a cache that monitors Open_vSwitch, Bridge, Port and Interface.
State state_from_cache(const TableCache& cache);
// Starts (or widens) the monitor state_from_cache(client.cache(kDatabase)) needs.
void monitor_state(Client& client);

// Bridge settings an add-br or a set Bridge may change; a field left empty (nullopt) is left
// as it is. Written with designated initializers: `{.stp_enable = true}`.
struct BridgeSettings {
  std::optional<bool> stp_enable;  // Bridge.stp_enable
  bool operator==(const BridgeSettings&) const = default;
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
          StringMap interface_external_ids_ = {}, bool may_exist_ = false)
      : bridge(std::move(bridge_)), name(std::move(name_)), type(std::move(type_)), options(std::move(options_)),
        tag(tag_), port_external_ids(std::move(port_external_ids_)),
        interface_external_ids(std::move(interface_external_ids_)), may_exist(may_exist_) {}
  std::string bridge;
  std::string name;             // Port and Interface name
  std::string type;             // Interface type: "", "internal", "patch", ...
  StringMap options;            // Interface options; for patch: {"peer", OTHER}
  std::optional<std::int64_t> tag;
  StringMap port_external_ids;
  StringMap interface_external_ids;
  bool may_exist = false;       // --may-exist: fine if it already exists on this bridge
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
          std::vector<std::string> remove_external_ids_ = {}, bool clear_tag_ = false)
      : name(std::move(name_)), tag(tag_), set_external_ids(std::move(set_external_ids_)),
        remove_external_ids(std::move(remove_external_ids_)), clear_tag(clear_tag_) {}
  std::string name;
  std::optional<std::int64_t> tag;               // set the access VLAN tag
  StringMap set_external_ids;                    // keys to set
  std::vector<std::string> remove_external_ids;  // keys to remove
  bool clear_tag = false;                        // remove the tag (trunk port again)
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
               std::vector<std::string> remove_external_ids_ = {})
      : name(std::move(name_)), type(std::move(type_)), options(std::move(options_)),
        set_external_ids(std::move(set_external_ids_)), remove_external_ids(std::move(remove_external_ids_)) {}
  std::string name;
  std::optional<std::string> type;
  std::optional<StringMap> options;  // replaces all options
  StringMap set_external_ids;
  std::vector<std::string> remove_external_ids;
};

// The operations of one transaction, and what to check after ovs-vswitchd applied them.
struct Plan {
  std::vector<Operation> ops;                 // empty: nothing to change
  std::optional<std::size_t> next_cfg_select;  // index of the op that reads the new next_cfg
  std::vector<std::string> check_interfaces;  // new or changed interfaces to check for errors
  bool empty() const { return ops.empty(); }
};

class Batch {
 public:
  using Command = std::variant<AddBridge, AddPort, DelPort, DelBridge, SetPort, SetBridge, SetInterface>;

  Batch& add_bridge(AddBridge c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& add_port(AddPort c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& del_port(DelPort c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& del_bridge(DelBridge c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& set_port(SetPort c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& set_bridge(SetBridge c) { commands_.emplace_back(std::move(c)); return *this; }
  Batch& set_interface(SetInterface c) { commands_.emplace_back(std::move(c)); return *this; }
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

struct ApplyOptions {
  std::chrono::milliseconds timeout{30000};  // for ovs-vswitchd to apply the change
  bool wait = true;                          // false: like ovs-vsctl --no-wait
  bool check_interfaces = true;              // Interface error / ofport -1 become an Error
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
