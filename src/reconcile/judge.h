// The one judgement of "as wanted": for every object a lab wants, what the system has of it and
// whether that is what the lab wants. The planner (what to change) and status (what to show)
// both ask here, so they cannot disagree on whether an object is in sync. Pure: it reads the
// Desired and Observed values it is given, nothing else.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "nswire/reconcile/observed.h"

namespace nswire::reconcile {

// Where a port is plugged in now, across every observed backend.
struct PortLocation {
  std::string backend, bridge;
  const backend::ObservedPort* port = nullptr;
};

// An existing veth end against what the lab wants of it: what would have to change.
struct EndJudgement {
  const netlink::Link* link = nullptr;  // the live device; nullptr when missing
  bool down = false;                    // not administratively up
  bool wanted_down = false;             // an override wants it down
  std::optional<uint32_t> mtu;          // set: the wanted MTU, which the device lacks
  std::optional<std::string> mac;       // set: the wanted MAC, which the device lacks
  std::optional<std::string> alias;     // set: the wanted mark, which the device lacks
  bool checksum_offload = false;        // offload still on where the lab wants software checksums
  bool as_wanted() const { return link && down == wanted_down && !mtu && !mac && !alias && !checksum_offload; }
};

// A VLAN subinterface against what the lab wants of it. A link of that name that is not the
// wanted VLAN device on the wanted parent (another kind, id or parent) is made anew.
struct VlanJudgement {
  const netlink::Link* link = nullptr;  // a link of that name in the node; nullptr when missing
  bool right = false;                   // a VLAN device of the wanted id on the wanted parent
  bool down = false;                    // not administratively up
  std::optional<uint32_t> mtu;          // set: the wanted MTU, which the device lacks
  std::optional<std::string> mac;       // set: the wanted MAC, which the device lacks
  std::optional<std::string> alias;     // set: the wanted mark, which the device lacks
  bool as_wanted() const { return link && right && !down && !mtu && !mac && !alias; }
};

// A veth end's root qdisc (its egress impairment) against the one the lab wants. Wanted: nswire's
// own, configured exactly so (tc.h: is_ours() and the impairment normalized). None wanted: no
// root with nswire's handle (one set by someone else is theirs, and left alone).
struct QdiscJudgement {
  const netlink::RootQdisc* live = nullptr;  // nullptr: the end is missing, or reports none
  bool ours = false;                         // has nswire's handle
  bool as_wanted = false;
};

struct BridgeJudgement {
  const backend::ObservedBridge* live = nullptr;  // on the wanted backend; nullptr when not there
  std::string elsewhere;                          // the backend it is on instead, if any
  bool ours = false, stp_ok = false, mtu_ok = false;
  // A bridge that is a host device: that device is there and administratively up (an OVS bridge
  // whose internal device ovs-vswitchd made again after a restart comes back down, address kept).
  bool device_up = false;
  bool options_ok = false;  // controllers, fail mode, ..., flow export (switch_options.h)
  // A bridge that is no host device: the gateway addresses and segment id its backend holds.
  bool addresses_ok = false, vni_ok = false;
  bool as_wanted() const { return live && ours && stp_ok && mtu_ok && device_up && options_ok && addresses_ok && vni_ok; }
};

struct PortJudgement {
  const PortLocation* at = nullptr;  // where it is plugged in now; nullptr: on no bridge
  bool right_place = false;          // on the wanted bridge of the wanted backend
  bool vlan_ok = false;
  bool options_ok = false;           // trunks, VLAN mode, QoS, policing
  bool qdisc_ok = false;             // an impaired device's switch leaves its qdisc alone (or none is impaired)
  bool error = false;                // the switch reports an error on it (OVS Interface error)
  bool device = false;               // its host device exists
  bool addresses_ok = false;         // the far end's MAC and addresses, where the backend holds them
  bool as_wanted() const {
    return at && right_place && vlan_ok && options_ok && qdisc_ok && !error && device && addresses_ok;
  }
};

struct TunnelJudgement {
  const backend::ObservedTunnel* live = nullptr;  // the lab's tunnel on the bridge; nullptr: none
  bool ours = false;
  bool segment_ok = false;  // type and VNI
  bool local_ok = false, peers_ok = false, mtu_ok = false, split_horizon = false, error = false;
  bool as_wanted() const { return live && ours && segment_ok && local_ok && peers_ok && mtu_ok && split_horizon && !error; }
};

class Judge {
 public:
  Judge(const Desired& desired, const Observed& observed);

