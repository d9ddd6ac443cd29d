// Turning socket errors into the words a probe Result uses: errno values from connect/send/recv,
// and the ICMP errors that IP_RECVERR / IPV6_RECVERR queue on a socket (with who reported them).
#pragma once

#include <optional>
#include <string>

namespace nswire::probe {

// "network unreachable (no route)", "no route to host", "connection refused", ... or strerror.
std::string errno_detail(int err);

// Reads one entry of fd's error queue (MSG_ERRQUEUE): nullopt when the queue is empty, else its
// description ("unreachable: host unreachable (reported by 10.0.0.1)", "connection refused (port
// unreachable, reported by 10.0.0.2)"), or "" when the entry carried nothing recognisable.
std::optional<std::string> receive_error(int fd, int family);

}  // namespace nswire::probe
