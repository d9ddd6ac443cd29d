// Test helper: the rate of one TCP stream from namespace A to namespace B, measured by the
// receiver (bytes it read over the time it read them). Each end runs on its own thread, which
// enters its namespace with setns (per thread); sockets stay in the namespace they were made in.
// On OVS's netdev datapath the veths of both ends need TX checksum offload off (ethtool -K eth0
// tx off), or TCP segments arrive with partial checksums and are dropped.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ovsdb_test {

inline void enter_netns(const std::string& name) {
  int fd = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) throw std::runtime_error("setns " + name);
  ::close(fd);
}

// Megabits per second of a stream lasting `duration` from `from` to `to_address:port` in `to`.
// Throws (naming errno) when the stream cannot be set up; never waits more than 20 s for it.
inline double tcp_stream_mbps(const std::string& from, const std::string& to, const std::string& to_address,
                              std::chrono::milliseconds duration, int port = 5201) {
  std::promise<void> listening;
  auto listened = listening.get_future();
  auto receiver = std::async(std::launch::async, [&]() -> double {
    enter_netns(to);
    int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, to_address.c_str(), &a.sin_addr);
    if (::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(ls, 1) != 0) {
      listening.set_exception(std::make_exception_ptr(std::runtime_error("listen")));
      ::close(ls);
      return 0;
    }
    listening.set_value();
    pollfd p{ls, POLLIN, 0};
    int s = ::poll(&p, 1, 20000) == 1 ? ::accept(ls, nullptr, nullptr) : -1;
    ::close(ls);
    if (s < 0) return -1;
    std::vector<char> buf(1 << 16);
    std::uint64_t bytes = 0;
    std::chrono::steady_clock::time_point first{}, last{};
    for (ssize_t n; (n = ::read(s, buf.data(), buf.size())) > 0;) {
      last = std::chrono::steady_clock::now();
      if (bytes == 0) first = last;
      bytes += static_cast<std::uint64_t>(n);
    }
    ::close(s);
    double secs = std::chrono::duration<double>(last - first).count();
    return secs > 0 ? static_cast<double>(bytes) * 8 / secs / 1e6 : 0;
  });
  listened.get();
  int connect_errno = 0;
  std::thread sender([&] {
    enter_netns(from);
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval limit{10, 0};  // bounds connect() (and each write) instead of the kernel's ~2 min of SYN retries
    ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, to_address.c_str(), &a.sin_addr);
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      std::vector<char> buf(1 << 16, 'x');
      auto end = std::chrono::steady_clock::now() + duration;
      while (std::chrono::steady_clock::now() < end && ::write(s, buf.data(), buf.size()) > 0) {
      }
    } else {
      connect_errno = errno;
    }
    ::close(s);
  });
  sender.join();
  double mbps = receiver.get();
  if (connect_errno != 0 || mbps < 0)
    throw std::runtime_error("TCP stream " + from + " -> " + to_address + ":" + std::to_string(port) + ": " +
                             (connect_errno ? std::strerror(connect_errno) : "no connection within 20 s"));
  return mbps;
}

}  // namespace ovsdb_test
