// The decision of what a lab may attach (see include/nswire/netns/attach_target.h). Pure.
#include "nswire/netns/attach_target.h"

namespace nswire::netns {

std::string attach_target_problem(const NamespaceFile& f) {
  if (!f.exists) return "";
  if (!f.error.empty()) return "cannot be inspected (" + f.error + "), so nswire could not join it either";
  constexpr const char* kWhatIs =
      "a namespace file is /run/netns/NAME, /proc/PID/ns/net or a container runtime's netns file";
  if (!f.nsfs) return "is " + (f.kind.empty() ? std::string("not a namespace file") : f.kind) +
                      ", not a network namespace (" + kWhatIs + ")";
  if (!f.ns_type.empty() && f.ns_type != "network")
    return "is a " + f.ns_type + " namespace, not a network namespace (" + kWhatIs + ")";
  constexpr const char* kHost =
      ": the lab would put its addresses, routes and sysctls there. Links to that namespace are "
      "`host:` endpoints (links: - endpoints: [host:veth0, NODE:eth1]), which touch only the lab's own "
      "veth ends";
  if (f.is_own && f.is_init)
    return std::string("is the network namespace nswire runs in, the machine's init namespace") + kHost;
  if (f.is_own) return std::string("is the network namespace nswire runs in") + kHost;
  if (f.is_init) return std::string("is the machine's init network namespace") + kHost;
  return "";
}

}  // namespace nswire::netns
