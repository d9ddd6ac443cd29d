// tcpdump filter expressions compiled by libpcap (see filter.h).
#include "nswire/capture/filter.h"

#include "nswire/error.h"

#include <pcap/pcap.h>

#include <memory>

namespace nswire::capture {

Filter compile_filter(const std::string& expression, std::uint32_t snaplen) {
  Filter f{expression, {}};
  if (expression.empty()) return f;
  std::unique_ptr<pcap_t, decltype(&pcap_close)> dead(pcap_open_dead(DLT_EN10MB, static_cast<int>(snaplen)), &pcap_close);
  if (!dead) throw Error("capture filter \"" + expression + "\": pcap_open_dead failed");
  bpf_program program{};
  if (pcap_compile(dead.get(), &program, expression.c_str(), /*optimize=*/1, PCAP_NETMASK_UNKNOWN) != 0)
    throw Error("capture filter \"" + expression + "\": " + pcap_geterr(dead.get()));
  for (unsigned i = 0; i < program.bf_len; ++i) {
    const bpf_insn& in = program.bf_insns[i];
    f.program.push_back(sock_filter{in.code, in.jt, in.jf, in.k});
  }
  pcap_freecode(&program);
  return f;
}

}  // namespace nswire::capture
