// Named namespaces the way iproute2's ip/ipnetns.c makes them: /run/netns is a shared mount
// point, each namespace a file there with /proc/thread-self/ns/net bind-mounted onto it.
#include "nswire/netns/namespace.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>
#include <cerrno>
#include <cstring>

#include "nswire/error.h"

namespace nswire::netns {
namespace {

std::string named_path(const std::string& name) { return std::string(kNetnsRunDir) + "/" + name; }

// Like iproute2: make /run/netns a shared mount (bind-mounting it onto itself first if it is
// not a mount point yet), so namespace mounts made here propagate to other mount namespaces
// and `ip netns delete` elsewhere can unmount them.
void prepare_run_dir() {
  // Once per process is enough, and at hundreds of namespaces per run the mount calls add up.
  static std::atomic<bool> prepared{false};
  if (prepared.load()) return;
  if (mkdir(kNetnsRunDir, 0755) != 0 && errno != EEXIST)
    throw Error(errno_message("create namespace directory", kNetnsRunDir, errno));
  bool bound = false;
  while (mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    if (errno != EINVAL || bound)
      throw Error(errno_message("make mount shared", kNetnsRunDir, errno));
    if (mount(kNetnsRunDir, kNetnsRunDir, "none", MS_BIND | MS_REC, nullptr) != 0)
      throw Error(errno_message("bind-mount", kNetnsRunDir, errno));
    bound = true;
  }
  prepared.store(true);
}

}  // namespace

void validate_name(std::string_view name) {
  if (auto p = namespace_name_problem(name); !p.empty()) throw Error("namespace name \"" + std::string(name) + "\": " + p);
}

Namespace::Namespace(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
  struct stat st{};
  if (fstat(fd_, &st) == 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
}

Namespace::~Namespace() {
  if (fd_ >= 0) close(fd_);
}

Namespace::Namespace(Namespace&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)), dev_(other.dev_), ino_(other.ino_) {}

Namespace& Namespace::operator=(Namespace&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
    dev_ = other.dev_;
    ino_ = other.ino_;
  }
  return *this;
}

Namespace Namespace::current() { return open_path("/proc/thread-self/ns/net"); }

Namespace Namespace::of_pid(pid_t pid) {
  if (pid <= 0) throw Error("open namespace of pid " + std::to_string(pid) + ": not a process id");
  return open_path("/proc/" + std::to_string(pid) + "/ns/net");
}

Namespace Namespace::open_path(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(errno_message("open network namespace", path, errno));
  Namespace ns(fd, "");
  // A netns file is an nsfs inode of type CLONE_NEWNET; anything else (a plain file, a
  // directory, another kind of namespace) is a mistake worth naming.
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type != CLONE_NEWNET) throw Error("open network namespace: " + path + ": not a network namespace");
  return ns;
}

Namespace Namespace::open_named(const std::string& name) {
  validate_name(name);
  std::string path = named_path(name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw Error("network namespace \"" + name + "\" does not exist");
    throw Error(errno_message("open network namespace", path, errno));
  }
  Namespace ns(fd, name);
  if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
    throw Error("network namespace \"" + name + "\": " + path + " is not a namespace (left by an interrupted run?)");
  return ns;
}

Namespace Namespace::create(const std::string& name) {
  validate_name(name);
  prepare_run_dir();
  std::string path = named_path(name);
  int mark = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (mark < 0 && errno == EEXIST && remove_stale(name))
    mark = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (mark < 0) {
    if (errno == EEXIST) throw Error("create network namespace \"" + name + "\": it already exists");
    throw Error(errno_message("create network namespace file", path, errno));
  }
  close(mark);
  try {
    run_in_new([&] {
      if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0)
        throw Error(errno_message("bind-mount the new namespace onto", path, errno));
    });
  } catch (const Error& e) {
    unlink(path.c_str());
    throw Error("create network namespace \"" + name + "\": " + e.what());
  }
  return open_named(name);
}

Namespace Namespace::dup() const {
  int fd = fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw Error(errno_message("dup namespace fd", name_, errno));
  return Namespace(fd, name_);
}

void remove(const std::string& name) {
  validate_name(name);
  std::string path = named_path(name);
  if (access(path.c_str(), F_OK) != 0)
    throw Error("delete network namespace \"" + name + "\": it does not exist");
  umount2(path.c_str(), MNT_DETACH);  // EINVAL when not mounted: still remove the file
  if (unlink(path.c_str()) != 0) throw Error(errno_message("delete network namespace", name, errno));
}

bool remove_stale(const std::string& name) {
  validate_name(name);
  std::string path = named_path(name);
  struct stat st{}, dir{};
  if (lstat(path.c_str(), &st) != 0 || stat(kNetnsRunDir, &dir) != 0) return false;
  // A mounted namespace shows the nsfs device; a placeholder is an empty file of the directory's.
  if (!S_ISREG(st.st_mode) || st.st_size != 0 || st.st_dev != dir.st_dev) return false;
  return unlink(path.c_str()) == 0;
}

bool exists(const std::string& name) {
  struct stat st{};
  return stat(named_path(name).c_str(), &st) == 0;
}

std::vector<std::string> list() {
  std::vector<std::string> names;
  DIR* dir = opendir(kNetnsRunDir);
  if (!dir) return names;
  while (dirent* e = readdir(dir)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace nswire::netns
