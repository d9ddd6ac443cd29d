// Test labs for the probe engine, built with iproute2 (not nswire) so that a probe's verdict is
// checked against a topology nswire did not make. Everything is deleted by the destructor, and
// all of it lives inside the test's sandbox anyway.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nswire/netns/namespace.h"

namespace nswire::test {

class Lab {
 public:
  Lab() = default;
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // Runs a shell script (set -e); throws with its stderr when it fails.
  static void must(const std::string& script);
  // `ip netns add NAME` + lo up; remembered for deletion.
  void add_namespace(const std::string& name);
  // A link in the sandbox's own namespace (a bridge, a veth end), deleted at the end.
  void remember_link(const std::string& name);
  // Waits (up to 10 s, else throws) until IPv6 is configured on each (namespace, device): its
  // link-local address exists. Until then the kernel has not run addrconf for the device (it
  // waits for the carrier, which linkwatch reports asynchronously, up to a second after `ip link
  // set up`), and neighbour solicitations to it are dropped for lack of a multicast route.
  static void wait_ipv6_ready(const std::vector<std::pair<std::string, std::string>>& devices);
  // An open handle to a namespace this lab made.
  const netns::Namespace& ns(const std::string& name);

 private:
  std::vector<std::string> namespaces_;
  std::vector<std::string> links_;
  std::map<std::string, netns::Namespace> handles_;
};

// Echo requests received by a namespace so far (Icmp InEchos / Icmp6 InEchos in /proc/net/snmp*).
long in_echos(const std::string& ns, bool ipv6);

}  // namespace nswire::test
