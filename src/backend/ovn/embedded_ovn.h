// The embedded OVN: for a single machine (or the first host of a lab) where no OVN runs, nswire
// starts Debian's OVN itself, the way it starts an embedded Open vSwitch: the Northbound and
// Southbound ovsdb-servers (databases made with ovsdb-tool from /usr/share/ovn's schemas),
// ovn-northd between them, and ovn-controller tying the local Open vSwitch to them (it reads
// system-id, ovn-remote, ovn-encap-type, ovn-encap-ip and ovn-bridge-datapath-type from the
// Open_vSwitch row's external_ids, which nswire sets). State, sockets, pidfiles and logs live
// under /run/nswire/ovn; the daemons log to files only and are stopped by pid. What nswire set
// on the local Open vSwitch (those external_ids, br-int if ovn-controller made it) is recorded
// there and undone by stop_embedded(), so the machine is left as it was.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace nswire::backend::ovn {

inline constexpr const char* kEmbeddedDir = "/run/nswire/ovn";

struct EmbeddedOptions {
  // NB + SB ovsdb-servers and ovn-northd here. Extra listeners for other hosts or tools, in
  // ovsdb-server's --remote syntax: {"ptcp:6642:192.168.100.1"}.
  bool central = true;
  std::vector<std::string> nb_remotes, sb_remotes;
  // ovn-controller here, on the local Open vSwitch `ovs` ("unix:PATH", e.g. what
  // ovs::resolve_endpoint() gives).
  bool controller = true;
  std::string ovs;
  std::string system_id;             // the chassis name; empty = this machine's hostname
  std::string encap_ip;              // this host's underlay address (required with controller)
  std::string encap_type = "geneve";
  std::string sb;                    // the SB the controller connects to; empty = the embedded one
  std::string datapath = "auto";     // br-int's datapath: auto | system | netdev
  std::chrono::milliseconds timeout{10000};  // for the chassis to register in the SB
};

// Throws nswire::Error naming the Debian package (openvswitch-common, ovn-central, ovn-host,
// ovn-common) of the first binary or schema the options need that is missing, or the option a
// controller lacks (ovs, encap_ip). Nothing is started or created.
void check_installed(const EmbeddedOptions& options);

// Starts what the options ask for (nothing that already runs) and, with a controller, returns
// once its chassis is registered in the SB. Throws nswire::Error with the daemon's own words
// (its stderr, its log) when one fails; what was started before stays, for stop_embedded().
void start_embedded(const EmbeddedOptions& options);

// Stops every embedded OVN daemon by pid (ovn-controller first, through its `exit` command so it
// removes its chassis from the SB), undoes what was set on the local Open vSwitch, and removes
// /run/nswire/ovn. Nothing when nothing runs.
void stop_embedded();

bool embedded_running();          // any of the embedded daemons is alive
std::string nb_endpoint();        // "unix:/run/nswire/ovn/ovnnb_db.sock"
std::string sb_endpoint();        // "unix:/run/nswire/ovn/ovnsb_db.sock"

}  // namespace nswire::backend::ovn
