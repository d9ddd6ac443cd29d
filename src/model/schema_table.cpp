// THE table of the lab file (include/nswire/model/schema.h): every section and its keys. The
// parser's map walker takes its key lists from here and the JSON Schema is generated from here.
//
// Adding a key: one line in its section below (name, type, description), then its branch in the
// section's parse function (src/model/parse*.cpp); the unit test SchemaTable.* proves the parser
// reads it as typed here, and docs/design.md ("The lab file") documents it.
#include "nswire/model/schema.h"

#include <map>
#include <stdexcept>

namespace nswire::model::schema {

const std::vector<std::string> kTrueWords{"true", "True", "TRUE", "yes", "Yes", "on", "On"};
const std::vector<std::string> kFalseWords{"false", "False", "FALSE", "no", "No", "off", "Off"};

namespace {

constexpr bool kRequired = true;
constexpr bool kNullIsEmpty = true;

std::vector<Key> plus(std::vector<Key> a, std::vector<Key> b) {
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  return a;
}

// The keys of a probe or a measurement: those of a test and of a step of a sequence.
std::vector<Key> probe_keys() {
  return {
      {"from", text(), "The node the probe starts in."},
      {"to", text(), "A node (its first address) or an IP address."},
      {"mesh", nonempty_list(text()), "Nodes tested pairwise, every ordered pair."},
      {"expect", choice({"reachable", "unreachable"}), "What the probe must find (default: reachable)."},
      {"proto", choice({"icmp", "tcp", "udp"}), "The probe's protocol (default: icmp); tcp and udp need a port, nswire listens in the target node."},
      {"port", integer(), "The tcp or udp port (1..65535)."},
      {"count", integer(), "Probes sent; any answer counts as reachable (default 1)."},
      {"timeout_ms", integer(), "Per probe, in milliseconds (default 1000)."},
      {"name", text(), "The test's name in the report."},
      {"rtt", of("rtt"), "Measure the round trip over `count` echo requests `interval` apart: its bounds."},
      {"loss", of("loss"), "Measure the loss over `count` echo requests: its bounds."},
      {"throughput", of("throughput"), "Measure TCP throughput for `duration` (nswire's sender and receiver): its bounds."},
      {"udp", of("udp"), "Send UDP at a rate for `duration` and measure what arrives."},
      {"interval", text(), "Between echo requests of rtt and loss (default 200ms).", !kRequired, "10ms"},
      {"duration", text(), "Of throughput and udp (default 1s).", !kRequired, "2s"},
  };
}

// The keys of a netem impairment (nswire/model/impairment.h), on an interface and on a link end.
std::vector<Key> netem_keys() {
  return {
      {"delay", text(), "Added delay: 20ms.", !kRequired, "20ms"},
      {"jitter", text(), "Delay variation: 5ms (with a delay).", !kRequired, "5ms"},
      {"loss", text(), "Packets dropped: 1%.", !kRequired, "1%"},
      {"duplicate", text(), "Packets duplicated: 0.1%.", !kRequired, "0.1%"},
      {"corrupt", text(), "Packets corrupted: 0.1%.", !kRequired, "0.1%"},
      {"reorder", text(), "Packets sent at once, out of order: 1% (with a delay).", !kRequired, "1%"},
      {"rate", text(), "Rate limit: 100mbit.", !kRequired, "100mbit"},
      {"limit", integer(), "Queue limit, in packets."},
  };
}

std::vector<Section> build() {
  return {
      // --- the file itself (backends' settings sections are added from the catalog) ---------
      {"lab", "An nswire lab: network namespaces (nodes), bridges, links, and the connectivity they must have.",
       {
           {"version", integer({"1"}), "The lab file's schema version; only 1."},
           {"name", text(), "The lab's identity, carried by the ownership marks of everything it creates ([A-Za-z0-9_.-]{1,32}).", kRequired},
           {"backend", backend(), "The default backend of the lab's bridges (the first registered one when unsaid)."},
           {"hosts", map(of("host")), "A lab across hosts: its machines, by name; nodes and bridges say which they are on (default: the first)."},
           {"bridges", map(of("bridge")), "Bridges in the host namespace, by name (at most 15 bytes)."},
           {"nodes", map(of("node")), "Nodes, by name: each is a named network namespace (ip netns list sees it)."},
           {"links", list(of("link")), "Veth pairs (or native patches) that are not node-to-bridge."},
           {"tests", list(of("test")), "Connectivity expectations that `nswire test` proves."},
       }},

      // --- hosts: { NAME: ... } ------------------------------------------------------------
      {"host", "A machine of a lab across hosts, by the underlay address the others reach it at.",
       {
           {"address", address(), "Its underlay address (IPv4 or IPv6, no prefix).", kRequired},
           {"mtu", integer(), "The underlay's MTU (default 1500): tunnels take their headers from it."},
       }},

      // --- bridges: { NAME: ... } ----------------------------------------------------------
      {"bridge", "A bridge in the host namespace.",
       {
           {"backend", backend(), "The backend serving this bridge (default: the lab's)."},
           {"addresses", list(prefix()), "Addresses on the bridge (ADDRESS/PREFIX): the subnet's gateway."},
           {"stp", boolean(), "Run 802.1D spanning tree (backends that support it)."},
           {"mtu", integer(), "The bridge's MTU (68..65535)."},
           {"host", text(), "A lab across hosts: the host that carries the bridge's addresses and links (default: the first); it is also on every host with a node on it."},
           {"vni", integer(), "The segment id between its hosts (default: derived from the lab and the bridge)."},
           {"tunnel", text(), "The encapsulation between its hosts (vxlan or geneve, as the backend has them; default: its first)."},
           // Switch settings (backends whose Traits have them; docs/design.md "Switch settings").
           {"controller", one_or_list(text()), "OpenFlow controller target(s): tcp:IP:PORT, ssl:IP:PORT, unix:PATH, ptcp:PORT[:IP], pssl:PORT[:IP] or punix:PATH.", !kRequired, "[tcp:127.0.0.1:6653]"},
           {"inactivity_probe", text(), "Controller inactivity probe: 0 (off) or a duration of at least 1s.", !kRequired, "5s"},
           {"fail_mode", choice({"standalone", "secure"}), "What the switch does without a controller."},
           {"protocols", list(choice({"OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"})), "OpenFlow versions spoken."},
           {"datapath_id", text(), "The datapath id: 16 hex digits, not all zero.", !kRequired, "'00000000000000a1'"},
           {"other_config", map(text()), "Passed through to the switch's other_config (keys starting with nswire are nswire's)."},
           {"external_ids", map(text()), "Passed through to the switch's external_ids (keys starting with nswire are nswire's)."},
           {"mirrors", list(of("mirror")), "Port mirrors (SPAN) on this bridge."},
           {"sflow", of("sflow"), "sFlow export from this bridge."},
           {"ipfix", of("ipfix"), "IPFIX export from this bridge."},
       },
       {},
       kNullIsEmpty},
      {"mirror", "A port mirror: what it selects (src, dst, vlans) and where copies go (output or output_vlan).",
       {
           {"name", text(), "The mirror's name.", kRequired},
           {"src", list(text()), "Interfaces (NODE:IF on this bridge) whose received packets are mirrored.", !kRequired, "[a:eth0]"},
           {"dst", list(text()), "Interfaces (NODE:IF on this bridge) whose sent packets are mirrored.", !kRequired, "[a:eth0]"},
           {"vlans", list(integer()), "VLANs whose packets are mirrored (1..4094)."},
           {"output", text(), "The interface (NODE:IF on this bridge) that gets the copies.", !kRequired, "b:eth0"},
           {"output_vlan", integer(), "The VLAN that gets the copies (1..4094)."},
       },
       {{"output"}, {"output_vlan"}},
       !kNullIsEmpty,
       {"src"}},
      {"sflow", "sFlow export: collectors and sampling.",
       {
           {"targets", list(text()), "Collectors, IP:PORT.", kRequired, "['127.0.0.1:6343']"},
           {"agent", text(), "The agent's interface or address."},
           {"sampling", integer(), "One packet in this many is sampled."},
           {"polling", integer(), "Counter polling interval in seconds (1..3600)."},
           {"header", integer(), "Bytes of each sampled packet's header (1..65535)."},
       }},
      {"ipfix", "IPFIX export: collectors, sampling and cache.",
       {
           {"targets", list(text()), "Collectors, IP:PORT.", kRequired, "['127.0.0.1:4739']"},
           {"sampling", integer(), "One packet in this many is sampled."},
           {"obs_domain_id", integer(), "The observation domain id."},
           {"obs_point_id", integer(), "The observation point id."},
           {"cache_active_timeout", integer(), "Seconds a flow stays in the cache (0..4200)."},
           {"cache_max_flows", integer(), "Flows the cache holds."},
       }},

      // --- nodes: { NAME: ... } ------------------------------------------------------------
      {"node", "A node: a named network namespace, created by nswire or attached.",
       {
           {"host", text(), "A lab across hosts: the host the node is on (default: the first)."},
           {"attach", of("attach"), "Enter an existing namespace instead of creating one; it is never deleted."},
           {"interfaces", map(of("interface")), "The node's interfaces, by name: a veth each, its host end on a bridge."},
           {"routes", list(of("route")), "Routes in the node's main table."},
           {"dns", of("dns"), "The node's resolv.conf (/etc/netns/NODE/resolv.conf)."},
           {"sysctls", map(text()), "Per-namespace sysctls (net.*), in either sysctl(8) spelling (dots or slashes)."},
       },
       {},
       kNullIsEmpty},
      {"attach", "An existing network namespace: by a process's pid or a namespace file's path.",
       {
           {"pid", integer(), "The namespace of this process (/proc/PID/ns/net)."},
           {"path", text(), "A bind-mounted namespace file (e.g. /var/run/docker/netns/abc)."},
       },
       {{"pid"}, {"path"}}},
      {"interface",
       "A node's interface: a veth pair whose node end has this name, its host end plugged into `bridge`; or, with "
       "`parent`, a VLAN subinterface (802.1Q) of another of the node's interfaces.",
       {
           {"bridge", text(), "The bridge the interface's host end is plugged into."},
           {"parent", text(), "A VLAN subinterface: the node's interface (on a bridge) it tags on; `vlan` is its VLAN id "
                              "(from the name PARENT.VID when not given)."},
           {"addresses", list(prefix()), "Addresses on the interface (ADDRESS/PREFIX)."},
           {"mtu", integer(), "The MTU of both ends (68..65535)."},
           {"vlan", integer(), "Make its port an access port on this VLAN (1..4094); with `parent`, the VLAN id it tags with."},
           {"mac", text(), "The node end's MAC address (aa:bb:cc:dd:ee:ff, unicast)."},
           // Port settings (backends whose Traits have them).
           {"trunks", list(integer()), "The VLANs the port trunks (1..4094)."},
           {"vlan_mode", choice({"access", "trunk", "native-tagged", "native-untagged"}), "The port's VLAN mode."},
           {"qos", of("qos"), "Egress shaping of the port by the switch."},
           {"policing", of("policing"), "Ingress policing of the port by the switch."},
           // Impairments (docs/design.md "Impairments, faults and tests that measure").
           {"netem", of("netem"), "Impair the interface with netem: what the node sends (out), receives (in) or both (default)."},
           {"rate", text(), "Limit the interface's rate both ways with a token bucket (tbf): 100mbit.", !kRequired, "10mbit"},
       },
       {{"bridge"}, {"parent"}}},
      {"netem", "A netem impairment of an interface (each value with its unit).",
       plus(netem_keys(),
            {{"direction", choice({"both", "out", "in"}), "What is impaired: both (default), out (what the node sends) or in (what it receives)."}}),
       {},
       kNullIsEmpty},
      {"link_netem", "A netem impairment of one end of a link: what leaves that end.", netem_keys(), {}, kNullIsEmpty},
      {"qos", "Egress shaping by the switch.",
       {
           {"type", choice({"linux-htb", "linux-hfsc"}), "The shaper (default linux-htb)."},
           {"max_rate", text(), "The port's maximum rate (10mbit).", kRequired, "10mbit"},
       }},
      {"policing", "Ingress policing by the switch.",
       {
           {"rate", text(), "The rate packets are policed to, whole kbit (10mbit).", kRequired, "10mbit"},
           {"burst", text(), "The burst allowed, whole kbit.", !kRequired, "1mbit"},
       }},
      {"route", "A route in the node's main table; its family is the gateway's.",
       {
           {"to", destination(), "The destination: default, or ADDRESS/PREFIX.", kRequired},
           {"via", address(), "The gateway."},
           {"dev", text(), "The node's interface the route goes out of."},
       }},
      {"dns", "The node's resolver configuration.",
       {
           {"nameservers", list(address()), "Name server addresses."},
           {"search", list(text()), "Search domains."},
       },
       {},
       kNullIsEmpty},

      // --- links: [ ... ] ------------------------------------------------------------------
      {"link", "A veth pair (or a native patch between two bridges) between any two endpoints.",
       {
           {"endpoints", list(endpoint(), 2), "The two ends: BRIDGE, NODE:IFNAME or host:IFNAME (host: the namespace nswire runs in).", kRequired},
           {"addresses", list(list(prefix()), 2), "Addresses per end, in endpoint order (e.g. [[10.9.0.1/30], [10.9.0.2/30]])."},
           {"mtu", integer(), "The MTU of both ends (68..65535)."},
           {"patch", patch(), "How two bridges are joined: auto (native where both bridges allow it), veth, native, or a backend with native patches."},
           {"netem", one_or_list(of("link_netem"), 2), "Impair the link: one map for both ends, or one per end in endpoint order (~ for none); each is what leaves its end."},
           {"rate", text(), "Limit the link's rate both ways with a token bucket (tbf): 100mbit.", !kRequired, "10mbit"},
       }},

      // --- tests: [ ... ] ------------------------------------------------------------------
      {"test", "A connectivity expectation: from a node to a node or an address, or a mesh of nodes.",
       plus(probe_keys(), {{"steps", nonempty_list(of("step")), "A sequence: tests and faults ({ down: LINK }, { up: LINK }) in order."}}),
       {{"mesh"}, {"from", "to"}, {"steps"}}},
      {"step", "A step of a sequence: a test, or a fault taking a link down or up.",
       plus(probe_keys(),
            {{"down", text(), "Take LINK down (NODE:IF, host:IF or BRIDGE:BRIDGE) until a later { up: LINK } or the end."},
             {"up", text(), "Bring LINK up again; returns once both ends have a carrier."}}),
       {{"mesh"}, {"from", "to"}, {"down"}, {"up"}}},
      {"rtt", "Bounds of a round trip time (durations: 5ms).",
       {
           {"min", text(), "At least this.", !kRequired, "1ms"},
           {"max", text(), "At most this.", !kRequired, "5ms"},
       },
       {},
       !kNullIsEmpty,
       {"max"}},
      {"loss", "Bounds of a loss (percentages: 2%).",
       {
           {"min", text(), "At least this.", !kRequired, "1%"},
           {"max", text(), "At most this.", !kRequired, "2%"},
       },
       {},
       !kNullIsEmpty,
       {"max"}},
      {"throughput", "Bounds of a throughput (rates: 80mbit).",
       {
           {"min", text(), "At least this.", !kRequired, "10mbit"},
           {"max", text(), "At most this.", !kRequired, "80mbit"},
       },
       {},
       !kNullIsEmpty,
       {"max"}},
      {"udp", "A UDP load: what to send at, and bounds of what arrives.",
       {
           {"rate", text(), "What to send at: 10mbit.", kRequired, "10mbit"},
           {"loss", of("loss"), "Bounds of the loss."},
           {"throughput", of("throughput"), "Bounds of the rate that arrived."},
       }},
  };
}

struct Table {
  std::vector<Section> sections = build();
  std::map<std::string, std::vector<std::string_view>, std::less<>> names;
  Table() {
    for (const auto& s : sections) {
      auto& n = names[s.name];
      for (const auto& k : s.keys) n.push_back(k.name);
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

Type scalar(Kind kind) { return Type{.kind = kind}; }

}  // namespace

Type text() { return scalar(Kind::text); }
Type integer(std::vector<std::string> only) { return Type{.kind = Kind::integer, .values = std::move(only)}; }
Type boolean() { return scalar(Kind::boolean); }
Type choice(std::vector<std::string> words) { return Type{.kind = Kind::choice, .values = std::move(words)}; }
Type backend() { return scalar(Kind::backend); }
Type patch() { return scalar(Kind::patch); }
Type prefix() { return scalar(Kind::prefix); }
Type address() { return scalar(Kind::address); }
Type endpoint() { return scalar(Kind::endpoint); }
Type destination() { return scalar(Kind::destination); }
Type of(std::string section) { return Type{.kind = Kind::section, .section = std::move(section)}; }
Type list(Type item, size_t exactly) {
  return Type{.kind = Kind::list,
              .item = std::make_shared<const Type>(std::move(item)),
              .min_items = exactly,
              .max_items = exactly};
}
Type one_or_list(Type item, size_t exactly) {
  Type t = list(std::move(item), exactly);
  t.one_alone = true;
  return t;
}
Type nonempty_list(Type item) {
  return Type{.kind = Kind::list, .item = std::make_shared<const Type>(std::move(item)), .min_items = 1};
}
Type map(Type item) { return Type{.kind = Kind::map, .item = std::make_shared<const Type>(std::move(item))}; }

const Key* Section::key(std::string_view name) const {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

const std::vector<Section>& sections() { return table().sections; }

bool accepts_null(const Type& type) {
  switch (type.kind) {
    case Kind::list: return type.min_items == 0 || (type.one_alone && accepts_null(*type.item));
    case Kind::map: return true;
    case Kind::section: return section(type.section).null_is_empty;
    default: return false;
  }
}

const Section& section(std::string_view name) {
  for (const auto& s : table().sections)
    if (s.name == name) return s;
  throw std::out_of_range("no section \"" + std::string(name) + "\" in the lab file's table");
}

const std::vector<std::string_view>& key_names(std::string_view section) {
  const auto& names = table().names;
  auto it = names.find(section);
  if (it == names.end()) throw std::out_of_range("no section \"" + std::string(section) + "\" in the lab file's table");
  return it->second;
}

}  // namespace nswire::model::schema
