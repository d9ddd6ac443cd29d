// Hints that tell why probes fail, as pure functions of figures read elsewhere, so `nswire test`
// and `nswire status` say what can be the cause and nothing that cannot:
//  - the machine-wide neighbour tables (one per family, shared by every namespace; the kernel
//    refuses new neighbours past gc_thresh3 and entries of deleted namespaces linger): nearly
//    full, or smaller than what this lab's segments need;
//  - the backends' warnings, those about bridged traffic (br_netfilter) only when a failing
//    probe's path crosses a bridge of the backend that gave them.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/model/desired.h"
#include "nswire/netlink/neighbour_tables.h"

namespace nswire::reconcile {

using model::Desired;

// An estimate of the neighbour entries the lab needs at most, per family. A segment is a set of
// bridges joined by links or patches; on it every interface with an address of the family (node
// interfaces, and the bridge itself when it has one) may resolve every other: n·(n−1) for n of
// them. A node-to-node link adds 2.
struct NeighbourNeed {
  std::size_t ipv4 = 0, ipv6 = 0;
  std::size_t largest_segment = 0;  // interfaces on the largest segment (either family)
  bool operator==(const NeighbourNeed&) const = default;
};
NeighbourNeed neighbour_need(const Desired& desired);

// One text per finding: a table at 90% of gc_thresh3 or more, or a need above gc_thresh3; each
// names the sysctl to raise and a value. Empty when neither (or no table figures).
std::vector<std::string> neighbour_hints(const std::vector<netlink::NeighbourTable>& tables, const NeighbourNeed& need);

// A probe that failed: from a node, to a node (its name) or an address owned by none ("").
struct FailedProbe {
  std::string from, to_node, address;
  bool operator==(const FailedProbe&) const = default;
};

// The bridges a probe's path may cross as far as the lab says: every bridge on the segments of
// the source's and the target's interfaces (the target: a node, or a bridge holding the address).
// A path routed through other segments in between is not followed.
std::set<std::string> bridges_crossed(const Desired& desired, const FailedProbe& probe);

// Of `warnings`, those that can explain `failed`: every host-wide one, and one about bridged
// traffic only when a failing path crosses a bridge served by its backend.
std::vector<backend::Warning> warnings_for(const std::vector<backend::Warning>& warnings, const Desired& desired,
                                           const std::vector<FailedProbe>& failed);

}  // namespace nswire::reconcile
