// Classic pcap output (the libpcap savefile format that tcpdump -r and Wireshark read): one
// global header (magic a1b2c3d4 written in host order, version 2.4, snaplen, link type), then a
// record header (seconds, microseconds, captured length, original length) before each packet.
// It writes to a file descriptor it may own (a file) or borrow (stdout, for piping into
// `wireshark -k -i -`), flushing each packet so a reader on a pipe sees it at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace nswire::capture {

inline constexpr std::uint32_t kPcapMagic = 0xa1b2c3d4;  // microsecond timestamps
inline constexpr std::uint32_t kLinkTypeEthernet = 1;    // LINKTYPE_ETHERNET (DLT_EN10MB)
inline constexpr std::size_t kPcapHeaderSize = 24;
inline constexpr std::size_t kPcapRecordHeaderSize = 16;

class PcapWriter {
 public:
  // Creates (truncates) path, mode 0644. Throws nswire::Error naming the file.
  static PcapWriter create(const std::string& path, std::uint32_t snaplen, std::uint32_t linktype = kLinkTypeEthernet);
  // Writes to fd, which stays the caller's (not closed).
  static PcapWriter borrow(int fd, std::uint32_t snaplen, std::uint32_t linktype = kLinkTypeEthernet);

  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter();

  // One packet: `data` as captured (at most snaplen bytes are kept), `original_length` as it was
  // on the wire, `when` since the Unix epoch.
  void write(std::chrono::nanoseconds when, std::span<const std::uint8_t> data, std::uint32_t original_length);

  std::uint32_t snaplen() const { return snaplen_; }
  std::uint64_t packets() const { return packets_; }

 private:
  PcapWriter(int fd, bool owned, std::uint32_t snaplen, std::uint32_t linktype, std::string name);
  void write_all(const void* data, std::size_t size);

  int fd_ = -1;
  bool owned_ = false;
  std::uint32_t snaplen_ = 0;
  std::uint64_t packets_ = 0;
  std::string name_;
};

// The 24-byte global header and a 16-byte record header, exactly as written (host byte order).
std::string file_header_bytes(std::uint32_t snaplen, std::uint32_t linktype);
std::string record_header_bytes(std::chrono::nanoseconds when, std::uint32_t captured, std::uint32_t original);

}  // namespace nswire::capture
