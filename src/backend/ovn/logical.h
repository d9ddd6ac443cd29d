// The OVN backend's mapping between a lab's bridges and the OVN Northbound database, pure (no
// I/O): what the Northbound database should hold after a batch of Changes, and what the
// Northbound database plus this host's br-int say about the lab's bridges and ports.
//
// A bridge is a logical switch of the bridge's name; a bridge with addresses is connected to the
// lab's logical router (one per lab, named after it) through a router port whose networks are
// the bridge's addresses, so nodes of every such bridge route between them through their
// gateways. A node's interface is a logical switch port named "LAB/NODE:IF" whose addresses are
// the interface's MAC and addresses; on its host its veth end is a br-int port with
// external_ids:iface-id = that name, and ovn-controller binds the two. Every row carries
// external_ids:nswire-lab=LAB; a switch port also nswire-host=HOST (the lab's host it lives on;
// absent for a lab without hosts) and nswire-port=IFNAME (its br-int port), so each host owns its
// own ports while the switches and the router are the lab's, shared by its hosts: a host's
// `down` removes its ports, and the switch with the last of them.
#pragma once

#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "ovsdb/ovn_nb.h"
#include "ovsdb/vswitch_state.h"

namespace nswire::backend::ovn {

inline constexpr const char* kMarkKey = "nswire-lab";
inline constexpr const char* kHostKey = "nswire-host";
inline constexpr const char* kPortKey = "nswire-port";
inline constexpr const char* kIntegrationBridge = "br-int";

// Who this backend writes for: the lab, and the host of a lab across hosts ("" otherwise).
struct Owner {
  std::string lab;
  std::string host;
};

// The logical switch port of a port ("lab1/blue:eth0").
std::string switch_port_name(const std::string& lab, const PortSpec& port);
// The router port of a bridge's gateway ("lab1/br0"), and its switch-side peer ("lab1/br0/router").
std::string router_port_name(const std::string& lab, const std::string& bridge);
std::string router_peer_name(const std::string& lab, const std::string& bridge);
// A locally administered MAC for a bridge's router port, the same on every host.
std::string router_mac(const std::string& lab, const std::string& bridge);
// "MAC IP..." as OVN's addresses column holds a port's; "unknown" when the MAC is not known.
std::string port_addresses(const PortSpec& port);

// What the lab's part of the Northbound database (`now`, as observed_lab() reads it) becomes
// after `changes`: switches and their gateways made or updated, this host's ports attached,
// detached or moved, and for a removed bridge this host's ports taken off it and the switch
// (with its gateway) removed once no port of any host is left on it. Other hosts' ports stay as
// they are. Throws nswire::Error for a port on a bridge the lab has no switch for.
ovsdb::ovn_nb::Lab next_lab(const ovsdb::ovn_nb::Lab& now, const Changes& changes, const Owner& owner);

// The lab's bridges as the Northbound database and this host's br-int show them: every logical
// switch (its owner from the mark; a foreign one of a lab's bridge name shows as foreign), the
// gateway addresses of the lab's switches, and this host's ports, each with an error when its
// br-int port is missing or bound to another logical port.
std::vector<ObservedBridge> observe_bridges(const ovsdb::ovn_nb::State& nb, const ovsdb::vswitch::State& local,
                                            const Owner& owner);

// The br-int ports of the lab on this host that the Northbound lab `lab` gives no switch port of
// this host to (stale after a change): they go.
std::vector<std::string> stale_local_ports(const ovsdb::ovn_nb::Lab& lab, const ovsdb::vswitch::State& local,
                                           const Owner& owner);

}  // namespace nswire::backend::ovn
