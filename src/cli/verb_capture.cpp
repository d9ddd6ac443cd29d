// `nswire capture FILE NODE:IF`: packets of one interface of a lab's node, captured inside its
// namespace (an AF_PACKET socket, no tcpdump), written as classic pcap that tcpdump -r and
// Wireshark read: to a file (-w out.pcap) or to stdout (-w -, for `| wireshark -k -i -`). It stops
// after --count packets, --duration, or on Ctrl-C (SIGINT/SIGTERM), and says on stderr how many
// packets it wrote and why it stopped (--json: that as one JSON object).
#include "common.h"

#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "nswire/capture/capture.h"
#include "nswire/netlink/units.h"
#include "nswire/netns/namespace.h"

namespace nswire::cli {
namespace {

struct CaptureArgs {
  std::string target;             // NODE:IF or host:IF
  std::string write = "-";        // pcap file, or "-" for stdout
  std::optional<uint64_t> count;
  std::string duration;           // "10s", "500ms", or plain seconds
  std::string filter;             // tcpdump syntax
  uint32_t snaplen = 262144;
};

const capture::Stop* g_stop = nullptr;
extern "C" void on_signal(int) {
  if (g_stop) g_stop->raise();
}

const char* reason_text(capture::CaptureResult::Reason r) {
  switch (r) {
    case capture::CaptureResult::Reason::Count: return "count";
    case capture::CaptureResult::Reason::Duration: return "duration";
    case capture::CaptureResult::Reason::Stopped: return "stopped";
  }
  return "?";
}

int cmd_capture(const Common& c, const CaptureArgs& a) {
  auto lab = load(c, false);
  if (!lab) return kInvalid;
  auto colon = a.target.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == a.target.size()) {
    std::cerr << "nswire: capture: \"" << a.target << "\" is not NODE:IF (or host:IF)\n";
    return kInvalid;
  }
  std::string node = a.target.substr(0, colon), ifname = a.target.substr(colon + 1);
  const model::Node* n = node == "host" ? nullptr : model::find_node(*lab, node);
  if (node != "host" && !n) {
    std::cerr << "nswire: capture: no node \"" << node << "\" in lab \"" << lab->name << "\"\n";
    return kInvalid;
  }
  capture::CaptureOptions options;
  options.count = a.count;
  if (!a.duration.empty()) {
    bool plain = a.duration.find_first_not_of("0123456789") == std::string::npos;
    auto d = netlink::parse_duration(plain ? a.duration + "s" : a.duration);
    if (!d.ok()) {
      std::cerr << "nswire: capture: --duration \"" << a.duration << "\": " << d.problem << "\n";
      return kInvalid;
    }
    options.duration = std::chrono::duration_cast<std::chrono::milliseconds>(d.value);
  }
  if (a.write == "-" && isatty(STDOUT_FILENO)) {
    std::cerr << "nswire: capture: pcap is binary; write it to a file (-w out.pcap) or pipe stdout into a reader\n";
    return kInvalid;
  }
  capture::Filter filter;
  if (!a.filter.empty()) filter = capture::compile_filter(a.filter, a.snaplen);

  auto socket = [&] {
    if (!n) return capture::PacketSocket::open(ifname, filter);
    if (n->attach.kind == model::AttachKind::pid)
      return capture::PacketSocket::open(netns::Namespace::of_pid(n->attach.pid), ifname, filter);
    if (n->attach.kind == model::AttachKind::path)
      return capture::PacketSocket::open(netns::Namespace::open_path(n->attach.path), ifname, filter);
    if (!netns::exists(node)) throw Error("capture " + a.target + ": node \"" + node + "\" is not up (no namespace; run `nswire up`)");
    return capture::PacketSocket::open(netns::Namespace::open_named(node), ifname, filter);
  }();
  auto out = a.write == "-" ? capture::PcapWriter::borrow(STDOUT_FILENO, a.snaplen)
                            : capture::PcapWriter::create(a.write, a.snaplen);

  capture::Stop stop;
  g_stop = &stop;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  options.stop = &stop;
  std::cerr << "nswire: capturing on " << a.target << (a.filter.empty() ? "" : " (" + a.filter + ")")
            << "; Ctrl-C stops\n"
            << std::flush;
  auto result = capture::capture(socket, out, options);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  g_stop = nullptr;

  if (c.json) {
    nlohmann::json j{{"interface", a.target},
                     {"file", a.write},
                     {"packets", result.packets},
                     {"kernel_drops", result.kernel_drops},
                     {"stopped_by", reason_text(result.reason)}};
    (a.write == "-" ? std::cerr : std::cout) << j.dump() << "\n";
  } else {
    std::cerr << "nswire: " << result.packets << " packet" << (result.packets == 1 ? "" : "s") << " captured on "
              << a.target << " (stopped by " << reason_text(result.reason) << ")";
    if (result.kernel_drops) std::cerr << ", " << result.kernel_drops << " dropped by the kernel";
    std::cerr << "\n";
  }
  return kOk;
}

}  // namespace

Verb add_capture(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("capture", "capture packets of a node's interface to pcap (tcpdump/Wireshark)");
  add_common(cmd, c);
  static CaptureArgs a;
  cmd->add_option("NODE:IF", a.target, "the interface, as NODE:IF (host:IF for the host namespace)")->required();
  cmd->add_option("-w,--write", a.write, "pcap file to write, or - for stdout (the default)");
  cmd->add_option("-c,--count", a.count, "stop after this many packets");
  cmd->add_option("--duration", a.duration, "stop after this long (10s, 500ms; plain numbers are seconds)");
  cmd->add_option("-f,--filter", a.filter, "capture filter in tcpdump syntax (\"icmp\", \"tcp port 80\")");
  cmd->add_option("-s,--snaplen", a.snaplen, "bytes kept of each packet")->check(CLI::Range(64u, 262144u));
  return {cmd, [&c] { return cmd_capture(c, a); }};
}

}  // namespace nswire::cli
