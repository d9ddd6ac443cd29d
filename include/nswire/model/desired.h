// What a lab wants on the system, flattened from the model into the objects nswire manages:
// namespaces, bridges (per backend), veth pairs with their two ends, OVS patch pairs, and per
// namespace the addresses, routes, sysctls and resolv.conf. Host-side names are generated
// here, deterministically: at most 15 bytes, collision-free within the lab, traceable to
// lab/node/interface through the interface alias. Pure: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nswire/ip.h"
#include "nswire/netlink/routes.h"
#include "nswire/netlink/tc.h"
#include "nswire/backend/traits.h"
#include "nswire/model/lab.h"

namespace nswire::model {

inline constexpr const char* kHost = "";  // the namespace nswire runs in

// How plans, errors and status name an interface: "blue:eth0" in a node, "eth0" in the host.
inline std::string where(const std::string& node, const std::string& ifname) {
  return node.empty() ? ifname : node + ":" + ifname;
}

// One end of a veth pair.
struct VethEnd {
  std::string ns;                 // node name (its namespace), or kHost
  std::string ifname;
  std::string bridge;             // plug into this bridge (host ends only); empty = none
  std::optional<uint16_t> vlan;
  std::optional<uint32_t> mtu;
  std::optional<std::string> mac;
  backend::PortOptions port;      // host ends on a bridge: the port's switch settings
  // What leaves this end (its egress): the root qdisc nswire sets on it; empty = the kernel's own.
  netlink::Impairment impairment;
  // Run-time overrides (`nswire link`, sequences) applied over the file (reconcile's business):
  // the end wanted administratively down, and whether `impairment` replaces the file's.
  bool down = false;
  bool impairment_overridden = false;
  bool operator==(const VethEnd&) const = default;
};

struct DesiredVeth {
  VethEnd a, b;                   // a is created first; b is its peer
  std::string origin;             // "node blue interface eth0", "link br0 <-> br1"
  bool operator==(const DesiredVeth&) const = default;
};

struct DesiredBridge {
  std::string name;
  std::string backend;            // a registered backend's name
  bool stp = false;
  std::optional<uint32_t> mtu;
  backend::BridgeOptions options;
  std::vector<backend::MirrorSpec> mirrors;  // sorted by name; ports by their host-side names
  // A backend whose bridges are no host devices (Traits::bridge_is_device false) gets the
  // gateway addresses itself (on a device bridge they are the host namespace's addresses), and
  // the segment id the file gives.
  std::vector<IpPrefix> addresses;
  std::optional<uint32_t> vni;
  std::vector<std::string> hosts;  // a lab across hosts: every host the bridge is on
  bool operator==(const DesiredBridge&) const = default;
};

// One of the other hosts of a spanning bridge.
struct DesiredPeer {
  std::string host;               // its name in the file
  std::string address;            // its underlay address (canonical text)
  bool operator==(const DesiredPeer&) const = default;
};

// The tunnel that joins this host's half of a bridge to its other hosts' (a bridge on several
// hosts, served by a backend that spans hosts with tunnels nswire makes).
struct DesiredTunnel {
  std::string bridge;
  std::string backend;
  std::string type;               // the encapsulation ("vxlan", "geneve")
  uint32_t vni = 0;
  std::string local;              // this host's underlay address
  std::vector<DesiredPeer> peers; // sorted by address
  uint32_t mtu = 0;               // what it carries: underlay_mtu - overhead
  uint32_t underlay_mtu = 0, overhead = 0;
  bool operator==(const DesiredTunnel&) const = default;
};

// A VLAN subinterface: an 802.1Q device in a node's namespace on one of its veth ends there.
struct DesiredVlan {
  std::string ns;                 // the node
  std::string ifname, parent;     // the parent is the node end of one of the node's veths
  uint16_t id = 0;
  std::optional<uint32_t> mtu;    // the file's, else the parent's when that is set; unset: the kernel's default
  std::optional<std::string> mac; // unset: the parent's
  std::string origin;             // "node router interface eth0.10"
  bool operator==(const DesiredVlan&) const = default;
};

struct DesiredPatch {             // a native patch (both bridges on one backend: OVS patch ports)
  std::string bridge_a, port_a, bridge_b, port_b;
  bool operator==(const DesiredPatch&) const = default;
};

// Everything that lives inside one namespace and is configured through its own socket.
struct DesiredNamespace {
  std::string node;               // kHost for the host namespace
  bool attached = false;          // entered, never created or deleted
  std::string attach_path;        // /proc/PID/ns/net or a netns file
  std::map<std::string, std::vector<IpPrefix>> addresses;  // ifname -> addresses
  std::vector<netlink::Route> routes;                                // oif unresolved (see route_dev)
  std::vector<std::string> route_dev;                               // per route: device name or ""
  std::map<std::string, std::string> sysctls;
  std::vector<std::string> nameservers, search;                     // resolv.conf; both empty = none
  bool operator==(const DesiredNamespace&) const = default;
};

struct Desired {
  std::string lab;
  // A lab across hosts: the host whose part this is (only its nodes, its halves of the bridges,
  // their tunnels); "" for a lab without hosts.
  std::string host;
  bool spans_hosts = false;       // the lab has more than one host
  backend::Catalog backends;                            // every registered backend and its traits
  std::map<std::string, BackendSettings> settings;      // the lab's settings, by backend
  std::vector<DesiredBridge> bridges;
  // A lab across hosts: its bridges that are on other hosts only. Where a backend's own engine
  // spans hosts (one shared object for every host, as an OVN logical switch), this host leaves
  // them to those hosts instead of removing them as no longer wanted.
  std::vector<std::string> elsewhere;
  std::vector<DesiredVeth> veths;
  std::vector<DesiredVlan> vlans;            // in file order, by node
  std::vector<DesiredPatch> patches;
  std::vector<DesiredTunnel> tunnels;
  std::vector<DesiredNamespace> namespaces;  // host first, then nodes in file order
  // Every veth end checksums in software: set when a backend in use says the host needs it
  // (backend::HostNeeds; OVS on its userspace datapath).
  bool software_checksums = false;
  const DesiredNamespace* find_namespace(const std::string& node) const;
  // The traits of a registered backend; throws nswire::Error for an unknown name.
  const backend::Traits& traits(const std::string& backend) const;
};

// The veth a link name (model::resolve_link_name: NODE:IF, host:IF, BRIDGE:BRIDGE) stands for,
// and which of its ends the name names: a node interface its node end, a link end itself, a
// bridge pair the end on the bridge named first. `fault_end` is the end a fault takes down: the
// bridge side of the named end when it has one (a port, holding no addresses or routes: the node
// keeps its own and sees the carrier go, as when a switch port is shut), else the named end.
struct NamedVeth {
  size_t veth = 0;    // index in Desired::veths
  bool named_a = false;
  bool fault_a = false;
};
std::optional<NamedVeth> find_veth(const Desired& desired, const Lab& lab, std::string_view name);

// A validated lab -> the objects it wants, following what each backend of `backends` (the
// registry's catalog) can do. Throws nswire::Error only on what validation should have caught.
// A lab across hosts gives the part of `host` ("": the lab's first host; see hosts.h): every
// generated name is the same whichever host's part it is.
Desired flatten(const Lab& lab, const backend::Catalog& backends, const std::string& host = {});

// The generated host-side name of a node interface's veth end ("blue-eth0-3fa9" style):
// up to 5 bytes of node, 4 of interface, 4 hex digits of a hash of lab/node/interface.
std::string host_ifname(const std::string& lab, const std::string& node, const std::string& ifname, int salt = 0);
// Host-side names of a bridge-to-bridge veth pair or patch pair ("p-br0-br1-1a2b" style).
std::string patch_ifname(const std::string& lab, const std::string& from, const std::string& to, int salt = 0);

// A locally administered unicast MAC derived from `key` ("LAB/NODE/IF"): for backends that must
// know a port's MAC (Traits::port_addresses) when the file gives none.
std::string generated_mac(const std::string& key);

// The mark in a host link's alias: "nswire:LAB" followed by " origin" for traceability.
std::string link_alias(const std::string& lab, const std::string& origin);

}  // namespace nswire::model
