// Packet capture inside a node's namespace without tcpdump: an AF_PACKET socket opened in the
// namespace (it stays bound to it; netns::run_in), bound to one interface, with an optional
// tcpdump-syntax filter run by the kernel, writing classic pcap (pcap_writer.h) until a packet
// count, a duration, or a Stop raised from a signal handler (Ctrl-C), whichever comes first.
#pragma once

#include "nswire/capture/filter.h"
#include "nswire/capture/pcap_writer.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace nswire::netns {
class Namespace;
}

namespace nswire::capture {

// A stop request that a signal handler may raise: raise() is one write(2) to an eventfd, which
// is async-signal-safe; the capture loop polls the eventfd, so it wakes at once.
class Stop {
 public:
  Stop();
  ~Stop();
  Stop(const Stop&) = delete;
  Stop& operator=(const Stop&) = delete;

  void raise() const noexcept;
  bool raised() const;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

class PacketSocket {
 public:
  // Opens a packet socket inside `ns`, bound to `interface` there. The filter is attached
  // before the socket is bound, so nothing it rejects is ever queued. Throws nswire::Error
  // naming the interface and the namespace.
  static PacketSocket open(const netns::Namespace& ns, const std::string& interface, const Filter& filter = {},
                           bool promiscuous = true);
  // The same in the calling thread's namespace.
  static PacketSocket open(const std::string& interface, const Filter& filter = {}, bool promiscuous = true);

  PacketSocket(PacketSocket&& other) noexcept;
  PacketSocket& operator=(PacketSocket&& other) noexcept;
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;
  ~PacketSocket();

  int fd() const { return fd_; }
  const std::string& interface() const { return interface_; }

 private:
  PacketSocket(int fd, std::string interface) : fd_(fd), interface_(std::move(interface)) {}
  int fd_ = -1;
  std::string interface_;
};

struct CaptureOptions {
  std::optional<std::uint64_t> count;                // stop after this many packets
  std::optional<std::chrono::milliseconds> duration;  // stop after this long
  const Stop* stop = nullptr;                         // stop when raised
};

struct CaptureResult {
  enum class Reason { Count, Duration, Stopped };
  std::uint64_t packets = 0;       // written to the pcap
  std::uint64_t kernel_drops = 0;  // the socket's queue was full (PACKET_STATISTICS)
  Reason reason = Reason::Stopped;
};

// Reads packets from `socket` into `out` until a stop condition of `options` holds. VLAN tags
// the kernel took off a frame (offload; PACKET_AUXDATA) are put back, as tcpdump does.
CaptureResult capture(const PacketSocket& socket, PcapWriter& out, const CaptureOptions& options);

}  // namespace nswire::capture
