// The figures behind the hints of failed probes (see connectivity.h, hints.h): the neighbour
// tables read over netlink, the backends' warnings, and the failed outcomes as paths of the lab.
#include <string>
#include <vector>

#include "nswire/netlink/neighbour_tables.h"
#include "nswire/reconcile/connectivity.h"
#include "nswire/reconcile/hints.h"

namespace nswire::reconcile {
namespace {

std::vector<netlink::NeighbourTable> read_tables() {
  auto socket = netlink::Socket::open();
  return netlink::dump_neighbour_tables(socket);
}

// The lab node that holds `address` on an interface, or "".
std::string owner_of(const Desired& d, const std::string& address) {
  auto a = IpAddress::parse(address);
  if (!a) return "";
  for (const auto& ns : d.namespaces) {
    if (ns.node == model::kHost) continue;
    for (const auto& [ifname, prefixes] : ns.addresses)
      for (const auto& p : prefixes)
        if (p.address() == *a) return ns.node;
  }
  return "";
}

}  // namespace

std::vector<std::string> neighbour_table_hints(const Session& session) {
  return neighbour_hints(read_tables(), neighbour_need(session.desired()));
}

std::vector<std::string> failure_causes(Session& session, const std::vector<probe::Outcome>& outcomes) {
  const Desired& d = session.desired();
  std::vector<FailedProbe> failed;
  for (const auto& o : outcomes) {
    if (o.passed() || !o.expect_reachable) continue;  // reached where it should not: no hint explains that
    std::string to_node = find_node(session.lab(), o.to) ? o.to : owner_of(d, o.address);
    failed.push_back({o.from, to_node, o.address});
  }
  if (failed.empty()) return {};
  std::vector<std::string> out;
  for (const auto& w : warnings_for(session.diagnose(), d, failed)) out.push_back(w.message);
  for (auto& h : neighbour_table_hints(session)) out.push_back(std::move(h));
  return out;
}

}  // namespace nswire::reconcile
