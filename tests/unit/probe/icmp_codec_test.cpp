// The ICMP/ICMPv6 codec against hand-built packets: what a raw socket would hand us.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "icmp.h"

namespace nswire::probe::icmp {
namespace {

std::vector<uint8_t> ipv4_header(const char* src, const char* dst, uint8_t protocol, std::size_t payload) {
  std::vector<uint8_t> h(20);
  h[0] = 0x45;
  const auto total = static_cast<uint16_t>(20 + payload);
  h[2] = static_cast<uint8_t>(total >> 8);
  h[3] = static_cast<uint8_t>(total);
  h[8] = 64;
  h[9] = protocol;
  inet_pton(AF_INET, src, &h[12]);
  inet_pton(AF_INET, dst, &h[16]);
  const uint16_t sum = checksum(h.data(), h.size());
  h[10] = static_cast<uint8_t>(sum >> 8);
  h[11] = static_cast<uint8_t>(sum);
  return h;
}

std::vector<uint8_t> ipv6_header(const char* src, const char* dst, std::size_t payload) {
  std::vector<uint8_t> h(40);
  h[0] = 0x60;
  h[4] = static_cast<uint8_t>(payload >> 8);
  h[5] = static_cast<uint8_t>(payload);
  h[6] = IPPROTO_ICMPV6;
  h[7] = 64;
  inet_pton(AF_INET6, src, &h[8]);
  inet_pton(AF_INET6, dst, &h[24]);
  return h;
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// An ICMPv4 error (type, code) quoting `quoted`, with a valid checksum.
std::vector<uint8_t> icmp4_error(uint8_t type, uint8_t code, const std::vector<uint8_t>& quoted) {
  std::vector<uint8_t> m(8);
  m[0] = type;
  m[1] = code;
  m = concat(m, quoted);
  const uint16_t sum = checksum(m.data(), m.size());
  m[2] = static_cast<uint8_t>(sum >> 8);
  m[3] = static_cast<uint8_t>(sum);
  return m;
}

TEST(IcmpChecksum, MatchesRfc1071Example) {
  // RFC 1071 section 3: the one's complement sum of these bytes is 0xddf2.
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum(data, sizeof data), static_cast<uint16_t>(~0xddf2));
}

TEST(IcmpChecksum, PadsOddLengthWithZero) {
  const uint8_t odd[] = {0x12, 0x34, 0x56};
  const uint8_t even[] = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(checksum(odd, 3), checksum(even, 4));
}

TEST(IcmpEchoRequest, Ipv4HasTypeIdSeqAndAValidChecksum) {
  auto p = echo_request(AF_INET, 0x1234, 0xabcd, {1, 2, 3, 4, 5});
  ASSERT_EQ(p.size(), 13u);
  EXPECT_EQ(p[0], 8);
  EXPECT_EQ(p[1], 0);
  EXPECT_EQ(p[4], 0x12);
  EXPECT_EQ(p[5], 0x34);
  EXPECT_EQ(p[6], 0xab);
  EXPECT_EQ(p[7], 0xcd);
  EXPECT_EQ(checksum(p.data(), p.size()), 0) << "a packet carrying its checksum sums to zero";
}

TEST(IcmpEchoRequest, Ipv6LeavesChecksumToTheKernel) {
  auto p = echo_request(AF_INET6, 7, 9, {0xff});
  EXPECT_EQ(p[0], 128);
  EXPECT_EQ(p[2], 0);
  EXPECT_EQ(p[3], 0);
}

TEST(IcmpParse, Ipv4EchoReplyAfterTheIpHeader) {
  auto reply = echo_request(AF_INET, 0x0102, 0x0304, {9, 8, 7});
  reply[0] = 0;  // echo reply
  reply[2] = reply[3] = 0;
  const uint16_t sum = checksum(reply.data(), reply.size());
  reply[2] = static_cast<uint8_t>(sum >> 8);
  reply[3] = static_cast<uint8_t>(sum);
  auto packet = concat(ipv4_header("10.0.0.2", "10.0.0.1", IPPROTO_ICMP, reply.size()), reply);
  auto m = parse(AF_INET, packet.data(), packet.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::echo_reply);
  EXPECT_EQ(m->id, 0x0102);
  EXPECT_EQ(m->seq, 0x0304);
  EXPECT_EQ(m->payload, (std::vector<uint8_t>{9, 8, 7}));
}

TEST(IcmpParse, Ipv4HeaderWithOptionsIsSkipped) {
  auto reply = echo_request(AF_INET, 5, 6, {});
  reply[0] = 0;
  reply[2] = reply[3] = 0;
  const uint16_t sum = checksum(reply.data(), reply.size());
  reply[2] = static_cast<uint8_t>(sum >> 8);
  reply[3] = static_cast<uint8_t>(sum);
  auto header = ipv4_header("10.0.0.2", "10.0.0.1", IPPROTO_ICMP, reply.size() + 4);
  header[0] = 0x46;  // IHL 6: one 4-byte option word follows
  header.insert(header.end(), {1, 1, 1, 0});
  auto packet = concat(header, reply);
  auto m = parse(AF_INET, packet.data(), packet.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 5);
  EXPECT_EQ(m->seq, 6);
}

TEST(IcmpParse, RejectsBadChecksumRequestsTruncationAndOtherProtocols) {
  auto reply = echo_request(AF_INET, 1, 2, {3});
  reply[0] = 0;  // checksum still that of the request: now wrong
  auto bad = concat(ipv4_header("10.0.0.2", "10.0.0.1", IPPROTO_ICMP, reply.size()), reply);
  EXPECT_FALSE(parse(AF_INET, bad.data(), bad.size()));

  auto request = echo_request(AF_INET, 1, 2, {3});
  auto own = concat(ipv4_header("10.0.0.1", "10.0.0.1", IPPROTO_ICMP, request.size()), request);
  EXPECT_FALSE(parse(AF_INET, own.data(), own.size())) << "an echo request is not a reply";

  EXPECT_FALSE(parse(AF_INET, own.data(), 24)) << "truncated ICMP header";
  EXPECT_FALSE(parse(AF_INET, own.data(), 10)) << "truncated IP header";
  auto udp = concat(ipv4_header("10.0.0.2", "10.0.0.1", IPPROTO_UDP, request.size()), request);
  EXPECT_FALSE(parse(AF_INET, udp.data(), udp.size()));
}

TEST(IcmpParse, Ipv4HostUnreachableQuotesOurRequest) {
  auto request = echo_request(AF_INET, 0x4242, 17, std::vector<uint8_t>(56));
  auto quoted = concat(ipv4_header("10.0.0.1", "10.9.9.9", IPPROTO_ICMP, request.size()), request);
  quoted.resize(28);  // RFC 792 guarantees only the IP header and 8 bytes
  auto error = icmp4_error(3, 1, quoted);
  auto packet = concat(ipv4_header("10.0.0.254", "10.0.0.1", IPPROTO_ICMP, error.size()), error);
  auto m = parse(AF_INET, packet.data(), packet.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::unreachable);
  EXPECT_EQ(m->code, 1);
  EXPECT_EQ(m->id, 0x4242);
  EXPECT_EQ(m->seq, 17);
  EXPECT_EQ(m->original_destination, "10.9.9.9");
  EXPECT_EQ(reason(AF_INET, m->type, m->code), "host unreachable");
}

TEST(IcmpParse, Ipv4ErrorAboutSomethingElseIsIgnored) {
  std::vector<uint8_t> udp_header(8);
  auto quoted = concat(ipv4_header("10.0.0.1", "10.9.9.9", IPPROTO_UDP, 8), udp_header);
  auto error = icmp4_error(3, 3, quoted);
  auto packet = concat(ipv4_header("10.9.9.9", "10.0.0.1", IPPROTO_ICMP, error.size()), error);
  EXPECT_FALSE(parse(AF_INET, packet.data(), packet.size()));
}

TEST(IcmpParse, Ipv4TimeExceeded) {
  auto request = echo_request(AF_INET, 1, 2, {});
  auto error = icmp4_error(11, 0, concat(ipv4_header("10.0.0.1", "10.8.0.1", IPPROTO_ICMP, 8), request));
  auto packet = concat(ipv4_header("10.0.0.254", "10.0.0.1", IPPROTO_ICMP, error.size()), error);
  auto m = parse(AF_INET, packet.data(), packet.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::time_exceeded);
  EXPECT_EQ(reason(AF_INET, m->type, m->code), "TTL exceeded in transit");
}

TEST(IcmpParse, Ipv6EchoReplyHasNoIpHeader) {
  auto reply = echo_request(AF_INET6, 0xbeef, 0xcafe, {1, 2});
  reply[0] = 129;
  auto m = parse(AF_INET6, reply.data(), reply.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::echo_reply);
  EXPECT_EQ(m->id, 0xbeef);
  EXPECT_EQ(m->seq, 0xcafe);
  EXPECT_EQ(m->payload, (std::vector<uint8_t>{1, 2}));
}

TEST(IcmpParse, Ipv6AddressUnreachableQuotesOurRequest) {
  auto request = echo_request(AF_INET6, 3, 4, std::vector<uint8_t>(56));
  auto quoted = concat(ipv6_header("fd00::1", "fd00::0099", request.size()), request);
  std::vector<uint8_t> error{1, 3, 0, 0, 0, 0, 0, 0};
  error = concat(error, quoted);
  auto m = parse(AF_INET6, error.data(), error.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::unreachable);
  EXPECT_EQ(m->id, 3);
  EXPECT_EQ(m->seq, 4);
  EXPECT_EQ(m->original_destination, "fd00::99") << "canonical text";
  EXPECT_EQ(reason(AF_INET6, m->type, m->code), "address unreachable");
}

TEST(IcmpParse, Ipv6RejectsRequestsAndTruncatedQuotes) {
  auto request = echo_request(AF_INET6, 3, 4, {});
  EXPECT_FALSE(parse(AF_INET6, request.data(), request.size()));
  std::vector<uint8_t> error{1, 0, 0, 0, 0, 0, 0, 0};
  auto quoted = concat(ipv6_header("fd00::1", "fd00::2", 8), request);
  error = concat(error, quoted);
  EXPECT_FALSE(parse(AF_INET6, error.data(), error.size() - 1));
  EXPECT_TRUE(parse(AF_INET6, error.data(), error.size()));
}

TEST(IcmpReason, NamesCommonCodesAndFallsBackToNumbers) {
  EXPECT_EQ(reason(AF_INET, 3, 0), "network unreachable");
  EXPECT_EQ(reason(AF_INET, 3, 3), "port unreachable");
  EXPECT_EQ(reason(AF_INET, 3, 13), "communication administratively prohibited");
  EXPECT_EQ(reason(AF_INET6, 1, 0), "no route to destination");
  EXPECT_EQ(reason(AF_INET6, 1, 1), "communication administratively prohibited");
  EXPECT_EQ(reason(AF_INET6, 1, 4), "port unreachable");
  EXPECT_EQ(reason(AF_INET6, 2, 0), "packet too big");
  EXPECT_EQ(reason(AF_INET, 3, 99), "type 3 code 99");
}

}  // namespace
}  // namespace nswire::probe::icmp
