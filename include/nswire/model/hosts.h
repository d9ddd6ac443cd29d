// Where the objects of a lab across hosts live, decided from the file alone, so that every host
// reading the same file agrees: a node is on its `host:` (else the lab's first host); a bridge is
// on the hosts of its nodes, and on its own `host:` (its "home", else the first host) when it has
// addresses or links there or no node at all; a link is made on the host of its ends. A bridge
// on more than one host spans them: its halves are joined by tunnels (or by the backend's own
// engine), one segment id (VNI) per bridge, given or derived from the lab and bridge names, and
// an MTU the encapsulation leaves room for. A lab without `hosts:` is all on one machine, whose
// host name here is "". Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/traits.h"
#include "nswire/model/lab.h"

namespace nswire::model {

inline constexpr uint32_t kMaxVni = (1u << 24) - 1;  // 24 bits (RFC 7348, RFC 8926)
// Derived VNIs start above the ones people usually pick by hand.
inline constexpr uint32_t kFirstDerivedVni = 4096;

const Host* find_host(const Lab& lab, std::string_view name);
// The host a node or a bridge named with no `host:` is on: the first host; "" without hosts.
std::string default_host(const Lab& lab);

// Every placement of the lab, computed once.
struct Placement {
  std::map<std::string, std::string> node_host;                   // node -> its host
  std::map<std::string, std::string> bridge_home;                 // bridge -> its home host
  std::map<std::string, std::vector<std::string>> bridge_hosts;   // bridge -> its hosts, in `hosts:` order
  std::map<std::string, uint32_t> vni;                            // bridge -> its segment id

  bool spans(const std::string& bridge) const;  // on more than one host
  bool on(const std::string& bridge, const std::string& host) const;
};
// Names that do not resolve (an unknown host) are placed as written: the validator reports them.
Placement place(const Lab& lab);

// The host one end of a link is on: a node's, a bridge's home; nullopt for `host:IF` (the
// namespace nswire runs in, on whichever host the link is).
std::optional<std::string> endpoint_host(const Lab& lab, const Placement& p, const Endpoint& e);
// The host a link is made on: that of its placed ends (the validator refuses two different ones),
// else the first host.
std::string link_host(const Lab& lab, const Placement& p, const Link& link);

// Which of the lab's hosts this machine is: `wanted` (--host) when given, which must name one;
// else the host whose underlay address is one of `local_addresses` (this machine's); else the
// only host. "" for a lab without hosts (where `wanted` is refused). Throws nswire::Error saying
// what to pass otherwise.
std::string which_host(const Lab& lab, const std::optional<std::string>& wanted,
                       const std::vector<IpAddress>& local_addresses);

// How a spanning bridge's halves are joined, and what that costs.
struct BridgeSpan {
  std::vector<std::string> hosts;       // more than one
  backend::Encapsulation encapsulation;  // the one it uses
  unsigned underlay_mtu = 0;             // the smallest underlay MTU of its hosts
  unsigned overhead = 0;                 // the encapsulation's bytes over this underlay's family
  // What a frame may carry across: underlay_mtu - overhead; 0 when that leaves no room.
  unsigned mtu() const { return underlay_mtu > overhead + 68 ? underlay_mtu - overhead : 0; }
};
// nullopt when the bridge is on one host, or its backend cannot span (the validator says so),
// or its encapsulation is not one the backend has.
std::optional<BridgeSpan> span_of(const Lab& lab, const Placement& p, const Bridge& bridge, const backend::Traits& traits);

}  // namespace nswire::model
