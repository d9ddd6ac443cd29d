// The lab model: schema v1 of the lab file (docs/design.md, "The lab file") as plain values.
// The parser fills it, the validator checks it, the planner diffs it against the live system,
// and graph output draws it. Nothing here does I/O.
//
// Every object keeps the place it was written (Location) so later errors can name it. A
// Location never takes part in ==: the same lab written with another layout is the same lab.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/switch_options.h"
#include "nswire/ip.h"

namespace nswire::model {

// The one IP value type (nswire/ip.h), by its short name here too.
using nswire::IpAddress;
using nswire::IpPrefix;

// Where an object was written: file name, 1-based line and column (0 when unknown).
struct Location {
  std::string file{};
  int line = 0;
  int column = 0;

  bool operator==(const Location&) const { return true; }  // see the file comment
};

// Bridges are served by backends named in the backend registry (nswire/backend/registry.h: a
// backend's name, what it can do, its lab-level settings); the model takes that catalog as an
// argument and knows no backend by name.

// A backend's lab-level settings, as written under its name (`ovs: { datapath: netdev }`), every
// setting of the backend present (defaults filled in).
using BackendSettings = std::map<std::string, std::string>;

struct Endpoint;

// A port mirror of a bridge as written: its ports are node interfaces on that bridge
// ("blue:eth0"), resolved to the switch's port names by flatten.
struct Mirror {
  std::string name{};
  std::vector<std::string> src{}, dst{};  // "NODE:IF", as written
  std::vector<int64_t> vlans{};
  std::string output{};                   // "NODE:IF"; or
  std::optional<int64_t> output_vlan{};
  Location loc{};
  bool operator==(const Mirror&) const = default;
};

// One machine of a lab across hosts (`hosts:`), by the underlay address the others reach it at.
struct Host {
  std::string name{};                  // goes into ownership marks: [A-Za-z0-9_.-]{1,32}
  std::optional<IpAddress> address{};  // required; unset only when the parser refused it
  int mtu = 1500;                      // the underlay's MTU: tunnels take their headers from it
  Location loc{};

  bool operator==(const Host&) const = default;
};

// A bridge in the host namespace. Addresses on it make it the subnet's gateway.
struct Bridge {
  std::string name{};
  std::optional<std::string> backend{};  // a registered backend; unset: the lab's default
  std::vector<IpPrefix> addresses{};
  bool stp = false;
  std::optional<int> mtu{};
  // Switch settings (controller, fail_mode, protocols, datapath_id, other_config, external_ids,
  // sflow, ipfix), checked by the parser; the backend's traits decide which it may have.
  backend::BridgeOptions options{};
  std::vector<Mirror> mirrors{};
  std::map<std::string, Location> option_keys{};  // each switch-setting key written, where
  // A lab across hosts: the host that carries the bridge's addresses and links (unset: the lab's
  // first host); the bridge is on that host and on every host with a node on it.
  std::string host{};
  std::optional<int> vni{};              // the segment id between its hosts (unset: derived from lab and bridge)
  std::optional<std::string> tunnel{};   // the encapsulation between its hosts (unset: the backend's first)
  Location loc{};

  bool operator==(const Bridge&) const = default;
};

// How a node gets its namespace: created by nswire (none), or an existing one entered
// through /proc/PID/ns/net (pid) or a bind-mounted namespace file (path). An attached
// namespace is never deleted by `down`.
enum class AttachKind { none, pid, path };

struct Attach {
  AttachKind kind = AttachKind::none;
  int pid = 0;                       // kind == pid
  std::string path{};                  // kind == path
  Location loc{};

  bool operator==(const Attach&) const = default;
};

// A node's interface plugged into a bridge: a veth whose node end is `name`.
struct Interface {
  std::string name{};
  std::string bridge{};
  std::vector<IpPrefix> addresses{};
  std::optional<int> mtu{};
  std::optional<int> vlan{};           // 1..4094: an access port on that VLAN
  std::optional<std::string> mac{};    // "aa:bb:cc:dd:ee:ff"
  // Port settings on the bridge side (trunks, vlan_mode, qos, policing), checked by the parser;
  // the bridge's backend's traits decide which it may have.
  backend::PortOptions port{};
  std::map<std::string, Location> option_keys{};  // each port-setting key written, where
  Location loc{};

  bool operator==(const Interface&) const = default;
};

// A route in a node's main table. `to: default` becomes IpPrefix::any(family), the family
// taken from `via` (IPv4 when there is no via); its text stays "default".
struct Route {
  IpPrefix to{};
  std::optional<IpAddress> via{};
  std::optional<std::string> dev{};
  Location loc{};

