// TX checksum offload over the ethtool ioctl; see include/nswire/netlink/offload.h.
#include "nswire/netlink/offload.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nswire/error.h"

namespace nswire::netlink {
namespace {

int ethtool(const std::string& ifname, ethtool_value& value) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = reinterpret_cast<char*>(&value);
  int rc = ioctl(fd, SIOCETHTOOL, &ifr);
  int err = rc < 0 ? errno : 0;
  close(fd);
  return err;
}

}  // namespace

std::optional<bool> get_tx_checksum(const std::string& ifname) {
  ethtool_value v{ETHTOOL_GTXCSUM, 0};
  if (ethtool(ifname, v) != 0) return std::nullopt;
  return v.data != 0;
}

void set_tx_checksum(const std::string& ifname, bool on) {
  ethtool_value v{ETHTOOL_STXCSUM, on ? 1u : 0u};
  if (int err = ethtool(ifname, v)) throw Error(errno_message(on ? "enable TX checksum offload" : "disable TX checksum offload", ifname, err));
}

}  // namespace nswire::netlink
