// The pcap writer's bytes: the 24-byte global header and 16-byte record headers laid out as
// libpcap's savefile format says, packets cut at snaplen with their original length kept, and
// libpcap itself (pcap_open_offline, an independent reader) reading the file back.
#include "nswire/capture/pcap_writer.h"

#include "nswire/error.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace nswire::capture;
using namespace std::chrono_literals;

namespace {

template <typename T>
T at(const std::string& bytes, std::size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".pcap")).string();
}

TEST(PcapWriter, GlobalHeaderIsLibpcapsSavefileHeader) {
  std::string h = file_header_bytes(65535, kLinkTypeEthernet);
  ASSERT_EQ(h.size(), kPcapHeaderSize);
  EXPECT_EQ(at<std::uint32_t>(h, 0), 0xa1b2c3d4u);  // magic, host order: readers swap if needed
  EXPECT_EQ(at<std::uint16_t>(h, 4), 2);           // version 2.4
  EXPECT_EQ(at<std::uint16_t>(h, 6), 4);
  EXPECT_EQ(at<std::int32_t>(h, 8), 0);            // thiszone
  EXPECT_EQ(at<std::uint32_t>(h, 12), 0u);         // sigfigs
  EXPECT_EQ(at<std::uint32_t>(h, 16), 65535u);     // snaplen
  EXPECT_EQ(at<std::uint32_t>(h, 20), 1u);         // LINKTYPE_ETHERNET
  // On this little-endian machine the magic is d4 c3 b2 a1 on disk, as tcpdump writes it.
  EXPECT_EQ(static_cast<unsigned char>(h[0]), 0xd4);
}

TEST(PcapWriter, RecordHeaderHasSecondsMicrosecondsAndBothLengths) {
  std::string r = record_header_bytes(1700000000s + 123456789ns, 60, 1514);
  ASSERT_EQ(r.size(), kPcapRecordHeaderSize);
  EXPECT_EQ(at<std::uint32_t>(r, 0), 1700000000u);
  EXPECT_EQ(at<std::uint32_t>(r, 4), 123456u);  // microseconds, truncated
  EXPECT_EQ(at<std::uint32_t>(r, 8), 60u);
  EXPECT_EQ(at<std::uint32_t>(r, 12), 1514u);
}

TEST(PcapWriter, FileLayoutAndSnaplenCut) {
  std::string path = temp_path("writer");
  std::vector<std::uint8_t> small(42, 0xab), big(200);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  {
    auto w = PcapWriter::create(path, 100);
    w.write(10s + 5us, small, 42);
    w.write(11s, big, 200);
    EXPECT_EQ(w.packets(), 2u);
  }
  std::string bytes = slurp(path);
  ASSERT_EQ(bytes.size(), kPcapHeaderSize + 2 * kPcapRecordHeaderSize + 42 + 100);
  std::size_t r1 = kPcapHeaderSize;
  EXPECT_EQ(at<std::uint32_t>(bytes, r1), 10u);
  EXPECT_EQ(at<std::uint32_t>(bytes, r1 + 4), 5u);
  EXPECT_EQ(at<std::uint32_t>(bytes, r1 + 8), 42u);
  EXPECT_EQ(at<std::uint32_t>(bytes, r1 + 12), 42u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[r1 + 16]), 0xab);
  std::size_t r2 = r1 + kPcapRecordHeaderSize + 42;
  EXPECT_EQ(at<std::uint32_t>(bytes, r2 + 8), 100u);   // captured: cut at snaplen
  EXPECT_EQ(at<std::uint32_t>(bytes, r2 + 12), 200u);  // original length kept
  EXPECT_EQ(static_cast<unsigned char>(bytes[r2 + 16 + 99]), 99);

  // libpcap reads it back.
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  ASSERT_NE(p, nullptr) << err;
  EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
  EXPECT_EQ(pcap_snapshot(p), 100);
  pcap_pkthdr* hdr;
  const u_char* data;
  ASSERT_EQ(pcap_next_ex(p, &hdr, &data), 1);
  EXPECT_EQ(hdr->caplen, 42u);
  EXPECT_EQ(hdr->ts.tv_sec, 10);
  EXPECT_EQ(hdr->ts.tv_usec, 5);
  ASSERT_EQ(pcap_next_ex(p, &hdr, &data), 1);
  EXPECT_EQ(hdr->caplen, 100u);
  EXPECT_EQ(hdr->len, 200u);
  EXPECT_EQ(pcap_next_ex(p, &hdr, &data), PCAP_ERROR_BREAK);  // end of file
  pcap_close(p);
  std::filesystem::remove(path);
}

TEST(PcapWriter, BorrowedFdGetsTheStreamAndStaysOpen) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    auto w = PcapWriter::borrow(fds[1], 1500);
    std::vector<std::uint8_t> frame(60, 1);
    w.write(1s, frame, 60);
  }
  // The writer is gone, the fd is not: it still takes writes.
  EXPECT_EQ(::write(fds[1], "x", 1), 1);
  ::close(fds[1]);
  std::string stream;
  char buf[256];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) stream.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ASSERT_EQ(stream.size(), kPcapHeaderSize + kPcapRecordHeaderSize + 60 + 1);
  EXPECT_EQ(stream.substr(0, kPcapHeaderSize), file_header_bytes(1500, kLinkTypeEthernet));
  EXPECT_EQ(stream.substr(kPcapHeaderSize, kPcapRecordHeaderSize), record_header_bytes(1s, 60, 60));
  EXPECT_EQ(stream.back(), 'x');
}

TEST(PcapWriter, UnwritablePathIsAnErrorNamingIt) {
  try {
    PcapWriter::create("/nonexistent-dir/x.pcap", 100);
    FAIL();
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.pcap"), std::string::npos) << e.what();
  }
}

}  // namespace
