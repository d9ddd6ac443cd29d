// Per-namespace /etc overrides: /etc/netns/NAME/FILE is bind-mounted over /etc/FILE by
// `ip netns exec` (and by netns::exec), which is how a node gets its own resolv.conf.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "nswire/error.h"
#include "nswire/netns/namespace.h"

namespace nswire::netns {

void write_resolv_conf(const std::string& name, const std::vector<std::string>& nameservers,
                       const std::vector<std::string>& search) {
  validate_name(name);
  std::string dir = std::string(kNetnsEtcDir) + "/" + name;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("create " + dir + ": " + ec.message());
  std::string text = resolv_conf_text(nameservers, search);
  // Write then rename, so a concurrent `ip netns exec` never sees half a file.
  std::string path = resolv_conf_path(name), tmp = resolv_conf_temporary_path(name);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(errno_message("write", tmp, errno));
  ssize_t n = write(fd, text.data(), text.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(text.size())) throw Error(errno_message("write", tmp, n < 0 ? err : EIO));
  if (rename(tmp.c_str(), path.c_str()) != 0) throw Error(errno_message("rename", path, errno));
}

void remove_etc(const std::string& name) {
  validate_name(name);
  std::error_code ec;
  std::filesystem::remove_all(std::string(kNetnsEtcDir) + "/" + name, ec);
  if (ec) throw Error("remove " + std::string(kNetnsEtcDir) + "/" + name + ": " + ec.message());
}

}  // namespace nswire::netns
