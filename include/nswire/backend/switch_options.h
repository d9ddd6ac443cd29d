// What a lab may ask of a switch beyond bridges, ports and access VLANs, as plain values the
// backend is handed (BridgeSpec, PortSpec, Changes::set_mirrors) and observes back
// (ObservedBridge, ObservedPort): OpenFlow control of a bridge (controllers, fail mode,
// protocols, datapath id), passthrough maps, flow export (sFlow, IPFIX), port mirrors, and per
// port trunks and VLAN modes, egress shaping and ingress policing. A backend serves those its
// Traits say it can (traits.h); the model refuses the rest with file:line. Every field holds only
// what a lab writes (never what the switch reports about itself), sets sorted, so that what is
// wanted and what is observed compare with ==. Pure values: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nswire::backend {

using StringMap = std::map<std::string, std::string>;

// sFlow: sampled packets and polled counters to collectors.
struct SflowSpec {
  std::vector<std::string> targets;   // "IP:PORT", sorted
  std::string agent;                  // the device or address whose address is the agent's; "" = the switch's choice
  std::optional<int64_t> sampling;    // 1 in N packets
  std::optional<int64_t> polling;     // s between counter polls
  std::optional<int64_t> header;      // bytes of each sampled packet
  bool operator==(const SflowSpec&) const = default;
};

// IPFIX: sampled flow records to collectors.
struct IpfixSpec {
  std::vector<std::string> targets;   // "IP:PORT", sorted
  std::optional<int64_t> sampling;
  std::optional<int64_t> obs_domain_id;
  std::optional<int64_t> obs_point_id;
  std::optional<int64_t> cache_active_timeout;  // s
  std::optional<int64_t> cache_max_flows;
  bool operator==(const IpfixSpec&) const = default;
};

// A bridge's settings beyond STP and MTU. Empty/unset: the switch's default.
struct BridgeOptions {
  std::vector<std::string> controllers;   // OpenFlow controller targets, sorted ("tcp:127.0.0.1:6653")
  std::optional<int64_t> inactivity_probe_ms;  // of those controllers; unset: the switch's (5 s)
  std::string fail_mode;                  // "" | "standalone" | "secure"
  std::vector<std::string> protocols;     // "OpenFlow10".."OpenFlow15", sorted
  std::string datapath_id;                // 16 hex digits (lower case); "" = the switch's choice
  StringMap other_config;                 // passthrough (datapath-id is datapath_id's)
  StringMap external_ids;                 // passthrough (the ownership mark is not in it)
  std::optional<SflowSpec> sflow;
  std::optional<IpfixSpec> ipfix;
  bool empty() const { return *this == BridgeOptions{}; }
  bool operator==(const BridgeOptions&) const = default;
};

// A port mirror (SPAN): frames received on `src` ports, sent out of `dst` ports and/or in
// `vlans`, copied to the `output_port` or flooded in `output_vlan`. Ports by their switch name.
struct MirrorSpec {
  std::string name;
  std::vector<std::string> src, dst;  // sorted
  std::vector<int64_t> vlans;         // sorted
  std::string output_port;            // one of output_port and output_vlan
  std::optional<int64_t> output_vlan;
  bool operator==(const MirrorSpec&) const = default;
};

// The mirrors of one bridge, exactly (a lab's mirrors not listed are removed).
struct MirrorSet {
  std::string bridge;
  std::vector<MirrorSpec> mirrors;  // sorted by name
  bool operator==(const MirrorSet&) const = default;
};

// Egress shaping of a port: a QoS of `type` capping what leaves the port at max_rate.
struct QosSpec {
  std::string type;        // "linux-htb"
  uint64_t max_rate = 0;   // bit/s
  bool operator==(const QosSpec&) const = default;
};

// Ingress policing: what the switch receives on the port beyond rate is dropped.
struct PolicingSpec {
  int64_t rate_kbps = 0;
  int64_t burst_kb = 0;    // 0: the switch's default
  bool operator==(const PolicingSpec&) const = default;
};

// A port's settings beyond its access VLAN.
struct PortOptions {
  std::vector<int64_t> trunks;   // VLANs a trunk carries, sorted; empty with no vlan_mode: not a trunk
  std::string vlan_mode;         // "" | access | trunk | native-tagged | native-untagged
  std::optional<QosSpec> qos;
  std::optional<PolicingSpec> policing;
  bool empty() const { return *this == PortOptions{}; }
  bool operator==(const PortOptions&) const = default;
};

}  // namespace nswire::backend