  bool operator==(const Route&) const = default;
};

// Written to /etc/netns/NODE/resolv.conf.
struct Dns {
  std::vector<IpAddress> nameservers{};
  std::vector<std::string> search{};

  bool empty() const { return nameservers.empty() && search.empty(); }
  bool operator==(const Dns&) const = default;
};

// A named network namespace.
struct Node {
  std::string name{};
  std::string host{};                            // a lab across hosts: where it lives (unset: the first host)
  Attach attach{};
  std::vector<Interface> interfaces{};           // in file order
  std::vector<Route> routes{};
  Dns dns{};
  std::map<std::string, std::string> sysctls{};  // "net.ipv4.ip_forward" -> "1"
  Location loc{};

  bool operator==(const Node&) const = default;
};

// One end of a link, written "br0" (a bridge), "node:ifname" or "host:ifname" (`host` is
// the namespace nswire runs in).
enum class EndpointKind { bridge, node, host };

struct Endpoint {
  EndpointKind kind = EndpointKind::bridge;
  std::string bridge{};                // kind == bridge
  std::string node{};                  // kind == node
  std::string ifname{};                // kind == node or host
  std::string text{};                  // as written
  Location loc{};

  bool operator==(const Endpoint&) const = default;
};

// How two bridges are joined: natively by their backend (OVS patch ports; both bridges on one
// backend that has native patches), by a veth pair, or auto (native where the two bridges allow
// it, else a veth pair). In the file: auto | veth | native, or the name of a backend with native
// patches (`patch: ovs`), which also says both bridges must be on it.
enum class Patch { automatic, native, veth };

// A veth pair (or OVS patch) that is not node-to-bridge.
struct Link {
  std::array<Endpoint, 2> endpoints{};
  std::array<std::vector<IpPrefix>, 2> addresses{};  // per end, in endpoint order
  std::optional<int> mtu{};
  Patch patch = Patch::automatic;
  std::string patch_backend{};        // patch: BACKEND (native, on that backend); empty otherwise
  Location loc{};

  bool operator==(const Link&) const = default;
};

enum class Expect { reachable, unreachable };
enum class Proto { icmp, tcp, udp };

const char* to_string(Expect e);    // "reachable" | "unreachable"
const char* to_string(Proto p);     // "icmp" | "tcp" | "udp"

// One entry of `tests:`, a connectivity expectation (not "Test", which gtest owns). Either a
// pair test (from -> to, where `to` is a node name, meaning its first address, or an IP
// address), or a mesh test (`mesh` non-empty: every ordered pair of those nodes).
struct ConnectivityTest {
  std::string from{};
  std::string to{};
  std::vector<std::string> mesh{};
  Expect expect = Expect::reachable;
  Proto proto = Proto::icmp;
  int port = 0;                      // tcp/udp: 1..65535
  int count = 1;                     // probes sent; any answer counts as reachable
  int timeout_ms = 1000;             // per probe
  Location loc{};

  bool is_mesh() const { return !mesh.empty(); }
  bool operator==(const ConnectivityTest&) const = default;
};

// The whole lab file.
struct Lab {
  int version = 1;
  std::string name{};                  // ownership marks carry it: [A-Za-z0-9_.-]{1,32}
  std::string backend{};              // the default for bridges; the catalog's first when unsaid
  std::map<std::string, BackendSettings> settings{};  // by backend: every backend with settings

  std::vector<Host> hosts{};           // a lab across hosts; empty: the machine nswire runs on
  std::vector<Bridge> bridges{};       // in file order
  std::vector<Node> nodes{};
  std::vector<Link> links{};
  std::vector<ConnectivityTest> tests{};
  Location loc{};

  bool operator==(const Lab&) const = default;
};

// Lookups by name; nullptr when absent.
const Bridge* find_bridge(const Lab& lab, std::string_view name);
const Node* find_node(const Lab& lab, std::string_view name);
const Interface* find_interface(const Node& node, std::string_view name);
// The address a test `to: NODE` aims at: the node's first interface address, else the first
// address of a link end on that node; nullopt when the node has none.
std::optional<IpPrefix> first_address(const Lab& lab, const Node& node);
// The backend that serves `b`: its own, else the lab's default.
inline const std::string& effective_backend(const Lab& lab, const Bridge& b) {
  return b.backend ? *b.backend : lab.backend;
}

}  // namespace nswire::model
