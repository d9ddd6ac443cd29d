// Capture inside a namespace against the real kernel (in the test sandbox): pings between two
// namespaces joined by a veth pair, captured on one end with the filter "icmp", written as
// pcap and read back by `tcpdump -r` (the oracle); a count stops it, a Stop raised from a
// signal handler stops it, and a pipe gets a stream tcpdump reads as it comes.
#include "nswire/capture/capture.h"

#include "nswire/error.h"
#include "nswire/netns/namespace.h"
#include "oracle.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <sstream>
#include <thread>

using namespace nswire::capture;
using namespace std::chrono_literals;
namespace netns = nswire::netns;
using nswire::test::run;
using nswire::test::sh;

namespace {

// Two namespaces, cap-a (10.9.0.1) and cap-b (10.9.0.2), on one veth pair.
class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"ip", "netns", "add", "cap-a"}).exit_code, 0);
    ASSERT_EQ(run({"ip", "netns", "add", "cap-b"}).exit_code, 0);
    ASSERT_EQ(run({"ip", "-n", "cap-a", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", "cap-b"}).exit_code, 0);
    for (const auto& [ns, addr] : {std::pair{"cap-a", "10.9.0.1/24"}, {"cap-b", "10.9.0.2/24"}}) {
      ASSERT_EQ(run({"ip", "-n", ns, "addr", "add", addr, "dev", "eth0"}).exit_code, 0);
      ASSERT_EQ(run({"ip", "-n", ns, "link", "set", "eth0", "up"}).exit_code, 0);
      ASSERT_EQ(run({"ip", "-n", ns, "link", "set", "lo", "up"}).exit_code, 0);
    }
    ASSERT_TRUE(nswire::test::ping("cap-a", "10.9.0.2", 5));
    path_ = (std::filesystem::temp_directory_path() / ("capture-" + std::to_string(::getpid()) + ".pcap")).string();
  }
  void TearDown() override {
    run({"ip", "netns", "del", "cap-a"});
    run({"ip", "netns", "del", "cap-b"});
    std::filesystem::remove(path_);
  }

  // `tcpdump -r FILE -n -tt` lines.
  std::vector<std::string> tcpdump_read(const std::string& file, const std::string& filter = "") {
    std::vector<std::string> argv{"tcpdump", "-r", file, "-n"};
    if (!filter.empty()) argv.push_back(filter);
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) lines.push_back(l);
    return lines;
  }

  std::string path_;
};

TEST_F(CaptureTest, PingsCapturedWithAnIcmpFilterAreWhatTcpdumpReads) {
  auto ns = netns::Namespace::open_named("cap-b");
  auto socket = PacketSocket::open(ns, "eth0", compile_filter("icmp"));
  auto out = PcapWriter::create(path_, 262144);
  // Traffic the filter drops (ARP, a UDP datagram), the ICMP port unreachable that datagram
  // earns, and 4 pings (8 ICMP packets) from cap-a.
  auto traffic = std::async(std::launch::async, [] {
    run({"ip", "netns", "exec", "cap-a", "ip", "neigh", "flush", "dev", "eth0"});
    sh("ip netns exec cap-a bash -c 'echo x > /dev/udp/10.9.0.2/9' 2>/dev/null");
    return run({"ip", "netns", "exec", "cap-a", "ping", "-c", "4", "-i", "0.2", "-W", "1", "10.9.0.2"});
  });
  auto result = capture(socket, out, {.count = 9, .duration = 20s});
  EXPECT_EQ(traffic.get().exit_code, 0);
  EXPECT_EQ(result.reason, CaptureResult::Reason::Count);
  EXPECT_EQ(result.packets, 9u);
  EXPECT_EQ(out.packets(), 9u);

  auto lines = tcpdump_read(path_);
  ASSERT_EQ(lines.size(), 9u);
  int requests = 0, replies = 0, unreachable = 0;
  for (const auto& l : lines) {
    EXPECT_NE(l.find("ICMP"), std::string::npos) << l;
    if (l.find("10.9.0.1 > 10.9.0.2: ICMP echo request") != std::string::npos) ++requests;
    if (l.find("10.9.0.2 > 10.9.0.1: ICMP echo reply") != std::string::npos) ++replies;
    if (l.find("udp port 9 unreachable") != std::string::npos) ++unreachable;
  }
  EXPECT_EQ(requests, 4);
  EXPECT_EQ(replies, 4);
  EXPECT_EQ(unreachable, 1);
  // And tcpdump's own filter on our file agrees that every frame is a whole Ethernet/IPv4 frame.
  EXPECT_EQ(tcpdump_read(path_, "icmp and host 10.9.0.1 and host 10.9.0.2").size(), 9u);
  EXPECT_TRUE(tcpdump_read(path_, "arp or udp").empty());
}

