// Classic pcap writer (see pcap_writer.h). Layout from libpcap's savefile format (pcap/pcap.h:
// struct pcap_file_header, struct pcap_sf_pkthdr): all fields in the writer's byte order, which
// readers detect from the magic number.
#include "nswire/capture/pcap_writer.h"

#include "nswire/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace nswire::capture {
namespace {

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

}  // namespace

std::string file_header_bytes(std::uint32_t snaplen, std::uint32_t linktype) {
  std::string h;
  put<std::uint32_t>(h, kPcapMagic);
  put<std::uint16_t>(h, 2);  // version_major
  put<std::uint16_t>(h, 4);  // version_minor
  put<std::int32_t>(h, 0);   // thiszone: timestamps are UTC
  put<std::uint32_t>(h, 0);  // sigfigs
  put<std::uint32_t>(h, snaplen);
  put<std::uint32_t>(h, linktype);
  return h;
}

std::string record_header_bytes(std::chrono::nanoseconds when, std::uint32_t captured, std::uint32_t original) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(when).count();
  std::string h;
  put<std::uint32_t>(h, static_cast<std::uint32_t>(us / 1000000));
  put<std::uint32_t>(h, static_cast<std::uint32_t>(us % 1000000));
  put<std::uint32_t>(h, captured);
  put<std::uint32_t>(h, original);
  return h;
}

PcapWriter PcapWriter::create(const std::string& path, std::uint32_t snaplen, std::uint32_t linktype) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(errno_message("create capture file", path, errno));
  return PcapWriter(fd, true, snaplen, linktype, path);
}

PcapWriter PcapWriter::borrow(int fd, std::uint32_t snaplen, std::uint32_t linktype) {
  return PcapWriter(fd, false, snaplen, linktype, "fd " + std::to_string(fd));
}

PcapWriter::PcapWriter(int fd, bool owned, std::uint32_t snaplen, std::uint32_t linktype, std::string name)
    : fd_(fd), owned_(owned), snaplen_(snaplen), name_(std::move(name)) {
  try {
    std::string h = file_header_bytes(snaplen, linktype);
    write_all(h.data(), h.size());
  } catch (...) {
    if (owned_) ::close(fd_);
    throw;
  }
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), owned_(other.owned_), snaplen_(other.snaplen_), packets_(other.packets_),
      name_(std::move(other.name_)) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    if (owned_ && fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    owned_ = other.owned_;
    snaplen_ = other.snaplen_;
    packets_ = other.packets_;
    name_ = std::move(other.name_);
  }
  return *this;
}

PcapWriter::~PcapWriter() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

void PcapWriter::write_all(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(errno_message("write capture", name_, errno));
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void PcapWriter::write(std::chrono::nanoseconds when, std::span<const std::uint8_t> data, std::uint32_t original_length) {
  auto captured = static_cast<std::uint32_t>(std::min<std::size_t>(data.size(), snaplen_));
  // One write per packet (header and data together): a reader on a pipe never sees half a record.
  std::string record = record_header_bytes(when, captured, std::max(original_length, captured));
  record.append(reinterpret_cast<const char*>(data.data()), captured);
  write_all(record.data(), record.size());
  ++packets_;
}

}  // namespace nswire::capture
