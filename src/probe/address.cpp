// See address.h.
#include "address.h"

#include <arpa/inet.h>

#include <cstring>

namespace nswire::probe {

std::string address_text(int family, const void* raw) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(family, raw, buf, sizeof buf)) return "?";
  return buf;
}

std::string SocketAddress::host() const {
  if (family() == AF_INET) return address_text(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr);
  if (family() == AF_INET6)
    return address_text(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr);
  return "?";
}

std::string SocketAddress::host_port() const {
  if (family() == AF_INET)
    return host() + ":" + std::to_string(ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port));
  return "[" + host() + "]:" + std::to_string(ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port));
}

std::optional<SocketAddress> parse_address(const std::string& literal, uint16_t port) {
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  if (inet_pton(AF_INET, literal.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof(sockaddr_in);
    return a;
  }
  a = SocketAddress{};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET6, literal.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof(sockaddr_in6);
    return a;
  }
  return std::nullopt;
}

SocketAddress from_sockaddr(const sockaddr* address, socklen_t length) {
  SocketAddress a;
  if (length > sizeof a.storage) length = sizeof a.storage;
  std::memcpy(&a.storage, address, length);
  a.length = length;
  return a;
}

}  // namespace nswire::probe
