// TCP throughput between two namespaces with nswire's own sender and receiver; see measure.h.
// One epoll loop drives both ends: the sender writes whenever its socket has room, the receiver
// reads whatever arrived and counts it. The window opens `warmup` after the first byte arrives
// (slow start and the first burst of a token bucket are excluded) and closes `duration` later;
// its length is the time between the two snapshots actually taken, so a late wake-up of the
// loop does not bias the figure.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

#include "address.h"
#include "fd.h"
#include "ns_key.h"
#include "nswire/error.h"
#include "nswire/probe/measure.h"
#include "socket_errors.h"
#include "sockets.h"

namespace nswire::probe {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

constexpr std::size_t kChunk = 256 * 1024;
enum : uint64_t { kListener = 1, kSender = 2, kReceiver = 3 };

void watch(int epoll, int fd, uint32_t events, uint64_t tag, int op = EPOLL_CTL_ADD) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag;
  if (epoll_ctl(epoll, op, fd, &ev) != 0) throw Error(errno_message("epoll_ctl", "throughput", errno));
}

int wait_ms(Clock::time_point now, Clock::time_point until) {
  if (until <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(until - now).count());
}

std::string describe(uint64_t bytes, microseconds window) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f MB in %.2f s", static_cast<double>(bytes) / 1e6,
                static_cast<double>(window.count()) / 1e6);
  return buf;
}

}  // namespace

ThroughputResult measure_throughput(const ThroughputRequest& req) {
  const std::string where = "throughput " + req.from_label + " -> " + req.to_label;
  auto target = parse_address(req.address, req.port);
  if (!target) throw Error(where + ": address \"" + req.address + "\" is not an IPv4 or IPv6 literal");
  if (req.port == 0) throw Error(where + ": needs a port");
  if (req.duration.count() <= 0) throw Error(where + ": duration must be positive");
  if (req.warmup.count() < 0) throw Error(where + ": warmup must not be negative");
  if (req.connect_timeout.count() <= 0) throw Error(where + ": connect timeout must be positive");

  Fd listener, sender, receiver;
  try {
    within(req.to, [&] { listener = open_listener_socket(Protocol::tcp, *target); });
  } catch (const Error& e) {
    throw Error(where + ": receiver on " + target->host_port() + ": " + e.what());
  }
  within(req.from, [&] { sender = open_client_socket(Protocol::tcp, target->family()); });
  Fd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) throw Error(errno_message("epoll_create1", where, errno));
  watch(epoll.get(), listener.get(), EPOLLIN, kListener);

  ThroughputResult result;
  const auto start = Clock::now();
  if (::connect(sender.get(), target->get(), target->length) != 0 && errno != EINPROGRESS) {
    result.detail = errno_detail(errno);
    return result;
  }
  watch(epoll.get(), sender.get(), EPOLLOUT, kSender);

  std::vector<uint8_t> out(kChunk, 0x5a), in(kChunk);
  bool connected = false;
  uint64_t received = 0, at_open = 0;
  std::optional<Clock::time_point> first_byte, opened;
  Clock::time_point deadline = start + req.connect_timeout;  // until the window opens
  std::array<epoll_event, 8> events;

  for (;;) {
    auto now = Clock::now();
    if (opened && now >= *opened + req.duration) {
      result.connected = true;
      result.bytes = received - at_open;
      result.window = std::chrono::duration_cast<microseconds>(now - *opened);
      result.bits_per_second =
          result.window.count() > 0 ? static_cast<uint64_t>(static_cast<double>(result.bytes) * 8e6 /
                                                            static_cast<double>(result.window.count()))
                                    : 0;
      result.detail = describe(result.bytes, result.window);
      return result;
    }
    if (first_byte && !opened && now >= *first_byte + req.warmup) {
      opened = now;
      at_open = received;
    }
    if (!first_byte && now >= deadline) {
      result.detail = connected ? "no data arrived within " + std::to_string(req.connect_timeout.count()) + " ms"
                                : "connect timeout after " + std::to_string(req.connect_timeout.count()) + " ms";
      return result;
    }
    const auto until = opened ? *opened + req.duration : first_byte ? *first_byte + req.warmup : deadline;
    int n = epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), wait_ms(now, until));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(errno_message("epoll_wait", where, errno));
    }
    for (int k = 0; k < n; ++k) {
      const uint64_t tag = events[k].data.u64;
      if (tag == kListener) {
        int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0 && !receiver.valid()) {
          receiver = Fd(fd);
          watch(epoll.get(), receiver.get(), EPOLLIN, kReceiver);
        } else if (fd >= 0) {
          ::close(fd);  // someone else's connection; ours is the first
        }
      } else if (tag == kSender) {
        if (!connected) {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(sender.get(), SOL_SOCKET, SO_ERROR, &err, &len);
          if (err == EINPROGRESS || err == EALREADY) continue;
          if (err != 0) {
            std::string failure;
            while (auto e = receive_error(sender.get(), target->family()))
              if (!e->empty()) failure = *e;
            result.detail = failure.empty() ? errno_detail(err) : failure;
            return result;
          }
          connected = true;
        }
        while (::send(sender.get(), out.data(), out.size(), MSG_NOSIGNAL) > 0) {
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          result.detail = "send: " + errno_detail(errno);
          return result;
        }
      } else if (tag == kReceiver) {
        for (;;) {
          ssize_t got = ::recv(receiver.get(), in.data(), in.size(), 0);
          if (got > 0) {
            received += static_cast<uint64_t>(got);
            if (!first_byte) first_byte = Clock::now();
            continue;
          }
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            result.detail = got == 0 ? "receiver: connection closed" : "receiver: " + errno_detail(errno);
            return result;
          }
          break;
        }
      }
    }
  }
}

}  // namespace nswire::probe
