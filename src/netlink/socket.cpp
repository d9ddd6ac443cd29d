// rtnetlink socket over libmnl: batched send, ACK matching by sequence number, extended ACKs.
// See include/nswire/netlink/socket.h.
#include "nswire/netlink/socket.h"

#include "attr.h"

#include <libmnl/libmnl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <utility>

namespace nswire::netlink {
namespace {

// Per sendmsg: small enough that the replies of one chunk always fit the receive buffer.
constexpr size_t kChunkBytes = 64 * 1024;
constexpr size_t kChunkMessages = 256;
constexpr int kReceiveBuffer = 4 * 1024 * 1024;

// NSWIRE_TRACE=1: at exit, what this process asked of rtnetlink (to find per-node costs: a count
// that grows faster than the lab is the bug). Counted always (relaxed atomics), said only then.
struct Trace {
  std::atomic<unsigned long> sends{0}, requests{0}, dumps{0};
  std::array<std::atomic<unsigned long>, 128> dumps_of{};  // by message type (RTM_GET*)
  ~Trace() {
    const char* env = std::getenv("NSWIRE_TRACE");
    if (!env || !*env || *env == '0') return;
    std::fprintf(stderr, "nswire trace: netlink %lu sendmsg carrying %lu requests; %lu dumps (", sends.load(), requests.load(),
                 dumps.load());
    const char* sep = "";
    for (size_t t = 0; t < dumps_of.size(); ++t)
      if (auto n = dumps_of[t].load()) {
        std::fprintf(stderr, "%stype %zu: %lu", sep, t, n);
        sep = ", ";
      }
    std::fprintf(stderr, ")\n");
  }
};
Trace trace;

// The kernel's message from an NLMSG_ERROR's TLVs (RFC-less: see linux/netlink.h, nlmsgerr).
std::string extack_of(const nlmsghdr* nlh) {
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  size_t offset = sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
  std::string message;
  detail::for_each_attr(nlh, offset, [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG) message = mnl_attr_get_str(attr);
  });
  return message;
}

}  // namespace

std::string describe_failure(const Batch::Entry& entry, const Outcome& outcome) {
  std::string s = entry.what;
  if (!entry.object.empty()) s += " " + entry.object;
  s += ": " + std::string(std::strerror(outcome.error));
  if (!outcome.extack.empty()) s += " (kernel: " + outcome.extack + ")";
  return s;
}

Socket Socket::open() {
  mnl_socket* nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!nl) throw nswire::Error(errno_message("open netlink socket", "NETLINK_ROUTE", errno));
  Socket s(nl);
  int one = 1;
  mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof one);  // older kernels: no extack
  mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof one);
  int fd = mnl_socket_get_fd(nl);
  int size = kReceiveBuffer;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) != 0)
    throw nswire::Error(errno_message("bind netlink socket", "NETLINK_ROUTE", errno));
  s.portid_ = mnl_socket_get_portid(nl);
  return s;
}

Socket::Socket(mnl_socket* nl) : nl_(nl), seq_(static_cast<uint32_t>(time(nullptr))) {}

Socket::~Socket() {
  if (nl_) mnl_socket_close(nl_);
}

Socket::Socket(Socket&& other) noexcept
    : nl_(std::exchange(other.nl_, nullptr)), portid_(other.portid_), seq_(other.seq_) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    if (nl_) mnl_socket_close(nl_);
    nl_ = std::exchange(other.nl_, nullptr);
    portid_ = other.portid_;
    seq_ = other.seq_;
  }
  return *this;
}

int Socket::fd() const { return nl_ ? mnl_socket_get_fd(nl_) : -1; }

std::vector<Outcome> Socket::send(Batch& batch) {
  if (!nl_) throw nswire::Error("netlink: socket is not open");
  std::vector<Outcome> outcomes(batch.size());
  const auto& entries = batch.entries();
  size_t first = 0;
  while (first < entries.size()) {
    size_t count = 0, bytes = 0;
    while (first + count < entries.size() && count < kChunkMessages) {
      size_t end = first + count + 1 < entries.size() ? entries[first + count + 1].offset : batch.buffer().size();
      size_t len = end - entries[first + count].offset;
      if (count > 0 && bytes + len > kChunkBytes) break;
      bytes += len;
      ++count;
    }
    send_chunk(batch, first, count, outcomes);
    first += count;
  }
  return outcomes;
}

void Socket::send_chunk(Batch& batch, size_t first, size_t count, std::vector<Outcome>& outcomes) {
  const auto& entries = batch.entries();
  uint32_t base = seq_;
  seq_ += static_cast<uint32_t>(count);
  for (size_t i = 0; i < count; ++i) {
    auto* nlh = reinterpret_cast<nlmsghdr*>(batch.buffer().data() + entries[first + i].offset);
    nlh->nlmsg_seq = base + static_cast<uint32_t>(i);
  }
  size_t from = entries[first].offset;
  size_t to = first + count < entries.size() ? entries[first + count].offset : batch.buffer().size();
  if (mnl_socket_sendto(nl_, batch.buffer().data() + from, to - from) < 0)
    throw nswire::Error(errno_message("netlink send", entries[first].what, errno));
  trace.sends.fetch_add(1, std::memory_order_relaxed);
  trace.requests.fetch_add(count, std::memory_order_relaxed);

  size_t pending = count;
  std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE * 4);
  while (pending > 0) {
    ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw nswire::Error(errno_message("netlink receive", entries[first].what, errno));
    }
    auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
    int len = static_cast<int>(n);
    for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
      if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != portid_) continue;
      uint32_t index = nlh->nlmsg_seq - base;
      if (index >= count) continue;  // a late reply from an earlier, abandoned request
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      outcomes[first + index] = {-err->error, err->error ? extack_of(nlh) : std::string()};
      --pending;
    }
  }
}

