// The probe engine: every probe of a run is a small state machine driven by one epoll loop on the
// caller's thread. Sockets are created inside their namespace (one netns::run_in per namespace and
// batch, not per probe), then connected, sent on and read from here. ICMP probes share one raw
// socket per (namespace, family) and are told apart by echo id/seq, a per-run cookie in the
// payload and the replying address; TCP/UDP probes own one client socket each, bounded by
// Options::max_sockets_in_flight. Timers are the probes' own deadlines and resend times.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <unordered_map>
#include <utility>

#include "address.h"
#include "fd.h"
#include "icmp.h"
#include "listeners.h"
#include "ns_key.h"
#include "nswire/error.h"
#include "nswire/netns/namespace.h"
#include "nswire/probe/probe.h"
#include "socket_errors.h"
#include "sockets.h"

namespace nswire::probe {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

constexpr auto kResend = std::chrono::milliseconds(200);
constexpr std::size_t kCookieSize = 8;
constexpr std::size_t kIcmpPayloadSize = 56;  // ping's default
constexpr std::size_t kUdpPayloadSize = kCookieSize + 8;
constexpr auto kRetryAfterTransientError = std::chrono::milliseconds(5);

std::string format_ms(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", std::chrono::duration<double, std::milli>(d).count());
  return buf;
}

bool transient(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == EINTR; }

enum class Source : uint64_t { icmp = 1, listener = 2, client = 3 };
uint64_t tag(Source s, std::size_t index) { return static_cast<uint64_t>(s) << 32 | index; }

struct IcmpSocket {
  Fd fd;
  int family = AF_INET;
  uint16_t id_base = 0;
  uint32_t sent = 0;
  std::unordered_map<uint32_t, std::pair<std::size_t, int>> outstanding;  // id<<16|seq -> probe, attempt
};

struct State {
  SocketAddress target;
  std::string host;  // canonical text of target
  bool done = false;
  Clock::time_point start, deadline, next_send;
  std::vector<Clock::time_point> sent_at;  // per attempt
  std::vector<bool> answered;
  int answers = 0;
  Clock::duration best = Clock::duration::max();
  std::vector<microseconds> round_trips;  // of the answered requests, in answer order
  std::size_t icmp = 0;  // index into Engine::icmp_
  Fd client;
  std::string note;  // extra observations ("reply from unexpected source ...")
};

class Engine {
 public:
  Engine(const std::vector<Probe>& probes, const Options& options) : probes_(probes), options_(options) {
    for (std::size_t i = 0; i < probes.size(); ++i) validate(probes[i], i);
    states_.resize(probes.size());
    results_.resize(probes.size());
    for (std::size_t i = 0; i < probes.size(); ++i) {
      states_[i].target = *parse_address(probes[i].address, probes[i].port);
      states_[i].host = states_[i].target.host();
    }
    if (options_.max_sockets_in_flight == 0) options_.max_sockets_in_flight = 1;
    std::random_device random;
    for (auto& b : cookie_) b = static_cast<uint8_t>(random());
    id_seed_ = static_cast<uint16_t>(random());
  }

