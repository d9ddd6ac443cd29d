// The Open_vSwitch database as plain structs: bridges with their ports, interfaces,
// controllers, mirrors, sFlow and IPFIX rows; ports with their VLAN, bond and QoS settings.
// One State is both what was read from a server and what a Batch would leave (Batch::simulate),
// so a planner diffs desired against observed with ==. Sets are held sorted and without
// duplicates (as OVSDB holds them), references by the name of the row they point to.
// Columns ovs-vswitchd writes (ofport, error, link_state, is_connected, datapath_id,
// bond_active_slave, stp status) are read but never written; a simulated new row has them empty.
#pragma once

#include "ovsdb/datum.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
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
  std::int64_t ingress_policing_rate = 0;   // kbps; 0: no policing
  std::int64_t ingress_policing_burst = 0;  // kb; 0: the default (10% of the rate)
  StringMap other_config;
  std::optional<std::string> link_state;    // "up" | "down", from ovs-vswitchd
  bool operator==(const Interface&) const = default;
};

// A Queue of a QoS (table Queue, a root table: never garbage-collected).
struct Queue {
  Uuid uuid;
  std::optional<std::int64_t> dscp;
  StringMap other_config;  // min-rate, max-rate, burst, priority (bit/s)
  StringMap external_ids;
  bool operator==(const Queue&) const = default;
};

// The QoS row a port refers to (table QoS, a root table: removing the reference leaves the row,
// so the planner deletes a QoS, and its Queues, that nothing refers to any more).
struct Qos {
  Uuid uuid;
  std::string type;                           // "linux-htb", "linux-hfsc", "egress-policer", ...
  StringMap other_config;                     // e.g. max-rate (bit/s)
  std::map<std::int64_t, Queue> queues;       // queue number -> Queue
  StringMap external_ids;
  bool operator==(const Qos&) const = default;
};

struct Port {
  Uuid uuid;
  std::string name;
  std::optional<std::int64_t> tag;  // access VLAN, or the native VLAN with vlan_mode native-*
  StringMap external_ids;
  std::vector<Interface> interfaces;  // sorted by name; more than one: a bond
  std::vector<std::int64_t> trunks;   // sorted; empty: all VLANs (when a trunk)
  std::optional<std::string> vlan_mode;  // access, trunk, native-tagged, native-untagged, dot1q-tunnel
  std::optional<std::string> bond_mode;  // active-backup, balance-slb, balance-tcp
  std::optional<std::string> lacp;       // active, passive, off
  StringMap other_config;
  std::optional<Qos> qos;
  std::optional<std::string> bond_active_slave;  // from ovs-vswitchd (active-backup)
  bool protected_ = false;  // Port.protected: nothing is forwarded between two protected ports
  bool operator==(const Port&) const = default;
};

struct Controller {
  Uuid uuid;
  std::string target;  // "tcp:127.0.0.1:6653", "unix:PATH", "ptcp:6653", ...
  StringMap external_ids;
  bool is_connected = false;  // from ovs-vswitchd
  std::optional<std::int64_t> inactivity_probe;  // ms; unset: 5000. fail_mode standalone opens after 3x this
  bool operator==(const Controller&) const = default;
};

// A port mirror (SPAN) on a bridge; ports named, all on the same bridge.
struct Mirror {
  Uuid uuid;
  std::string name;
  bool select_all = false;
  std::vector<std::string> select_src_port;  // sorted; frames received on these ports
  std::vector<std::string> select_dst_port;  // sorted; frames sent out of these ports
  std::vector<std::int64_t> select_vlan;     // sorted; frames in these VLANs
  std::optional<std::string> output_port;    // deliver to this port, or
  std::optional<std::int64_t> output_vlan;   // flood in this VLAN (one of the two)
  StringMap external_ids;
  bool operator==(const Mirror&) const = default;
};

struct SFlow {
  Uuid uuid;
  std::vector<std::string> targets;  // sorted; "IP:PORT" collectors (at least one)
  std::optional<std::string> agent;  // interface name or IP whose address is the agent address
  std::optional<std::int64_t> sampling;  // 1 in N packets
  std::optional<std::int64_t> polling;   // counter polling interval, s
  std::optional<std::int64_t> header;    // bytes of each sampled packet
  StringMap external_ids;
  bool operator==(const SFlow&) const = default;
};

struct Ipfix {
  Uuid uuid;
  std::vector<std::string> targets;  // sorted; "IP:PORT" collectors
  std::optional<std::int64_t> sampling;
  std::optional<std::int64_t> obs_domain_id;
  std::optional<std::int64_t> obs_point_id;
  std::optional<std::int64_t> cache_active_timeout;  // s
  std::optional<std::int64_t> cache_max_flows;
  StringMap other_config;
  StringMap external_ids;
  bool operator==(const Ipfix&) const = default;
};

struct Bridge {
  Uuid uuid;
  std::string name;
  std::string datapath_type;  // "" (= system), "system", "netdev"
  StringMap external_ids;
  std::vector<Port> ports;  // sorted by name; includes the bridge's own internal port
  bool stp_enable = false;  // 802.1D spanning tree (Bridge.stp_enable)
  std::vector<Controller> controllers;  // sorted by target
  std::optional<std::string> fail_mode;  // "standalone" | "secure"; unset behaves as standalone
  std::vector<std::string> protocols;    // sorted, e.g. {"OpenFlow10", "OpenFlow13"}; empty: OVS's default
  StringMap other_config;                // includes datapath-id when set
  std::vector<Mirror> mirrors;           // sorted by name
  std::optional<SFlow> sflow;
  std::optional<Ipfix> ipfix;
  std::optional<std::string> datapath_id;  // the one in use, from ovs-vswitchd (16 hex digits)
  StringMap status;                        // from ovs-vswitchd: stp_bridge_id, ...
  bool operator==(const Bridge&) const = default;

  const Mirror* mirror(const std::string& mirror_name) const;
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
  const Port* port_of_interface(const std::string& interface_name) const;
  bool operator==(const State&) const = default;
};

}  // namespace ovsdb::vswitch
