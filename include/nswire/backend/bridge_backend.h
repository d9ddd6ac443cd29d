// BridgeBackend: the one seam between the lab and whatever switches its frames. The Linux
// bridge (rtnetlink), Open vSwitch (OVSDB) and OVN (its Northbound database) implement it;
// nothing above this layer knows which one it holds. A backend manages bridges, their ports,
// access VLANs, (where it can) native patch ports, and (in a lab across hosts) the tunnels that
// join a bridge's halves on other hosts. After apply(), every bridge of a backend whose
// Traits::bridge_is_device is a network device of the same name in the host namespace and is
// up, so addresses on it are ordinary netlink addresses; the others get their addresses in
// BridgeSpec and make the gateway themselves.
//
// Ownership: every bridge and port a backend creates carries its lab's mark (Linux: the
// interface alias "nswire:LAB"; OVS: external_ids:nswire-lab=LAB). A backend refuses to change
// or remove a same-named object whose mark is not its lab's, and says so.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/switch_options.h"
#include "nswire/backend/traits.h"
#include "nswire/error.h"
#include "nswire/ip.h"

namespace nswire::backend {

struct BridgeSpec {
  std::string name;
  bool stp = false;
  std::optional<uint32_t> mtu;
  BridgeOptions options;  // the whole of them: what is unset goes back to the switch's default
  // Only for a backend whose bridges are no host devices (Traits::bridge_is_device false): the
  // bridge's gateway addresses, and the segment id the lab asks for (`vni:`), if any.
  std::vector<IpPrefix> addresses;
  std::optional<uint32_t> vni;
  bool operator==(const BridgeSpec&) const = default;
};

// A host-namespace network device (normally the host end of a veth) plugged into a bridge.
struct PortSpec {
  std::string bridge;
  std::string name;
  std::optional<uint16_t> vlan;  // access VLAN (the native VLAN of a trunk with a native vlan_mode)
  PortOptions options;           // the whole of them, like BridgeSpec::options
  // nswire sets the root qdisc of this port's device (an impairment): the switch must leave it
  // alone (Open vSwitch replaces the root qdisc of every port it manages QoS on).
  bool keep_qdisc = false;
  // The device at the far end (the node's interface of a veth): where it is ("blue:eth0"), its
  // MAC when the lab sets one and its addresses. A backend with Traits::port_addresses names
  // its logical port after `peer` and gives it these addresses.
  std::string peer;
  std::optional<std::string> peer_mac;
  std::vector<IpAddress> peer_addresses;
  bool operator==(const PortSpec&) const = default;
};

// One of the other hosts a bridge spans.
struct TunnelPeer {
  std::string host;     // its name in the lab file
  std::string address;  // its underlay address, "192.168.100.12"
  bool operator==(const TunnelPeer&) const = default;
};

// The tunnel that joins this host's half of a bridge to its halves on the other hosts (a lab
// across hosts, a backend with Span::tunnels): one per bridge and host. The backend makes it as
// it can (Linux: ONE VXLAN device with a flood list of the peers; OVS: one tunnel port per peer,
// `protected` for split horizon) and names what it makes itself.
struct TunnelSpec {
  std::string bridge;
  std::string type;               // one of Traits::encapsulations: "vxlan" | "geneve"
  uint32_t vni = 0;               // the segment: the same on every host of the bridge
  std::string local;              // this host's underlay address
  std::vector<TunnelPeer> peers;  // sorted by address
  std::optional<uint32_t> mtu;    // what it carries (the underlay MTU less the encapsulation)
  bool operator==(const TunnelSpec&) const = default;
};

// A native patch between two bridges of this backend (OVS patch ports).
struct PatchSpec {
  std::string bridge_a, port_a, bridge_b, port_b;
  bool operator==(const PatchSpec&) const = default;
};

struct PortRef {
  std::string bridge;
  std::string name;
  bool operator==(const PortRef&) const = default;
};

struct ObservedPort {
  std::string name;
  std::optional<uint16_t> vlan;
  std::string owner;        // lab name from the mark; empty = foreign (not nswire's)
  std::string patch_peer;   // non-empty for a native patch port
  std::string error;        // the switch's own complaint about it (OVS Interface error)
  PortOptions options;
  bool keeps_qdisc = false; // the switch leaves the device's root qdisc alone (Linux: always)
  // A backend with Traits::port_addresses: the far end's MAC and addresses as the switch holds them.
  std::optional<std::string> peer_mac;
  std::vector<IpAddress> peer_addresses;  // sorted
  bool operator==(const ObservedPort&) const = default;
};

// A tunnel as the backend finds it on a bridge (see TunnelSpec).
struct ObservedTunnel {
  std::string name;                  // its device or (OVS) first port, for messages
  std::string type;
  uint32_t vni = 0;
  std::string local;
  std::vector<std::string> remotes;  // the peers' underlay addresses, sorted
  std::optional<uint32_t> mtu;       // of its device, where it has one
  bool split_horizon = true;         // frames from one peer are never sent on to another
  std::string owner;                 // lab name from the mark; empty = foreign
  std::string error;                 // the switch's own complaint about it
  bool operator==(const ObservedTunnel&) const = default;
};

struct ObservedBridge {
  std::string name;
  std::string owner;        // empty = foreign
  bool stp = false;
  BridgeOptions options;
  std::vector<MirrorSpec> mirrors;  // by name; `mirror_owner` says whose
  std::map<std::string, std::string> mirror_owner;  // mirror name -> lab name from its mark
  std::vector<ObservedPort> ports;  // not including the bridge's own internal port, nor tunnels
  std::vector<ObservedTunnel> tunnels;
  // A backend whose bridges are no host devices: the gateway addresses it holds (sorted), and
  // the segment id the bridge was asked for.
  std::vector<IpPrefix> addresses;
  std::optional<uint32_t> vni;
  bool operator==(const ObservedBridge&) const = default;
};

// One batch of changes; apply() performs them in this order: bridges, tunnels, ports, patches,
// mirrors, then detaches, tunnel removals, bridge removals. Each group goes out as one netlink batch /
// one OVSDB transaction (per database).
struct Changes {
  std::vector<BridgeSpec> ensure_bridges;   // create, or update an owned one (STP, MTU, addresses)
  std::vector<TunnelSpec> ensure_tunnels;   // create, or bring an owned one to this (and drop other owned ones of its bridge)
  std::vector<PortSpec> attach_ports;       // attach, or fix the VLAN of an owned one
  std::vector<PatchSpec> add_patches;
  std::vector<MirrorSet> set_mirrors;       // a bridge's mirrors, exactly (after its ports)
  std::vector<PortRef> detach_ports;        // owned ports only
  std::vector<PortRef> remove_patches;      // both ends of a patch, by port
  std::vector<std::string> remove_tunnels;  // the owned tunnels of these bridges
  std::vector<std::string> remove_bridges;  // owned bridges only, with all their ports and tunnels
  bool empty() const {
    return ensure_bridges.empty() && ensure_tunnels.empty() && attach_ports.empty() && add_patches.empty() &&
           set_mirrors.empty() && detach_ports.empty() && remove_patches.empty() && remove_tunnels.empty() &&
           remove_bridges.empty();
  }
};

// A problem the backend sees on this host that will hurt the lab (br_netfilter, say).
struct Warning {
  std::string message;
  // It can hurt only frames that cross one of this backend's bridges (br_netfilter): a possible
  // cause of a failed probe only when the probe's path crosses such a bridge.
  bool bridged_traffic_only = false;
  std::string backend{};  // who said it (filled by the session)
};

// What the host must do for the lab's links when this backend serves bridges, decided by the
// backend from its settings and the host (checked, never guessed by the layers above).
struct HostNeeds {
  // Every veth end checksums in software: a userspace datapath (OVS netdev) forwards frames
  // without completing offloaded checksums (see netlink/offload.h).
  bool software_checksums = false;
  bool operator==(const HostNeeds&) const = default;
};

class BridgeBackend {
 public:
  virtual ~BridgeBackend() = default;
  virtual std::string_view name() const = 0;  // its name in the registry
  // Every bridge this backend can see, owned or foreign, with its ports.
  virtual std::vector<ObservedBridge> observe() = 0;
  // Throws nswire::Error naming the object and the backend's own message. Refuses (before
  // changing anything) objects that exist but belong to someone else.
  virtual void apply(const Changes& changes) = 0;
  // Host conditions that break labs on this backend; checked, never "fixed".
  virtual std::vector<Warning> diagnose() = 0;
  virtual HostNeeds host_needs() = 0;
  // Waits (bounded; the backend knows how long its ports may take, e.g. STP's forward delay)
  // until these ports of the lab carry traffic. Returns the ones that do not, each with why
  // ("bx-eth0-1a2b: learning"); empty when all are ready.
  virtual std::vector<std::string> wait_ready(const std::vector<PortRef>& ports) {
    (void)ports;
    return {};
  }
  // Called when a lab is done with the backend (down, or a failed up): `labs_remain` says whether
  // any lab on this machine still has a record. A backend that started something of its own for
  // the labs (the embedded Open vSwitch) stops it when none remains.
  virtual void release(bool labs_remain) { (void)labs_remain; }
  // Where the daemons this backend started for the labs write their logs (`nswire up -v` says
  // it); empty when it runs none or uses daemons someone else started.
  virtual std::vector<std::string> daemon_logs() { return {}; }
};

// What a backend needs to know about its surroundings.
struct Context {
  std::string lab;              // ownership mark
  std::string host;             // the lab's host this run serves (a lab across hosts); "" otherwise
  bool spans_hosts = false;     // the lab has more than one host
  std::string ovsdb;            // "unix:PATH" | "tcp:HOST:PORT"; empty = $NSWIRE_OVSDB, system socket, embedded
  std::map<std::string, std::string> settings;  // the lab's settings for this backend (Traits::settings)
};

// The ownership mark of a lab on a network device (a bridge's device, a veth end): the interface
// alias "nswire:LAB", optionally followed by a space and a note saying where the link comes from.
inline std::string link_mark(std::string_view lab) { return "nswire:" + std::string(lab); }
// The lab a Linux alias marks, or empty.
inline std::string lab_of_link_mark(std::string_view alias) {
  constexpr std::string_view prefix = "nswire:";
  if (alias.substr(0, prefix.size()) != prefix) return {};
  alias.remove_prefix(prefix.size());
  return std::string(alias.substr(0, alias.find(' ')));  // a note on the link's origin may follow
}

}  // namespace nswire::backend
