// See socket_errors.h.
#include "socket_errors.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "address.h"
#include "icmp.h"

namespace nswire::probe {

std::string errno_detail(int err) {
  switch (err) {
    case ENETUNREACH: return "network unreachable (no route)";
    case EHOSTUNREACH: return "no route to host";
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection reset";
    case EPERM: return "operation not permitted (a local firewall rule?)";
    case EACCES: return "permission denied (a broadcast address?)";
  }
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::optional<std::string> receive_error(int fd, int family) {
  std::array<uint8_t, 512> data;
  alignas(cmsghdr) std::array<char, 512> control;
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return std::nullopt;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    const auto* ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
    if (ee->ee_origin == SO_EE_ORIGIN_LOCAL) return errno_detail(static_cast<int>(ee->ee_errno));
    if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6) continue;
    const sockaddr* offender = SO_EE_OFFENDER(ee);
    const std::string by = offender->sa_family == AF_INET || offender->sa_family == AF_INET6
                               ? from_sockaddr(offender, sizeof(sockaddr_in6)).host()
                               : "?";
    const std::string reason = icmp::reason(family, ee->ee_type, ee->ee_code);
    if (ee->ee_errno == ECONNREFUSED) return "connection refused (" + reason + ", reported by " + by + ")";
    const bool time_exceeded = (family == AF_INET && ee->ee_type == 11) || (family == AF_INET6 && ee->ee_type == 3);
    return (time_exceeded ? "time exceeded: " : "unreachable: ") + reason + " (reported by " + by + ")";
  }
  return std::string();
}

}  // namespace nswire::probe
