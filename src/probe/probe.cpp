// The public entry points of the probe layer: protocol names, validation, run().
#include "nswire/probe/probe.h"

#include "address.h"
#include "engine.h"
#include "nswire/error.h"
#include "nswire/netns/namespace.h"

namespace nswire::probe {

const char* to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::icmp: return "icmp";
    case Protocol::tcp: return "tcp";
    case Protocol::udp: return "udp";
  }
  return "?";
}

void validate(const Probe& probe, std::size_t index) {
  const std::string where = "probe " + std::to_string(index) + " (" + probe.from_label + " -> " + probe.to_label + ")";
  if (!parse_address(probe.address))
    throw Error(where + ": address \"" + probe.address + "\" is not an IPv4 or IPv6 literal");
  if (probe.count < 1) throw Error(where + ": count must be at least 1, not " + std::to_string(probe.count));
  if (probe.timeout.count() <= 0) throw Error(where + ": timeout must be positive");
  if (probe.interval.count() < 0) throw Error(where + ": interval must not be negative");
  if (probe.protocol == Protocol::icmp) {
    if (probe.port != 0) throw Error(where + ": icmp probes take no port");
    if (probe.listen) throw Error(where + ": icmp probes take no listener");
  } else if (probe.port == 0) {
    throw Error(where + ": " + to_string(probe.protocol) + " probes need a port");
  }
  if (probe.from && !probe.from->valid()) throw Error(where + ": invalid source namespace handle");
  if (probe.listen && probe.listen_in && !probe.listen_in->valid())
    throw Error(where + ": invalid listener namespace handle");
}

std::vector<Result> run(const std::vector<Probe>& probes, const Options& options) {
  return run_engine(probes, options);
}

}  // namespace nswire::probe
