// The lab model: schema v1 of the lab file (docs/design.md, "The lab file") as plain values.
// The parser fills it, the validator checks it, the planner diffs it against the live system,
// and graph output draws it. Nothing here does I/O.
//
// Every object keeps the place it was written (Location) so later errors can name it. A
// Location never takes part in ==: the same lab written with another layout is the same lab.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/switch_options.h"
#include "nswire/ip.h"
#include "nswire/netlink/tc.h"

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

// An impairment of a link's traffic as the file writes it: `netem: { delay: 20ms, loss: 1%, ... }`
// or `rate: 100mbit` (a rate alone becomes a token bucket, anything else netem; see
// nswire/netlink/tc.h). It acts on the egress of a veth end: on a node interface, `direction`
// says which way (both: what the node sends and what it receives; out: what it sends; in: what
// it receives); a link gives one per end (the single-map form: the same on both).
enum class Direction { both, out, in };
const char* to_string(Direction d);  // "both" | "out" | "in"

struct ImpairmentSpec {
  netlink::Impairment value{};
  Direction direction = Direction::both;
  Location loc{};

  bool operator==(const ImpairmentSpec&) const = default;
};

// A node's interface plugged into a bridge: a veth whose node end is `name`.
struct Interface {
  std::string name{};
  std::string bridge{};
  // A VLAN subinterface (an 802.1Q device, Node::subinterfaces): the node's interface it tags
  // on, `vlan` its VLAN id (from a name written PARENT.VID when not given). No bridge then.
  std::string parent{};
  std::vector<IpPrefix> addresses{};
  std::optional<int> mtu{};
  std::optional<int> vlan{};           // 1..4094: an access port on that VLAN
  std::optional<std::string> mac{};    // "aa:bb:cc:dd:ee:ff"
  // Port settings on the bridge side (trunks, vlan_mode, qos, policing), checked by the parser;
  // the bridge's backend's traits decide which it may have.
  backend::PortOptions port{};
  std::map<std::string, Location> option_keys{};  // each port-setting key written, where
  std::optional<ImpairmentSpec> impairment{};  // `netem:` or `rate:`
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
  std::vector<Interface> subinterfaces{};        // VLAN subinterfaces (`parent:`), in file order
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
  // The egress of each end (endpoint order): `netem: MAP` or `rate: R` sets both the same,
  // `netem: [MAP, MAP]` each its own.
  std::array<std::optional<ImpairmentSpec>, 2> impairment{};
  Location loc{};

  bool operator==(const Link&) const = default;
};

enum class Expect { reachable, unreachable };
enum class Proto { icmp, tcp, udp };

const char* to_string(Expect e);    // "reachable" | "unreachable"
const char* to_string(Proto p);     // "icmp" | "tcp" | "udp"

// Bounds a measuring test states (`rtt: { min: 40ms, max: 80ms }`); unset ends are not checked.
template <class T>
struct Bounds {
  std::optional<T> min{}, max{};
  bool operator==(const Bounds&) const = default;
};

// `udp: { rate: 10mbit, loss: { max: 1% }, throughput: { min: 9mbit } }`: datagrams paced at
// `rate`, loss and the received rate (payload bits per second) checked.
struct UdpLoad {
  uint64_t rate_bps = 0;
  Bounds<double> loss{};           // percent
  Bounds<uint64_t> throughput{};   // bit/s
  bool operator==(const UdpLoad&) const = default;
};

// A step of a sequence that is a fault rather than a test: `down: LINK` or `up: LINK`, LINK
// being NODE:IF (a node interface or a link end) or BRIDGE:BRIDGE (a bridge-to-bridge link).
enum class Fault { none, down, up };
const char* to_string(Fault f);  // "" | "down" | "up"

// One entry of `tests:` (not "Test", which gtest owns). Either
//  - a pair test (from -> to, where `to` is a node name, meaning its first address, or an IP
//    address), or a mesh test (`mesh` non-empty: every ordered pair of those nodes);
//  - a measuring pair test: `rtt:` and/or `loss:` (paced ICMP echoes, `count` of them
//    `interval` apart), `throughput:` (TCP for `duration`), or `udp:` (UDP load for `duration`);
//  - a sequence (`steps:` non-empty): tests and faults in order, named `name` in reports;
//  - inside a sequence only, a fault (`fault` != none) on `link`.
struct ConnectivityTest {
  std::string from{};
  std::string to{};
  std::vector<std::string> mesh{};
  Expect expect = Expect::reachable;
  Proto proto = Proto::icmp;
  int port = 0;                      // tcp/udp: 1..65535; throughput and udp: their receiver's (0 = default)
  int count = 1;                     // probes sent; any answer counts as reachable (rtt/loss: default 20)
  int timeout_ms = 1000;             // per probe (rtt/loss: the wait for the last answer)
  // Measurements.
  std::optional<Bounds<std::chrono::nanoseconds>> rtt{};
  std::optional<Bounds<double>> loss{};          // percent of echo requests unanswered
  std::optional<Bounds<uint64_t>> throughput{};  // TCP goodput, bit/s
  std::optional<UdpLoad> udp{};
  std::chrono::nanoseconds interval = std::chrono::milliseconds(10);  // rtt/loss: between requests
  std::chrono::nanoseconds duration{0};  // throughput (default 2s) and udp (default 1s); 0 = default
  // Sequences and their faults.
  std::string name{};
  std::vector<ConnectivityTest> steps{};
  Fault fault = Fault::none;
  std::string link{};
  Location loc{};

  bool is_mesh() const { return !mesh.empty(); }
  bool is_sequence() const { return !steps.empty(); }
  bool is_fault() const { return fault != Fault::none; }
  bool is_ping_measure() const { return rtt || loss; }
  bool measures() const { return rtt || loss || throughput || udp; }
  bool operator==(const ConnectivityTest&) const = default;
};

inline constexpr int kMeasureCount = 20;  // echo requests of an rtt/loss test without `count`
inline constexpr std::chrono::milliseconds kThroughputDuration{2000}, kUdpDuration{1000};

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
// Every interface of a node, the veths' node ends (interfaces) then the VLAN subinterfaces: what
// holds its addresses.
std::vector<const Interface*> all_interfaces(const Node& node);
// The address a test `to: NODE` aims at: the node's first interface address, else the first
// address of a link end on that node; nullopt when the node has none.
std::optional<IpPrefix> first_address(const Lab& lab, const Node& node);
// What a fault's LINK (or `nswire link`'s) names: a node interface, a node or host end of a link,
// or a bridge-to-bridge link (`br0:br1`, either order). nullopt when it names none of them.
struct LinkName {
  enum class Kind { interface, link_end, bridges } kind = Kind::interface;
  const Node* node = nullptr;            // interface, link_end of a node
  const Interface* interface = nullptr;  // interface
  const Link* link = nullptr;            // link_end, bridges
  int end = 0;                           // link_end, bridges: which end of `link` is named first
};
std::optional<LinkName> resolve_link_name(const Lab& lab, std::string_view text);

// The backend that serves `b`: its own, else the lab's default.
inline const std::string& effective_backend(const Lab& lab, const Bridge& b) {
  return b.backend ? *b.backend : lab.backend;
}

}  // namespace nswire::model