  std::vector<Result> run() {
    if (probes_.empty()) return {};
    epoll_ = Fd(epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_.valid()) throw Error(errno_message("epoll_create1", "", errno));
    open_listeners();
    for (std::size_t i = 0; i < probes_.size(); ++i)
      if (probes_[i].protocol == Protocol::icmp) icmp_waiting_.push_back(i);
      else waiting_.push_back(i);
    std::array<epoll_event, 256> events;
    while (true) {
      start_ready();
      fire_timers(Clock::now());
      if (done_ == probes_.size()) break;
      int n = epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), wait_ms(Clock::now()));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error(errno_message("epoll_wait", "", errno));
      }
      for (int k = 0; k < n; ++k) dispatch(events[k]);
    }
    return std::move(results_);
  }

 private:
  // Listeners first, so every one is up before any probe starts.
  void open_listeners() {
    std::vector<Listeners::Request> requests;
    for (std::size_t i = 0; i < probes_.size(); ++i)
      if (probes_[i].listen)
        requests.push_back({probes_[i].listen_in, probes_[i].to_label, probes_[i].protocol, states_[i].target});
    listeners_.open(requests);
    for (std::size_t l = 0; l < listeners_.size(); ++l) watch(listeners_.fd(l), EPOLLIN, tag(Source::listener, l));
  }

  // Starts every waiting ICMP probe and as many TCP/UDP probes as the socket bound allows, in the
  // order given, opening their sockets with one run_in per namespace.
  void start_ready() {
    std::vector<std::size_t> starting = std::exchange(icmp_waiting_, {});
    for (std::size_t sockets = in_flight_; !waiting_.empty() && sockets < options_.max_sockets_in_flight; ++sockets) {
      starting.push_back(waiting_.front());
      waiting_.pop_front();
    }
    if (starting.empty()) return;
    std::map<NsKey, std::vector<std::size_t>> by_namespace;
    for (std::size_t i : starting) by_namespace[key_of(probes_[i].from)].push_back(i);
    for (const auto& group : by_namespace) {
      const NsKey key = group.first;
      const std::vector<std::size_t>& members = group.second;
      within(probes_[members.front()].from, [&] {
        for (std::size_t i : members) {
          const int family = states_[i].target.family();
          if (probes_[i].protocol == Protocol::icmp) states_[i].icmp = icmp_socket(key, family);
          else states_[i].client = open_client_socket(probes_[i].protocol, family);
        }
      });
    }
    const auto now = Clock::now();
    for (std::size_t i : starting) begin(i, now);
  }

  // Runs inside the namespace: the shared raw socket of (namespace, family), opened on first use.
  std::size_t icmp_socket(NsKey key, int family) {
    auto [it, inserted] = icmp_index_.emplace(std::pair(key, family), icmp_.size());
    if (!inserted) return it->second;
    auto s = std::make_unique<IcmpSocket>();
    try {
      s->fd = open_icmp_socket(family);
    } catch (...) {
      icmp_index_.erase(it);
      throw;
    }
    s->family = family;
    s->id_base = static_cast<uint16_t>(id_seed_ + 0x1000 * icmp_.size());
    watch(s->fd.get(), EPOLLIN, tag(Source::icmp, icmp_.size()));
    icmp_.push_back(std::move(s));
    return it->second;
  }

  void begin(std::size_t i, Clock::time_point now) {
    const Probe& p = probes_[i];
    State& st = states_[i];
    st.start = st.next_send = now;
    st.deadline = now + p.timeout + (p.interval.count() > 0 ? p.interval * (p.count - 1) : Clock::duration(0));
    active_.push_back(i);
    if (p.protocol == Protocol::icmp) return send_next(i, now);
    ++in_flight_;
    if (::connect(st.client.get(), st.target.get(), st.target.length) == 0) {
      if (p.protocol == Protocol::tcp) {
        st.sent_at = {now};
        st.answered = {false};
        return answer(i, 0, Clock::now());
      }
    } else if (errno != EINPROGRESS) {
      return conclude(i, now, errno_detail(errno));
    }
    if (p.protocol == Protocol::tcp) {
      st.sent_at = {now};
      st.answered = {false};
      st.next_send = Clock::time_point::max();
      watch(st.client.get(), EPOLLOUT, tag(Source::client, i));
      return;
    }
    watch(st.client.get(), EPOLLIN, tag(Source::client, i));
    send_next(i, now);
  }

  // The next echo request (icmp) or datagram (udp) of probe i.
  void send_next(std::size_t i, Clock::time_point now) {
    const Probe& p = probes_[i];
    State& st = states_[i];
    const int attempt = static_cast<int>(st.sent_at.size());
    ssize_t sent;
    uint32_t key = 0;
    if (p.protocol == Protocol::icmp) {
      IcmpSocket& s = *icmp_[st.icmp];
      const uint32_t n = s.sent++;
      const uint16_t id = static_cast<uint16_t>(s.id_base + (n >> 16)), seq = static_cast<uint16_t>(n);
      key = static_cast<uint32_t>(id) << 16 | seq;
      std::vector<uint8_t> payload(kIcmpPayloadSize);
      std::copy(cookie_.begin(), cookie_.end(), payload.begin());
      auto packet = icmp::echo_request(s.family, id, seq, payload);
      sent = ::sendto(s.fd.get(), packet.data(), packet.size(), 0, st.target.get(), st.target.length);
    } else {
      std::array<uint8_t, kUdpPayloadSize> payload{};
      std::copy(cookie_.begin(), cookie_.end(), payload.begin());
      const uint32_t index = static_cast<uint32_t>(i), a = static_cast<uint32_t>(attempt);
      std::memcpy(payload.data() + kCookieSize, &index, 4);
      std::memcpy(payload.data() + kCookieSize + 4, &a, 4);
      sent = ::send(st.client.get(), payload.data(), payload.size(), 0);
    }
    if (sent < 0) {
      const int err = errno;
      if (transient(err)) {
        st.next_send = now + kRetryAfterTransientError;
        return;
      }
      return conclude(i, now, errno_detail(err));
    }
    if (p.protocol == Protocol::icmp) icmp_[st.icmp]->outstanding[key] = {i, attempt};
    st.sent_at.push_back(now);
    st.answered.push_back(false);
    const bool paced = p.interval.count() > 0;
    // A connectivity check resends an unanswered request every kResend within its deadline, so one
    // packet lost while a path is being set up (the first of a flow on OVS's userspace datapath, an
    // ARP still resolving) is not a failure; any answer still counts.
    const auto spacing = paced ? Clock::duration(p.interval) : std::min<Clock::duration>(Clock::duration(p.timeout / p.count), kResend);
    const std::size_t sends =
        paced ? static_cast<std::size_t>(p.count)
              : std::max<std::size_t>(static_cast<std::size_t>(p.count), static_cast<std::size_t>(p.timeout / spacing));
    // Paced: request n is due at start + n * interval, so a late wake-up does not stretch the run.
    const auto due = paced ? st.start + spacing * static_cast<int>(st.sent_at.size()) : now + spacing;
    st.next_send = st.sent_at.size() < sends ? due : Clock::time_point::max();
  }

  void answer(std::size_t i, int attempt, Clock::time_point now) {
    State& st = states_[i];
    if (st.done || attempt < 0 || static_cast<std::size_t>(attempt) >= st.answered.size() || st.answered[attempt])
      return;
    st.answered[attempt] = true;
    ++st.answers;
    st.best = std::min(st.best, now - st.sent_at[attempt]);
    st.round_trips.push_back(std::chrono::duration_cast<microseconds>(now - st.sent_at[attempt]));
    const auto count = probes_[i].protocol == Protocol::tcp ? 1 : probes_[i].count;
    if (st.answers == count) return conclude(i, now);
    if (probes_[i].interval.count() == 0 && st.sent_at.size() == static_cast<std::size_t>(st.answers))
      send_next(i, now);
  }

  // Finishes probe i: reached when anything was answered; otherwise `failure`, or a timeout.
  void conclude(std::size_t i, Clock::time_point now, const std::string& failure = "") {
    const Probe& p = probes_[i];
    State& st = states_[i];
    if (st.done) return;
    Result& r = results_[i];
    r.elapsed = std::chrono::duration_cast<microseconds>(now - st.start);
    r.stats = rtt_stats(st.round_trips, static_cast<int>(st.sent_at.size()));
    std::string extra = st.note;
    if (st.answers > 0) {
      r.reached = true;
      r.rtt = std::chrono::duration_cast<microseconds>(st.best);
      const std::string peer = p.protocol == Protocol::icmp ? st.host : st.target.host_port();
      if (p.protocol == Protocol::tcp) r.detail = "connected to " + peer + " in " + format_ms(st.best);
      else if (p.count == 1)
        r.detail = (p.protocol == Protocol::icmp ? "reply from " : "echo from ") + peer + " in " + format_ms(st.best);
      else
        r.detail = std::to_string(st.answers) + "/" + std::to_string(p.count) +
                   (p.protocol == Protocol::icmp ? " replies from " : " echoes from ") + peer + ", best " +
                   format_ms(st.best);
      if (!failure.empty()) extra += (extra.empty() ? "" : "; ") + failure;
    } else {
      r.reached = false;
      r.detail = failure.empty() ? "timeout after " + std::to_string(p.timeout.count()) + " ms" : failure;
    }
    if (!extra.empty()) r.detail += "; " + extra;
    st.done = true;
    ++done_;
    if (options_.progress) options_.progress(done_, probes_.size());
    if (st.client.valid()) {
      epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, st.client.get(), nullptr);
      st.client.reset();
      --in_flight_;
    }
  }

  void fire_timers(Clock::time_point now) {
    for (std::size_t i : active_) {
      State& st = states_[i];
      if (st.done) continue;
      if (now >= st.deadline) conclude(i, now);
      else if (now >= st.next_send) send_next(i, now);
    }
    std::erase_if(active_, [&](std::size_t i) { return states_[i].done; });
  }

  int wait_ms(Clock::time_point now) const {
    auto next = Clock::time_point::max();
    for (std::size_t i : active_) next = std::min({next, states_[i].deadline, states_[i].next_send});
    if (next == Clock::time_point::max()) return -1;
    if (next <= now) return 0;
    // Round up: waking a little late is harmless, waking early would spin.
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(next - now).count());
  }

  void watch(int fd, uint32_t events, uint64_t data) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = data;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw Error(errno_message("epoll_ctl", "add", errno));
  }

  void dispatch(const epoll_event& ev) {
    const auto source = static_cast<Source>(ev.data.u64 >> 32);
    const std::size_t index = ev.data.u64 & 0xffffffffu;
    if (source == Source::icmp) on_icmp(*icmp_[index]);
    else if (source == Source::listener) listeners_.serve(index);
    else if (states_[index].done) return;  // finished earlier in this batch of events
    else if (probes_[index].protocol == Protocol::tcp) on_tcp(index);
    else on_udp(index, ev.events);
  }

  void on_icmp(IcmpSocket& s) {
    std::array<uint8_t, 65536> buf;
    while (true) {
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      ssize_t n = ::recvfrom(s.fd.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;  // EAGAIN, or a pending socket error that carries nothing to match
      }
      const auto now = Clock::now();
      auto m = icmp::parse(s.family, buf.data(), static_cast<std::size_t>(n));
      if (!m) continue;
      auto it = s.outstanding.find(static_cast<uint32_t>(m->id) << 16 | m->seq);
      if (it == s.outstanding.end()) continue;  // not ours (another pinger in this namespace)
      const auto [i, attempt] = it->second;
      State& st = states_[i];
      if (st.done) continue;
      const std::string source = from_sockaddr(reinterpret_cast<sockaddr*>(&from), from_len).host();
      if (m->kind == icmp::Message::Kind::echo_reply) {
        if (m->payload.size() < kCookieSize || !std::equal(cookie_.begin(), cookie_.end(), m->payload.begin()))
          continue;
        if (source != st.host) {
          st.note = "reply from unexpected source " + source;
          continue;
        }
        answer(i, attempt, now);
        continue;
      }
      if (m->original_destination != st.host) continue;
      const std::string what = m->kind == icmp::Message::Kind::time_exceeded ? "time exceeded: " : "unreachable: ";
      const std::string failure = what + icmp::reason(s.family, m->type, m->code) + " (reported by " + source + ")";
      if (st.answers == 0) conclude(i, now, failure);
      else st.note = failure;
    }
  }

  void on_tcp(std::size_t i) {
    State& st = states_[i];
    const auto now = Clock::now();
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(st.client.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == 0) return answer(i, 0, now);
    if (err == EINPROGRESS || err == EALREADY) return;
    std::string failure;
    while (auto e = receive_error(st.client.get(), st.target.family()))
      if (!e->empty()) failure = *e;
    conclude(i, now, failure.empty() ? errno_detail(err) : failure);
  }

  void on_udp(std::size_t i, uint32_t events) {
    State& st = states_[i];
    const auto now = Clock::now();
    if (events & EPOLLERR) {
      // ICMP errors about our datagrams, queued by IP(V6)_RECVERR with who reported them.
      std::string failure;
      while (auto e = receive_error(st.client.get(), st.target.family()))
        if (!e->empty()) failure = *e;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(st.client.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (failure.empty() && err != 0) failure = errno_detail(err);
      if (!failure.empty()) {
        if (st.answers == 0) return conclude(i, now, failure);
        st.note = failure;
      }
    }
    std::array<uint8_t, 2048> buf;
    while (!st.done) {
      ssize_t n = ::recv(st.client.get(), buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (!transient(errno) && st.answers == 0) conclude(i, now, errno_detail(errno));
        return;
      }
      if (static_cast<std::size_t>(n) != kUdpPayloadSize || !std::equal(cookie_.begin(), cookie_.end(), buf.begin()))
        continue;
      uint32_t index, attempt;
      std::memcpy(&index, buf.data() + kCookieSize, 4);
      std::memcpy(&attempt, buf.data() + kCookieSize + 4, 4);
      if (index == i) answer(i, static_cast<int>(attempt), now);
    }
  }

  const std::vector<Probe>& probes_;
  Options options_;
  std::vector<State> states_;
  std::vector<Result> results_;
  std::vector<std::unique_ptr<IcmpSocket>> icmp_;
  std::map<std::pair<NsKey, int>, std::size_t> icmp_index_;
  Listeners listeners_;
  std::vector<std::size_t> icmp_waiting_;  // not started yet (all start at once)
  std::deque<std::size_t> waiting_;        // TCP/UDP not started yet, in input order
  std::vector<std::size_t> active_;  // started, maybe done (pruned by fire_timers)
  std::size_t in_flight_ = 0;        // open TCP/UDP client sockets
  std::size_t done_ = 0;
  std::array<uint8_t, kCookieSize> cookie_{};
  uint16_t id_seed_ = 0;
  Fd epoll_;
};

}  // namespace

std::vector<Result> run_engine(const std::vector<Probe>& probes, const Options& options) {
  return Engine(probes, options).run();
}

}  // namespace nswire::probe
