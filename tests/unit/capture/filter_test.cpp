// tcpdump filter expressions compiled to classic BPF: a valid expression gives a program that
// ends in a return, the same program libpcap gives tcpdump (pcap_compile, checked by running
// it with pcap_offline_filter on hand-made frames), and bad syntax is an error quoting it.
#include "nswire/capture/filter.h"

#include "nswire/error.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <vector>

using namespace nswire::capture;

namespace {

// An Ethernet + IPv4 frame with the given IP protocol (1 ICMP, 6 TCP, 17 UDP).
std::vector<u_char> ipv4_frame(std::uint8_t protocol) {
  std::vector<u_char> f(14 + 20 + 8, 0);
  f[12] = 0x08;  // EtherType IPv4
  f[13] = 0x00;
  f[14] = 0x45;  // version 4, IHL 5
  f[16] = 0;
  f[17] = 28;  // total length
  f[22] = 64;  // TTL
  f[23] = protocol;
  f[26] = 10, f[29] = 1;  // 10.0.0.1
  f[30] = 10, f[33] = 2;  // 10.0.0.2
  return f;
}

bool accepts(const Filter& f, const std::vector<u_char>& frame) {
  bpf_program prog{static_cast<u_int>(f.program.size()), reinterpret_cast<bpf_insn*>(const_cast<sock_filter*>(f.program.data()))};
  pcap_pkthdr h{};
  h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
  return pcap_offline_filter(&prog, &h, frame.data()) != 0;
}

TEST(CaptureFilter, IcmpKeepsIcmpOnly) {
  Filter f = compile_filter("icmp");
  ASSERT_FALSE(f.program.empty());
  EXPECT_EQ(f.program.back().code & 0x07, BPF_RET);
  EXPECT_TRUE(accepts(f, ipv4_frame(1)));
  EXPECT_FALSE(accepts(f, ipv4_frame(6)));
  EXPECT_FALSE(accepts(f, ipv4_frame(17)));
}

TEST(CaptureFilter, HostAndProtocolCombine) {
  Filter f = compile_filter("udp and src host 10.0.0.1");
  EXPECT_TRUE(accepts(f, ipv4_frame(17)));
  EXPECT_FALSE(accepts(f, ipv4_frame(1)));
  EXPECT_FALSE(accepts(compile_filter("src host 10.0.0.9"), ipv4_frame(17)));
}

TEST(CaptureFilter, EmptyExpressionAcceptsEverythingWithoutAProgram) {
  EXPECT_TRUE(compile_filter("").program.empty());
}

TEST(CaptureFilter, BadSyntaxIsAnErrorQuotingTheExpression) {
  try {
    compile_filter("icmpx or");
    FAIL();
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("capture filter \"icmpx or\": "), std::string::npos) << e.what();
  }
}

}  // namespace
