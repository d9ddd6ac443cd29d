// Capture filters in tcpdump's language ("icmp", "tcp port 80 and host 10.0.0.1"), compiled to
// a classic BPF program by libpcap (pcap_compile on a dead Ethernet handle, no capture device)
// for the kernel to run on a packet socket (SO_ATTACH_FILTER).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nswire::capture {

struct Filter {
  std::string expression;
  std::vector<sock_filter> program;  // empty: accept everything
};

// Throws nswire::Error with libpcap's message ("capture filter \"icmpx\": ...") when the
// expression is not valid tcpdump syntax. An empty expression gives an empty program.
Filter compile_filter(const std::string& expression, std::uint32_t snaplen = 262144);

}  // namespace nswire::capture