TEST_F(CaptureTest, WithoutAFilterEverythingOnTheInterfaceIsKept) {
  auto socket = PacketSocket::open(netns::Namespace::open_named("cap-b"), "eth0");
  auto out = PcapWriter::create(path_, 262144);
  auto traffic = std::async(std::launch::async, [] {
    run({"ip", "netns", "exec", "cap-a", "ip", "neigh", "flush", "dev", "eth0"});
    sh("ip netns exec cap-a bash -c 'for i in 1 2 3; do echo x > /dev/udp/10.9.0.2/9; done'");
  });
  auto result = capture(socket, out, {.duration = 1500ms});
  traffic.get();
  EXPECT_EQ(result.reason, CaptureResult::Reason::Duration);
  EXPECT_EQ(tcpdump_read(path_, "udp dst port 9").size(), 3u);
  EXPECT_GE(tcpdump_read(path_, "arp").size(), 1u);   // the neighbour lookup
  EXPECT_GE(tcpdump_read(path_, "icmp").size(), 1u);  // port unreachable answers
  EXPECT_EQ(tcpdump_read(path_).size(), result.packets);
}

Stop* g_stop = nullptr;
extern "C" void on_sigusr1(int) { g_stop->raise(); }

TEST_F(CaptureTest, StopRaisedFromASignalHandlerEndsTheCaptureWithItsCount) {
  Stop stop;
  g_stop = &stop;
  struct sigaction sa{};
  sa.sa_handler = on_sigusr1;
  ASSERT_EQ(::sigaction(SIGUSR1, &sa, nullptr), 0);
  auto socket = PacketSocket::open(netns::Namespace::open_named("cap-b"), "eth0", compile_filter("icmp"));
  auto out = PcapWriter::create(path_, 262144);
  pthread_t me = pthread_self();
  auto traffic = std::async(std::launch::async, [me] {
    auto r = run({"ip", "netns", "exec", "cap-a", "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.9.0.2"});
    std::this_thread::sleep_for(200ms);
    pthread_kill(me, SIGUSR1);  // like Ctrl-C reaching the CLI's handler
    return r;
  });
  auto start = std::chrono::steady_clock::now();
  auto result = capture(socket, out, {.duration = 30s, .stop = &stop});
  EXPECT_EQ(traffic.get().exit_code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(result.reason, CaptureResult::Reason::Stopped);
  EXPECT_EQ(result.packets, 6u);
  EXPECT_EQ(tcpdump_read(path_).size(), 6u);
  signal(SIGUSR1, SIG_DFL);
}

TEST_F(CaptureTest, StreamToAPipeIsReadByTcpdumpAsItComes) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);  // only we hold the write end: tcpdump sees EOF when we close it
  // tcpdump reads the stream from its stdin (like `nswire capture ... -w - | tcpdump -r -`).
  auto reader = std::async(std::launch::async, [rd = fds[0]] {
    auto r = sh("tcpdump -r - -n </dev/fd/" + std::to_string(rd) + " 2>/dev/null");
    ::close(rd);
    return r.out;
  });
  {
    auto socket = PacketSocket::open(netns::Namespace::open_named("cap-b"), "eth0", compile_filter("icmp"));
    auto out = PcapWriter::borrow(fds[1], 262144);
    auto traffic = std::async(std::launch::async, [] {
      return run({"ip", "netns", "exec", "cap-a", "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.9.0.2"});
    });
    EXPECT_EQ(capture(socket, out, {.count = 4, .duration = 10s}).packets, 4u);
    traffic.get();
  }
  ::close(fds[1]);
  std::string text = reader.get();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_NE(text.find("ICMP echo request"), std::string::npos) << text;
}

TEST_F(CaptureTest, DurationEndsAQuietCapture) {
  auto socket = PacketSocket::open(netns::Namespace::open_named("cap-b"), "eth0", compile_filter("tcp port 1"));
  auto out = PcapWriter::create(path_, 262144);
  auto start = std::chrono::steady_clock::now();
  auto result = capture(socket, out, {.duration = 300ms});
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(result.reason, CaptureResult::Reason::Duration);
  EXPECT_EQ(result.packets, 0u);
  EXPECT_TRUE(tcpdump_read(path_).empty());
}

TEST_F(CaptureTest, MissingInterfaceIsAnErrorNamingItAndTheNamespace) {
  try {
    PacketSocket::open(netns::Namespace::open_named("cap-b"), "nosuch0");
    FAIL();
  } catch (const nswire::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("nosuch0"), std::string::npos) << m;
    EXPECT_NE(m.find("cap-b"), std::string::npos) << m;
  }
}

}  // namespace
