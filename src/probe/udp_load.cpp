// UDP loss at a given sending rate; see measure.h. A paced sender (datagram n is due at
// start + n * payload_bits / rate; whatever is due goes out at each wake-up, so a late wake-up
// catches up instead of lowering the rate) and a counter that records distinct sequence numbers,
// both driven by one epoll loop. A datagram the kernel refused with ENOBUFS (a full qdisc: the
// sender has IP_RECVERR, so the drop is reported) was sent and lost; one refused with EAGAIN (the
// socket buffer is full) is retried, not counted.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
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

constexpr std::size_t kHeader = 16;  // cookie (8) + sequence number (8)
constexpr int kReceiveBuffer = 8 << 20;
constexpr int kSendBuffer = 16 << 20;
constexpr uint64_t kMaxBurst = 1024;  // datagrams sent per wake-up at most (keeps the loop reading)

}  // namespace

double UdpLoadResult::loss_percent() const {
  return sent ? 100.0 * static_cast<double>(sent - std::min(received, sent)) / static_cast<double>(sent) : 0.0;
}

UdpLoadResult measure_udp_load(const UdpLoadRequest& req) {
  const std::string where = "udp load " + req.from_label + " -> " + req.to_label;
  auto target = parse_address(req.address, req.port);
  if (!target) throw Error(where + ": address \"" + req.address + "\" is not an IPv4 or IPv6 literal");
  if (req.port == 0) throw Error(where + ": needs a port");
  if (req.rate_bps == 0) throw Error(where + ": rate must be positive");
  if (req.payload < 24 || req.payload > 65000) throw Error(where + ": payload must be 24 to 65000 bytes");
  if (req.duration.count() <= 0) throw Error(where + ": duration must be positive");

  Fd counter, sender;
  try {
    within(req.to, [&] { counter = open_listener_socket(Protocol::udp, *target); });
  } catch (const Error& e) {
    throw Error(where + ": counter on " + target->host_port() + ": " + e.what());
  }
  if (setsockopt(counter.get(), SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0)
    setsockopt(counter.get(), SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
  within(req.from, [&] { sender = open_client_socket(Protocol::udp, target->family()); });
  // A send buffer larger than any queue nswire sets: a full qdisc on the way drops (ENOBUFS, a
  // loss) instead of the socket pushing back (EAGAIN), which would lower the rate silently.
  if (setsockopt(sender.get(), SOL_SOCKET, SO_SNDBUFFORCE, &kSendBuffer, sizeof kSendBuffer) != 0)
    setsockopt(sender.get(), SOL_SOCKET, SO_SNDBUF, &kSendBuffer, sizeof kSendBuffer);
  Fd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) throw Error(errno_message("epoll_create1", where, errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  if (epoll_ctl(epoll.get(), EPOLL_CTL_ADD, counter.get(), &ev) != 0)
    throw Error(errno_message("epoll_ctl", where, errno));

  UdpLoadResult r;
  if (::connect(sender.get(), target->get(), target->length) != 0) {
    r.detail = "connect: " + errno_detail(errno);
    return r;
  }
  uint8_t cookie[8];
  std::random_device random;
  for (auto& b : cookie) b = static_cast<uint8_t>(random());
  std::vector<uint8_t> datagram(req.payload, 0), in(65536);
  std::memcpy(datagram.data(), cookie, sizeof cookie);
  std::vector<bool> seen;
  uint64_t highest = 0;
  bool any = false;
  const double ns_per_datagram = static_cast<double>(req.payload) * 8e9 / static_cast<double>(req.rate_bps);
  const auto start = Clock::now();
  const auto stop_sending = start + req.duration;
  const auto stop = stop_sending + req.drain;
  Clock::time_point last_send = start;
  Clock::time_point first_arrival{}, last_arrival{};
  std::array<epoll_event, 4> events;

  for (;;) {
    auto now = Clock::now();
    if (now < stop_sending) {
      const auto elapsed = std::chrono::duration<double, std::nano>(now - start).count();
      const uint64_t due = static_cast<uint64_t>(elapsed / ns_per_datagram) + 1;
      for (uint64_t burst = 0; r.sent < due && burst < kMaxBurst; ++burst) {
        const uint64_t seq = r.sent;
        std::memcpy(datagram.data() + 8, &seq, 8);
        if (::send(sender.get(), datagram.data(), datagram.size(), 0) >= 0) {
          ++r.sent;
          last_send = now;
          continue;
        }
        const int err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) break;
        ++r.send_errors;
        if (err == ENOBUFS) {  // the qdisc dropped it: sent, and lost
          ++r.sent;
          last_send = now;
          continue;
        }
        // ECONNREFUSED (a port unreachable came back), ENETUNREACH, ...: note it, keep pacing.
        ++r.sent;
        if (r.detail.empty()) r.detail = "send: " + errno_detail(err);
      }
    } else if (now >= stop) {
      break;
    }
    const auto next = now < stop_sending
                          ? start + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(r.sent) * ns_per_datagram))
                          : stop;
    const int wait = next <= now ? 0 : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(next - now).count());
    int n = epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), std::min(wait, 1000));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(errno_message("epoll_wait", where, errno));
    }
    if (n == 0) continue;
    for (;;) {
      ssize_t got = ::recv(counter.get(), in.data(), in.size(), 0);
      if (got < 0) break;
      if (static_cast<std::size_t>(got) < kHeader || std::memcmp(in.data(), cookie, sizeof cookie) != 0) continue;
      uint64_t seq;
      std::memcpy(&seq, in.data() + 8, 8);
      if (seq >= r.sent + kMaxBurst) continue;  // not one of ours after all
      if (seq >= seen.size()) seen.resize(seq + 1, false);
      if (seen[seq]) {
        ++r.duplicates;
        continue;
      }
      seen[seq] = true;
      last_arrival = Clock::now();
      if (r.received == 0) first_arrival = last_arrival;
      ++r.received;
      if (any && seq < highest) ++r.reordered;
      if (!any || seq > highest) highest = seq;
      any = true;
    }
  }
  const double seconds = std::chrono::duration<double>(last_send - start).count() +
                         ns_per_datagram / 1e9;  // the last datagram's own slot
  r.sent_bps = seconds > 0 ? static_cast<uint64_t>(static_cast<double>(r.sent * req.payload * 8) / seconds) : 0;
  // n arrivals span n - 1 gaps between the first and the last.
  const double arriving = std::chrono::duration<double>(last_arrival - first_arrival).count();
  if (r.received > 1 && arriving > 0)
    r.received_bps = static_cast<uint64_t>(static_cast<double>((r.received - 1) * req.payload * 8) / arriving);
  if (r.detail.empty()) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%llu of %llu datagrams arrived", static_cast<unsigned long long>(r.received),
                  static_cast<unsigned long long>(r.sent));
    r.detail = buf;
  }
  return r;
}

}  // namespace nswire::probe
