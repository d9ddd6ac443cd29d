// AF_PACKET capture (see capture.h). The socket is made with protocol 0 (it receives nothing),
// the filter attached, then it is bound to the interface with ETH_P_ALL, so no frame is queued
// unfiltered: the order libpcap uses (pcap-linux.c). Timestamps come from SO_TIMESTAMPNS,
// lengths from MSG_TRUNC, stripped VLAN tags from PACKET_AUXDATA (packet(7)).
#include "nswire/capture/capture.h"

#include "nswire/error.h"
#include "nswire/netns/namespace.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace nswire::capture {
namespace {

void set_option(int fd, int level, int name, const void* value, socklen_t size, const std::string& what,
                const std::string& interface) {
  if (::setsockopt(fd, level, name, value, size) != 0) {
    int err = errno;
    ::close(fd);
    throw Error(errno_message("capture: " + what, interface, err));
  }
}

int open_socket(const std::string& interface, const Filter& filter, bool promiscuous) {
  unsigned ifindex = ::if_nametoindex(interface.c_str());
  if (ifindex == 0) throw Error(errno_message("capture: find interface", interface, errno));
  int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(errno_message("capture: open packet socket", interface, errno));
  if (!filter.program.empty()) {
    sock_fprog prog{static_cast<unsigned short>(filter.program.size()), const_cast<sock_filter*>(filter.program.data())};
    set_option(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog, "attach filter \"" + filter.expression + "\"",
               interface);
  }
  int on = 1;
  set_option(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on, "timestamps", interface);
  set_option(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof on, "auxdata", interface);
  int rcvbuf = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);  // best effort: capped by rmem_max
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    throw Error(errno_message("capture: bind packet socket", interface, err));
  }
  if (promiscuous) {
    packet_mreq mreq{};
    mreq.mr_ifindex = static_cast<int>(ifindex);
    mreq.mr_type = PACKET_MR_PROMISC;
    set_option(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq, "promiscuous mode", interface);
  }
  return fd;
}

}  // namespace

Stop::Stop() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw Error(errno_message("capture: eventfd", "stop", errno));
}

Stop::~Stop() {
  if (fd_ >= 0) ::close(fd_);
}

void Stop::raise() const noexcept {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);  // async-signal-safe
}

bool Stop::raised() const {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

PacketSocket PacketSocket::open(const netns::Namespace& ns, const std::string& interface, const Filter& filter,
                                bool promiscuous) {
  int fd = -1;
  try {
    netns::run_in(ns, [&] { fd = open_socket(interface, filter, promiscuous); });
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + (ns.name().empty() ? "" : " (in namespace " + ns.name() + ")"));
  }
  return PacketSocket(fd, interface);
}

PacketSocket PacketSocket::open(const std::string& interface, const Filter& filter, bool promiscuous) {
  return PacketSocket(open_socket(interface, filter, promiscuous), interface);
}

PacketSocket::PacketSocket(PacketSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), interface_(std::move(other.interface_)) {}

PacketSocket& PacketSocket::operator=(PacketSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    interface_ = std::move(other.interface_);
  }
  return *this;
}

PacketSocket::~PacketSocket() {
  if (fd_ >= 0) ::close(fd_);
}

CaptureResult capture(const PacketSocket& socket, PcapWriter& out, const CaptureOptions& options) {
  CaptureResult result;
  using Clock = std::chrono::steady_clock;
  auto deadline = options.duration ? std::optional<Clock::time_point>(Clock::now() + *options.duration) : std::nullopt;
  // Room for the largest frame we keep plus a VLAN tag put back.
  std::vector<std::uint8_t> buffer(out.snaplen() + 4);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(tpacket_auxdata)) + 64];
  auto finish = [&](CaptureResult::Reason why) {
    result.reason = why;
    tpacket_stats stats{};
    socklen_t len = sizeof stats;
    if (::getsockopt(socket.fd(), SOL_PACKET, PACKET_STATISTICS, &stats, &len) == 0) result.kernel_drops = stats.tp_drops;
    return result;
  };
  while (true) {
    if (options.count && result.packets >= *options.count) return finish(CaptureResult::Reason::Count);
    int wait_ms = -1;
    if (deadline) {
      auto now = Clock::now();
      if (now >= *deadline) return finish(CaptureResult::Reason::Duration);
      wait_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*deadline - now).count());
    }
    pollfd fds[2] = {{socket.fd(), POLLIN, 0}, {options.stop ? options.stop->fd() : -1, POLLIN, 0}};
    int n = ::poll(fds, 2, wait_ms);
    if (n < 0 && errno == EINTR) continue;  // a signal: its handler raised Stop, or not; poll again
    if (n < 0) throw Error(errno_message("capture: poll", socket.interface(), errno));
    if (fds[1].revents & POLLIN) return finish(CaptureResult::Reason::Stopped);
    if (!(fds[0].revents & POLLIN)) {
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        throw Error("capture: " + socket.interface() + ": the packet socket failed (interface gone?)");
      continue;
    }
    // Leave 4 bytes in front for a VLAN tag to put back.
    iovec iov{buffer.data() + 4, out.snaplen()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t got = ::recvmsg(socket.fd(), &msg, MSG_TRUNC | MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got < 0) throw Error(errno_message("capture: receive", socket.interface(), errno));
    std::chrono::nanoseconds when{};
    const tpacket_auxdata* aux = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        when = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
      } else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
        aux = reinterpret_cast<const tpacket_auxdata*>(CMSG_DATA(c));
      }
    }
    if (when.count() == 0) when = std::chrono::system_clock::now().time_since_epoch();
    auto original = static_cast<std::size_t>(got);
    std::size_t kept = std::min<std::size_t>(original, out.snaplen());
    std::uint8_t* frame = buffer.data() + 4;
    if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID) && kept >= 12) {
      // Put the 802.1Q tag back between the MAC addresses and the EtherType.
      std::uint16_t tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux->tp_vlan_tpid : ETH_P_8021Q;
      std::memmove(buffer.data(), frame, 12);
      frame = buffer.data();
      std::uint16_t be_tpid = htons(tpid), be_tci = htons(aux->tp_vlan_tci);
      std::memcpy(frame + 12, &be_tpid, 2);
      std::memcpy(frame + 14, &be_tci, 2);
      kept += 4;
      original += 4;
    }
    out.write(when, {frame, std::min<std::size_t>(kept, out.snaplen())}, static_cast<std::uint32_t>(original));
    ++result.packets;
  }
}

}  // namespace nswire::capture
