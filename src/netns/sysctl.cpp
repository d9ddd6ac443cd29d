// Per-namespace sysctls and namespace-bound netlink sockets; see include/nswire/netns/sysctl.h.
#include "nswire/netns/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "nswire/error.h"

namespace nswire::netns {

void set_sysctl(const Namespace& ns, const std::string& key, const std::string& value) {
  std::string path = sysctl_path(key);
  run_in(ns, [&] {
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw Error(errno_message("set sysctl", key, errno));
    ssize_t n = write(fd, value.data(), value.size());
    int err = errno;
    close(fd);
    if (n < 0) throw Error(errno_message("set sysctl " + key + " = " + value, ns.name(), err));
  });
}

std::string get_sysctl(const Namespace& ns, const std::string& key) {
  std::string path = sysctl_path(key), value;
  run_in(ns, [&] {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(errno_message("read sysctl", key, errno));
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n > 0) value.assign(buf, static_cast<size_t>(n));
  });
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

netlink::Socket open_netlink(const Namespace& ns) {
  netlink::Socket socket;
  run_in(ns, [&] { socket = netlink::Socket::open(); });
  return socket;
}

}  // namespace nswire::netns