  const Desired& desired() const { return d_; }
  const Observed& observed() const { return o_; }
  // A namespace as observed; a missing one is empty with exists == false.
  const ObservedNamespace& ns(const std::string& node) const;
  bool recorded(const std::string& node) const;  // created by the lab (its record says so)
  // Links nswire may touch in a namespace: everything in one the lab created (but lo), only
  // links carrying the lab's mark elsewhere.
  bool owned_link(const std::string& node, const netlink::Link& link) const;
  const backend::ObservedBridge* bridge_on(const std::string& backend, const std::string& name) const;
  const PortLocation* port_at(const std::string& port) const;
  const std::string& backend_of(const std::string& bridge) const;  // a wanted bridge's backend

  BridgeJudgement bridge(const DesiredBridge& b) const;
  // Both ends exist, are veths, and are each other's peers (in a namespace that exists).
  bool paired(const DesiredVeth& v) const;
  EndJudgement end(const DesiredVeth& v, const VethEnd& e) const;
  PortJudgement port(const VethEnd& e) const;
  VlanJudgement vlan(const DesiredVlan& v) const;
  TunnelJudgement tunnel(const DesiredTunnel& t) const;
  // The port for end `e` of `v`, with the far end: where it is, its MAC and addresses.
  backend::PortSpec port_spec(const DesiredVeth& v, const VethEnd& e) const;
  bool patched(const DesiredPatch& p) const;
  // The bridge's mirrors are exactly the wanted ones (false when the bridge is not there).
  bool mirrors_as_wanted(const DesiredBridge& b) const;
  bool address_present(const std::string& node, const std::string& ifname, const IpPrefix& prefix) const;
  bool route_present(const DesiredNamespace& n, size_t route) const;
  bool sysctl_as_wanted(const DesiredNamespace& n, const std::string& key) const;
  // The resolv.conf: as the lab wants it (also: none wanted and none of ours there).
  bool dns_as_wanted(const DesiredNamespace& n) const;
  QdiscJudgement qdisc(const VethEnd& e) const;
  // An end the lab (an override) wants administratively down. The kernel drops the IPv6
  // addresses and every route of a link taken down, so while it is held down those are as
  // wanted whether there or not; `up` of the link puts them back.
  bool wanted_down(const std::string& node, const std::string& ifname) const;
  bool address_as_wanted(const std::string& node, const std::string& ifname, const IpPrefix& prefix) const;
  bool route_as_wanted(const DesiredNamespace& n, size_t route) const;
  // The route leaves through interface `ifname` (its dev, or a gateway on one of its subnets).
  bool route_through(const DesiredNamespace& n, size_t route, const std::string& ifname) const;
  // The route leaves through an end held down (and cannot be added until it is up again).
  bool route_waits(const DesiredNamespace& n, size_t route) const;
  // The mark a veth end carries when it needs one (host ends, ends in attached namespaces).
  std::optional<std::string> wanted_alias(const DesiredVeth& v, const VethEnd& e) const;
  // The mark a link in namespace `ns` carries when it needs one: in the host and in attached
  // namespaces (in the lab's own, the namespace says whose it is).
  std::optional<std::string> wanted_mark(const std::string& ns, const std::string& origin) const;

 private:
  const Desired& d_;
  const Observed& o_;
  std::map<std::string, PortLocation> ports_;
  std::map<std::string, std::string> backend_of_;
  std::set<std::pair<std::string, std::string>> down_;  // (ns, ifname) wanted down
  std::set<std::string> recorded_;                        // the record's namespaces (looked up per link)
};

// What a tunnel is, for plans and status: "vxlan VNI 5001 from 192.168.100.11 to h2
// 192.168.100.12; MTU 1450 (1500 - 50)".
std::string describe_tunnel(const DesiredTunnel& t);

// A live route is the wanted one: same destination, gateway and (when given) device.
bool route_matches(const netlink::Route& want, const std::string& dev, const netlink::Route& have,
                   const ObservedNamespace& ns);

}  // namespace nswire::reconcile
