// See sockets.h.
#include "sockets.h"

#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include <cerrno>

#include "nswire/error.h"

namespace nswire::probe {
namespace {

constexpr int kRawReceiveBuffer = 1 << 20;  // replies of a whole mesh row may arrive at once
constexpr int kListenBacklog = 4096;

Fd make_socket(int family, int type, int protocol, const char* what) {
  int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    int err = errno;
    if (type == SOCK_RAW && (err == EPERM || err == EACCES))
      throw Error(errno_message("open raw ICMP socket", "", err) +
                  " (ICMP probes need CAP_NET_RAW in the probing namespace; run as root)");
    throw Error(errno_message("open socket", what, err));
  }
  return Fd(fd);
}

void set_option(int fd, int level, int name, const void* value, socklen_t length, const char* what) {
  if (setsockopt(fd, level, name, value, length) != 0) throw Error(errno_message("setsockopt", what, errno));
}

}  // namespace

Fd open_icmp_socket(int family) {
  if (family == AF_INET) {
    Fd fd = make_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP, "ICMP");
    // ICMP_FILTER: a set bit drops that type.
    icmp_filter filter{~static_cast<uint32_t>((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
                                              (1u << ICMP_TIME_EXCEEDED))};
    set_option(fd.get(), SOL_RAW, ICMP_FILTER, &filter, sizeof filter, "ICMP_FILTER");
    if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &kRawReceiveBuffer, sizeof kRawReceiveBuffer) != 0)
      set_option(fd.get(), SOL_SOCKET, SO_RCVBUF, &kRawReceiveBuffer, sizeof kRawReceiveBuffer, "SO_RCVBUF");
    return fd;
  }
  Fd fd = make_socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, "ICMPv6");
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
  ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
  ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
  ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
  set_option(fd.get(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter, "ICMP6_FILTER");
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &kRawReceiveBuffer, sizeof kRawReceiveBuffer) != 0)
    set_option(fd.get(), SOL_SOCKET, SO_RCVBUF, &kRawReceiveBuffer, sizeof kRawReceiveBuffer, "SO_RCVBUF");
  return fd;
}

Fd open_client_socket(Protocol protocol, int family) {
  Fd fd = protocol == Protocol::tcp ? make_socket(family, SOCK_STREAM, IPPROTO_TCP, "TCP")
                                    : make_socket(family, SOCK_DGRAM, IPPROTO_UDP, "UDP");
  const int on = 1;
  if (family == AF_INET) set_option(fd.get(), IPPROTO_IP, IP_RECVERR, &on, sizeof on, "IP_RECVERR");
  else set_option(fd.get(), IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on, "IPV6_RECVERR");
  return fd;
}

Fd open_listener_socket(Protocol protocol, const SocketAddress& address) {
  const bool tcp = protocol == Protocol::tcp;
  const std::string where = std::string(tcp ? "TCP " : "UDP ") + address.host_port();
  Fd fd = make_socket(address.family(), tcp ? SOCK_STREAM : SOCK_DGRAM, tcp ? IPPROTO_TCP : IPPROTO_UDP,
                      where.c_str());
  const int on = 1;
  set_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on, "SO_REUSEADDR");
  if (address.family() == AF_INET6) set_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on, "IPV6_V6ONLY");
  if (::bind(fd.get(), address.get(), address.length) != 0) throw Error(errno_message("bind", "", errno));
  if (tcp && ::listen(fd.get(), kListenBacklog) != 0) throw Error(errno_message("listen", "", errno));
  return fd;
}

}  // namespace nswire::probe
