// Linux bridge ports' STP states over rtnetlink (AF_BRIDGE link dump, IFLA_PROTINFO >
// IFLA_BRPORT_STATE; see linux/if_bridge.h BR_STATE_*): whether a port forwards yet. A port of a
// bridge without STP forwards as soon as it is up; with STP it listens and learns first (twice the
// bridge's forward delay).
#pragma once

#include <cstdint>
#include <map>

#include "nswire/netlink/socket.h"

namespace nswire::netlink {

inline constexpr uint8_t kPortForwarding = 3;  // BR_STATE_FORWARDING

// Every bridge port's state, by port ifindex.
std::map<int, uint8_t> dump_port_states(Socket& socket);
// "disabled" | "listening" | "learning" | "forwarding" | "blocking".
const char* port_state_name(uint8_t state);

}  // namespace nswire::netlink
