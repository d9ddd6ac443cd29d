// IP address literals as socket addresses, and back. Probes compare addresses by their canonical
// text (what inet_ntop prints), so "2001:db8::0001" and "2001:db8::1" are the same destination.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace nswire::probe {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // Canonical address text without the port ("10.0.0.1", "2001:db8::1").
  std::string host() const;
  // "10.0.0.1:80", "[2001:db8::1]:80".
  std::string host_port() const;
};

// An IPv4 or IPv6 literal (no scope, no prefix) with a port; nullopt when it is neither.
std::optional<SocketAddress> parse_address(const std::string& literal, uint16_t port = 0);

// From what recvfrom/getpeername filled in.
SocketAddress from_sockaddr(const sockaddr* address, socklen_t length);

// Canonical text of a raw IPv4 (4 bytes) or IPv6 (16 bytes) address.
std::string address_text(int family, const void* raw);

}  // namespace nswire::probe
