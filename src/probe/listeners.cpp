// See listeners.h.
#include "listeners.h"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <map>
#include <tuple>

#include "ns_key.h"
#include "nswire/error.h"
#include "sockets.h"

namespace nswire::probe {

void Listeners::open(const std::vector<Request>& requests) {
  std::map<NsKey, std::vector<const Request*>> by_namespace;
  std::map<std::tuple<NsKey, Protocol, std::string>, bool> seen;
  for (const auto& r : requests)
    if (seen.emplace(std::tuple(key_of(r.ns), r.protocol, r.address.host_port()), true).second)
      by_namespace[key_of(r.ns)].push_back(&r);
  for (const auto& group : by_namespace) {
    const std::vector<const Request*>& members = group.second;
    const Request* current = members.front();
    try {
      within(current->ns, [&] {
        for (const Request* r : members) {
          current = r;
          listeners_.push_back(Listener{open_listener_socket(r->protocol, r->address), r->protocol});
        }
      });
    } catch (const Error& e) {
      const std::string where = current->ns && !current->ns->name().empty() ? "namespace " + current->ns->name()
                                : current->ns                                ? current->ns_label
                                                                             : "the caller's namespace";
      throw Error(std::string("listener ") + to_string(current->protocol) + " " + current->address.host_port() +
                  " in " + where + ": " + e.what());
    }
  }
}

void Listeners::serve(std::size_t i) {
  Listener& l = listeners_[i];
  if (l.protocol == Protocol::tcp) {
    while (true) {
      int fd = ::accept4(l.fd.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN: backlog empty
      }
      ::close(fd);
    }
  }
  std::array<uint8_t, 2048> buf;
  while (true) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(l.fd.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    // A failed echo is not an error of the run: the probe waiting for it observes a timeout.
    (void)::sendto(l.fd.get(), buf.data(), static_cast<std::size_t>(n), MSG_DONTWAIT,
                   reinterpret_cast<sockaddr*>(&from), from_len);
  }
}

}  // namespace nswire::probe
