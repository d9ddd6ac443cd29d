// Reading what a path to attach is on this machine (see include/nswire/netns/attach_target.h):
// stat and statfs only, plus NS_GET_NSTYPE on a file statfs already showed to be a namespace.
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nswire/netns/attach_target.h"

namespace nswire::netns {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a namespace file";
}

std::string type_name(int nstype) {
  switch (nstype) {
    case CLONE_NEWNET: return "network";
    case CLONE_NEWNS: return "mount";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWUTS: return "UTS";
    case CLONE_NEWIPC: return "IPC";
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWCGROUP: return "cgroup";
    default: return "";  // a newer kind (time): not a network one, but say nothing we do not know
  }
}

bool same(const struct stat& a, const char* other) {
  struct stat b;
  return ::stat(other, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

NamespaceFile probe_namespace_file(const std::string& path) {
  NamespaceFile f;
  struct stat st;
  f.exists = true;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) f.exists = false;
    else f.error = std::strerror(errno);
    return f;
  }
  struct statfs sfs;
  f.nsfs = ::statfs(path.c_str(), &sfs) == 0 && static_cast<unsigned long>(sfs.f_type) == NSFS_MAGIC;
  if (!f.nsfs) {
    f.kind = kind_of(st.st_mode);
    return f;
  }
  // Opening a namespace file has no side effect (setns is what joins it).
  if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK); fd >= 0) {
    if (int t = ::ioctl(fd, NS_GET_NSTYPE); t > 0) {
      f.ns_type = type_name(t);
      if (f.ns_type.empty()) f.ns_type = "non-network";
    }
    ::close(fd);
  }
  f.is_own = same(st, "/proc/self/ns/net");
  f.is_init = same(st, "/proc/1/ns/net");
  return f;
}

std::string attach_path_problem(const std::string& path) { return attach_target_problem(probe_namespace_file(path)); }

}  // namespace nswire::netns
