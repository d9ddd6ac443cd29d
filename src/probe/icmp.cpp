// See icmp.h. Layouts: RFC 792 (ICMP), RFC 4443 (ICMPv6), RFC 791 / RFC 8200 (IP headers).
#include "icmp.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <iterator>

#include "address.h"

namespace nswire::probe::icmp {
namespace {

constexpr uint8_t kEchoRequest4 = 8, kEchoReply4 = 0, kUnreachable4 = 3, kTimeExceeded4 = 11;
constexpr uint8_t kEchoRequest6 = 128, kEchoReply6 = 129, kUnreachable6 = 1, kTooBig6 = 2, kTimeExceeded6 = 3;
constexpr std::size_t kIcmpHeader = 8;   // type, code, checksum, id, seq
constexpr std::size_t kIpv6Header = 40;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// The IPv4 header at data: its length, or 0 when it is not a plausible IPv4 header.
std::size_t ipv4_header_length(const uint8_t* data, std::size_t length) {
  if (length < 20 || (data[0] >> 4) != 4) return 0;
  std::size_t ihl = static_cast<std::size_t>(data[0] & 0x0f) * 4;
  return ihl >= 20 && ihl <= length ? ihl : 0;
}

// An error message quotes the offending packet: its IP header and at least its first 8 bytes
// (RFC 792; ICMPv6 quotes as much as fits). Fills id/seq/original_destination when that packet
// was an ICMP echo request.
bool parse_quoted_echo(int family, const uint8_t* quoted, std::size_t length, Message& m) {
  if (family == AF_INET) {
    std::size_t ihl = ipv4_header_length(quoted, length);
    if (ihl == 0 || quoted[9] != IPPROTO_ICMP || length < ihl + kIcmpHeader) return false;
    if (quoted[ihl] != kEchoRequest4) return false;
    m.original_destination = address_text(AF_INET, quoted + 16);
    m.id = be16(quoted + ihl + 4);
    m.seq = be16(quoted + ihl + 6);
    return true;
  }
  // IPv6: our requests carry no extension headers, so ICMPv6 follows the fixed header directly.
  if (length < kIpv6Header + kIcmpHeader || (quoted[0] >> 4) != 6 || quoted[6] != IPPROTO_ICMPV6) return false;
  if (quoted[kIpv6Header] != kEchoRequest6) return false;
  m.original_destination = address_text(AF_INET6, quoted + 24);
  m.id = be16(quoted + kIpv6Header + 4);
  m.seq = be16(quoted + kIpv6Header + 6);
  return true;
}

}  // namespace

uint16_t checksum(const uint8_t* data, std::size_t length) {
  uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < length; i += 2) sum += be16(data + i);
  if (length % 2) sum += static_cast<uint32_t>(data[length - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::vector<uint8_t> echo_request(int family, uint16_t id, uint16_t seq, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> p(kIcmpHeader + payload.size());
  p[0] = family == AF_INET ? kEchoRequest4 : kEchoRequest6;
  p[4] = static_cast<uint8_t>(id >> 8);
  p[5] = static_cast<uint8_t>(id);
  p[6] = static_cast<uint8_t>(seq >> 8);
  p[7] = static_cast<uint8_t>(seq);
  std::copy(payload.begin(), payload.end(), p.begin() + kIcmpHeader);
  if (family == AF_INET) {
    uint16_t sum = checksum(p.data(), p.size());
    p[2] = static_cast<uint8_t>(sum >> 8);
    p[3] = static_cast<uint8_t>(sum);
  }
  return p;
}

std::optional<Message> parse(int family, const uint8_t* data, std::size_t length) {
  if (family == AF_INET) {
    std::size_t ihl = ipv4_header_length(data, length);
    if (ihl == 0 || data[9] != IPPROTO_ICMP) return std::nullopt;
    data += ihl;
    length -= ihl;
  }
  if (length < kIcmpHeader) return std::nullopt;
  // The kernel verifies ICMPv6 checksums before raw delivery, not ICMPv4 ones.
  if (family == AF_INET && checksum(data, length) != 0) return std::nullopt;
  Message m;
  m.type = data[0];
  m.code = data[1];
  const uint8_t echo_reply = family == AF_INET ? kEchoReply4 : kEchoReply6;
  if (m.type == echo_reply) {
    m.kind = Message::Kind::echo_reply;
    m.id = be16(data + 4);
    m.seq = be16(data + 6);
    m.payload.assign(data + kIcmpHeader, data + length);
    return m;
  }
  if (family == AF_INET) {
    if (m.type == kUnreachable4) m.kind = Message::Kind::unreachable;
    else if (m.type == kTimeExceeded4) m.kind = Message::Kind::time_exceeded;
    else return std::nullopt;
  } else {
    if (m.type == kUnreachable6) m.kind = Message::Kind::unreachable;
    else if (m.type == kTimeExceeded6) m.kind = Message::Kind::time_exceeded;
    else if (m.type == kTooBig6) m.kind = Message::Kind::packet_too_big;
    else return std::nullopt;
  }
  if (!parse_quoted_echo(family, data + kIcmpHeader, length - kIcmpHeader, m)) return std::nullopt;
  return m;
}

std::string reason(int family, uint8_t type, uint8_t code) {
  if (family == AF_INET && type == kUnreachable4) {
    static const char* const kCodes[] = {"network unreachable", "host unreachable", "protocol unreachable",
                                         "port unreachable", "fragmentation needed", "source route failed",
                                         "destination network unknown", "destination host unknown",
                                         "source host isolated", "network administratively prohibited",
                                         "host administratively prohibited", "network unreachable for TOS",
                                         "host unreachable for TOS", "communication administratively prohibited",
                                         "host precedence violation", "precedence cutoff in effect"};
    if (code < std::size(kCodes)) return kCodes[code];
  } else if (family == AF_INET && type == kTimeExceeded4) {
    return code == 0 ? "TTL exceeded in transit" : "fragment reassembly time exceeded";
  } else if (family == AF_INET6 && type == kUnreachable6) {
    static const char* const kCodes[] = {"no route to destination", "communication administratively prohibited",
                                         "beyond scope of source address", "address unreachable",
                                         "port unreachable", "source address failed ingress/egress policy",
                                         "reject route to destination", "error in source routing header"};
    if (code < std::size(kCodes)) return kCodes[code];
  } else if (family == AF_INET6 && type == kTimeExceeded6) {
    return code == 0 ? "hop limit exceeded in transit" : "fragment reassembly time exceeded";
  } else if (family == AF_INET6 && type == kTooBig6) {
    return "packet too big";
  }
  return "type " + std::to_string(type) + " code " + std::to_string(code);
}

}  // namespace nswire::probe::icmp