void Socket::query(Batch& request, const std::function<void(const nlmsghdr*)>& fn) {
  if (!nl_) throw nswire::Error("netlink: socket is not open");
  if (request.size() != 1) throw nswire::Error("netlink query: exactly one request expected");
  auto* nlh = reinterpret_cast<nlmsghdr*>(request.buffer().data());
  nlh->nlmsg_seq = ++seq_;
  if (mnl_socket_sendto(nl_, request.buffer().data(), request.buffer().size()) < 0)
    throw nswire::Error(errno_message("netlink send", request.entries()[0].what, errno));
  trace.sends.fetch_add(1, std::memory_order_relaxed);
  trace.requests.fetch_add(1, std::memory_order_relaxed);
  std::vector<uint8_t> buf(MNL_SOCKET_BUFFER_SIZE);
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw nswire::Error(errno_message("netlink receive", request.entries()[0].what, errno));
    }
    auto* msg = reinterpret_cast<const nlmsghdr*>(buf.data());
    int len = static_cast<int>(n);
    for (; mnl_nlmsg_ok(msg, len); msg = mnl_nlmsg_next(msg, &len)) {
      if (msg->nlmsg_seq != seq_ || msg->nlmsg_pid != portid_) continue;
      if (msg->nlmsg_type != NLMSG_ERROR) {
        fn(msg);
        continue;
      }
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(msg));
      if (err->error) {
        Outcome o{-err->error, extack_of(msg)};
        throw Error(describe_failure(request.entries()[0], o), o.error);
      }
      return;
    }
  }
}

void check(const Batch& batch, const std::vector<Outcome>& outcomes, std::initializer_list<int> tolerated,
           const std::string& where) {
  for (size_t i = 0; i < outcomes.size(); ++i) {
    int err = outcomes[i].error;
    if (!err || std::find(tolerated.begin(), tolerated.end(), err) != tolerated.end()) continue;
    throw Error(describe_failure(batch.entries()[i], outcomes[i]) + (where.empty() ? "" : " " + where), err, i);
  }
}

void Socket::execute(Batch& batch, std::initializer_list<int> tolerated) { check(batch, send(batch), tolerated); }

void Socket::dump(uint16_t type, const void* header, size_t header_len,
                  const std::function<void(const nlmsghdr*)>& fn) {
  Batch request;
  request.add(type, 0, header_len, "dump", std::to_string(type));
  std::memcpy(request.buffer().data() + NLMSG_HDRLEN, header, header_len);
  dump(request, fn);
}

void Socket::dump(Batch& request, const std::function<void(const nlmsghdr*)>& fn) {
  if (!nl_) throw nswire::Error("netlink: socket is not open");
  if (request.size() != 1) throw nswire::Error("netlink dump: exactly one request expected");
  auto* nlh = reinterpret_cast<nlmsghdr*>(request.buffer().data());
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  const uint16_t type = nlh->nlmsg_type;
  trace.dumps.fetch_add(1, std::memory_order_relaxed);
  trace.dumps_of[type % trace.dumps_of.size()].fetch_add(1, std::memory_order_relaxed);
  for (int attempt = 0;; ++attempt) {
    nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(nl_, request.buffer().data(), request.buffer().size()) < 0)
      throw nswire::Error(errno_message("netlink dump request", std::to_string(type), errno));
    std::vector<std::vector<uint8_t>> chunks;
    bool done = false, interrupted = false;
    std::vector<uint8_t> buf(32768);
    // Collect the whole dump before calling fn, so a retry never reports a message twice.
    while (!done) {
      ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw nswire::Error(errno_message("netlink dump", std::to_string(type), errno));
      }
      auto* msg = reinterpret_cast<const nlmsghdr*>(buf.data());
      int len = static_cast<int>(n);
      for (; mnl_nlmsg_ok(msg, len); msg = mnl_nlmsg_next(msg, &len)) {
        if (msg->nlmsg_seq != seq_ || msg->nlmsg_pid != portid_) continue;
        if (msg->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
        if (msg->nlmsg_type == NLMSG_DONE) {
          done = true;
          break;
        }
        if (msg->nlmsg_type == NLMSG_ERROR) {
          const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(msg));
          if (err->error == 0) continue;
          std::string ext = extack_of(msg);
          throw Error("netlink dump " + std::to_string(type) + ": " + std::strerror(-err->error) +
                          (ext.empty() ? "" : " (kernel: " + ext + ")"),
                      -err->error);
        }
        const auto* p = reinterpret_cast<const uint8_t*>(msg);
        chunks.emplace_back(p, p + msg->nlmsg_len);
      }
    }
    if (interrupted && attempt < 5) continue;
    for (const auto& c : chunks) fn(reinterpret_cast<const nlmsghdr*>(c.data()));
    return;
  }
}

}  // namespace nswire::netlink
