// The embedded Open vSwitch: when no ovsdb-server answers on --ovsdb, $NSWIRE_OVSDB or the
// system socket, nswire starts its own ovsdb-server + ovs-vswitchd (Debian's binaries) with
// state under /run/nswire/ovs, and stops them when the last lab that used them goes down.
// This is the one place in the product that starts programs other than `nswire exec`'s.
#pragma once

#include <string>

namespace nswire::backend::ovs {

inline constexpr const char* kEmbeddedDir = "/run/nswire/ovs";
inline constexpr const char* kSystemSocket = "/var/run/openvswitch/db.sock";

// Where to talk to Open vSwitch: `explicit_target` if given, else $NSWIRE_OVSDB, else the
// system socket if a server answers there, else the embedded one (started when needed).
// Throws nswire::Error naming the Debian package when the binaries are missing.
// With `start` false, returns "" instead of starting the embedded one.
std::string resolve_endpoint(const std::string& explicit_target, bool start = true);

bool embedded_running();
std::string embedded_endpoint();  // "unix:/run/nswire/ovs/db.sock"
// Starts ovsdb-server + ovs-vswitchd (idempotent) and waits until they answer.
void start_embedded();
// Stops both by the pids in their pidfiles (SIGTERM, SIGKILL after 10 s), removes what their
// datapath left (remove_datapath_leftovers) and /run/nswire/ovs. Nothing when absent.
void stop_embedded();
// The tun devices a stopped embedded userspace datapath leaves: ovs-netdev and lab bridges' devices
// (nswire-marked). Left alone while another Open vSwitch answers on the system socket.
void remove_datapath_leftovers();

// "system" when the openvswitch kernel module is loaded, else "netdev" (userspace datapath).
std::string resolve_datapath(const std::string& wanted);

}  // namespace nswire::backend::ovs
