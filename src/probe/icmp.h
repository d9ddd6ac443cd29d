// ICMP and ICMPv6 echo messages as raw sockets send and receive them: building echo requests and
// parsing echo replies and the errors (destination unreachable, time exceeded) that quote one of
// our requests. Pure functions on bytes, so every parse rule is unit-tested without a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nswire::probe::icmp {

// RFC 1071 Internet checksum (one's complement of the one's complement sum).
uint16_t checksum(const uint8_t* data, std::size_t length);

// An echo request (ICMP type 8 / ICMPv6 type 128). IPv4 carries its checksum; IPv6 leaves it 0,
// since the kernel computes the ICMPv6 checksum (it covers a pseudo-header) on raw sockets.
std::vector<uint8_t> echo_request(int family, uint16_t id, uint16_t seq, const std::vector<uint8_t>& payload);

struct Message {
  enum class Kind { echo_reply, unreachable, time_exceeded, packet_too_big };
  Kind kind = Kind::echo_reply;
  uint8_t type = 0;
  uint8_t code = 0;
  uint16_t id = 0;   // of the echo (for errors: of the quoted echo request)
  uint16_t seq = 0;
  std::vector<uint8_t> payload;  // echo reply data
  std::string original_destination;  // errors: where the quoted echo request was going
};

// What a raw socket delivers: for AF_INET, the IPv4 header followed by ICMP; for AF_INET6, the
// ICMPv6 message alone. nullopt for anything that is not an echo reply or an error quoting an
// echo request (other ICMP types, truncated or malformed packets, bad IPv4 checksum).
std::optional<Message> parse(int family, const uint8_t* data, std::size_t length);

// "host unreachable", "port unreachable", "administratively prohibited", ... for an error type
// and code of that family; "type T code C" when unknown.
std::string reason(int family, uint8_t type, uint8_t code);

}  // namespace nswire::probe::icmp
